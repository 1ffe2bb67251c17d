"""Shared fixtures. Every test runs with its data dir and READER_DB inside tmp_path, so no
test can touch a real user's database (the llm pattern)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader.service import Service, open_service

pytest_plugins = ["arxiv_server"]
"""The local arXiv (its ``server`` fixture), for every test that talks to the network."""

FIXED_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("READER_DB", str(home / "default-reader.db"))
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    return home


@pytest.fixture(autouse=True)
def fresh_arxiv_limiter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new process would: with no arXiv request made yet, so the
    process-wide limiter does not make one test wait for another's request."""
    import reader.net

    monkeypatch.setattr(reader.net, "_ARXIV_LIMITER", None)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "reader.db"


class TickingClock:
    """A clock that starts at a fixed moment and moves one second per call, so that
    events recorded in a row have distinct, ordered times."""

    def __init__(self, start: datetime = FIXED_NOW) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def clock() -> TickingClock:
    return TickingClock()


@pytest.fixture
def service(db_path: Path, clock: TickingClock) -> Iterator[Service]:
    """A service on a fresh database holding the seed catalog."""
    svc = open_service(db_path, clock=clock)
    yield svc
    svc.close()


@pytest.fixture
def svc(db_path: Path, clock: TickingClock) -> Iterator[Service]:
    """A seeded service whose days are UTC days, so tests do not depend on the machine's
    time zone. Modules set the starting moment by overriding ``clock``."""
    service = open_service(db_path, clock=clock, tz=UTC)
    yield service
    service.close()


@pytest.fixture
def empty_service(db_path: Path, clock: TickingClock) -> Iterator[Service]:
    svc = open_service(db_path, clock=clock, seed=False)
    yield svc
    svc.close()
