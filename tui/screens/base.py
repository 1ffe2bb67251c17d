"""What every reader screen shares: typed access to the app and its service."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.binding import Binding
from textual.screen import Screen

from reader.service import Service

if TYPE_CHECKING:
    from ..app import ReaderApp


def rating_bindings(id_prefix: str, *, rate_tip: str, clear_tip: str) -> list[Binding]:
    """Keys 1-5 rate and 0 clears the rating, as action ``rate(n)``."""
    return [
        *[
            Binding(
                str(n),
                f"rate({n})",
                "Rate",
                show=False,
                tooltip=rate_tip,
                id=f"{id_prefix}-rate-{n}",
            )
            for n in range(1, 6)
        ],
        Binding(
            "0",
            "rate(0)",
            "Clear rating",
            show=False,
            tooltip=clear_tip,
            id=f"{id_prefix}-unrate",
        ),
    ]


class ReaderScreen(Screen[None]):
    HELP_TITLE = "Screen"

    @property
    def reader(self) -> ReaderApp:
        return cast("ReaderApp", self.app)

    @property
    def service(self) -> Service:
        return self.reader.service

    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        """Every binding of this screen, by name; screens add parameterized ones."""
        seen: set[str] = set()
        for b in Binding.make_bindings(self.BINDINGS):
            if b.description and b.description not in seen:
                seen.add(b.description)
                yield (
                    f"{self.HELP_TITLE}: {b.description}",
                    b.tooltip or "",
                    partial(self.run_action, b.action),
                )
