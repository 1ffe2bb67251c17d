"""Reading statistics: the pure weekly count and the service over a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from reader.service import open_service
from reader.service.stats import reads_per_week
from tests.conftest import TickingClock


def test_reads_per_week_counts_by_monday() -> None:
    today = date(2026, 3, 4)  # a Wednesday
    days = [date(2026, 3, 2), date(2026, 3, 3), date(2026, 2, 27), date(2025, 1, 1)]
    assert reads_per_week(days, today, 3) == [
        (date(2026, 2, 16), 0),
        (date(2026, 2, 23), 1),
        (date(2026, 3, 2), 2),
    ]


def test_reading_stats_from_the_store(db_path: Path) -> None:
    clock = TickingClock(datetime(2026, 3, 4, 12, tzinfo=UTC))
    svc = open_service(db_path, clock=clock, tz=UTC)
    svc.set_status(1, "read")
    svc.set_status(2, "read")
    clock.now -= timedelta(days=7)
    svc.set_status(3, "read")
    clock.now += timedelta(days=7)
    svc.rate(1, 5)
    svc.rate(2, 5)
    svc.rate(3, 2)
    svc.add_note(1, "n")
    stats = svc.reading_stats(weeks=2)
    assert stats.weeks == [(date(2026, 2, 23), 1), (date(2026, 3, 2), 2)]
    assert stats.ratings == {1: 0, 2: 1, 3: 0, 4: 0, 5: 2}
    assert (stats.total, stats.read, stats.rated, stats.notes) == (52, 3, 3, 1)
    svc.close()


def test_cli_stats(db_path: Path, capsys) -> None:
    from reader.cli import main

    assert main(["--db", str(db_path), "rate", "4", "4"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "stats", "--weeks", "2"]) == 0
    out = capsys.readouterr().out
    assert "52 papers, 0 read, 1 rated, 0 notes" in out and "★★★★☆     1  █" in out
