"""What every use case is given: the repositories, the clock and the user's time zone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from reader.store import Repositories, StoreError

Clock = Callable[[], datetime]


class ServiceError(StoreError):
    """A user mistake or an impossible request; the text is one clear line."""


def local_tz() -> tzinfo:
    """The machine's time zone: days ("due today") are the user's days, stored times UTC.

    The zone with its rules (``dateutil``'s ``tzlocal``), not today's offset: with the
    offset of a Sydney summer, a re-read set for a winter day began at 23:00 the evening
    before, and was "due today" a day early."""
    from dateutil.tz import tzlocal

    return tzlocal()


@dataclass(frozen=True)
class Context:
    store: Repositories
    clock: Clock
    """Now, as a UTC-aware datetime; tests pass a fixed one."""
    tz: tzinfo
    """The user's time zone, for what "today" means."""
