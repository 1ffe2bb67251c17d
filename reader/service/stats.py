"""Reading statistics for the Stats screen and `reader stats`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from reader.when import local_date

from .context import Context


@dataclass(frozen=True)
class ReadingStats:
    weeks: list[tuple[date, int]]
    """Papers marked read per week (the Monday that starts it), oldest first."""
    ratings: dict[int, int]
    """How many papers carry each star count, 1-5."""
    total: int
    read: int
    rated: int
    notes: int


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def reads_per_week(read_days: list[date], today: date, weeks: int) -> list[tuple[date, int]]:
    """Counts per week for the last ``weeks`` weeks, this week included. Pure."""
    this_week = week_start(today)
    starts = [this_week - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    counts = Counter(week_start(d) for d in read_days)
    return [(start, counts.get(start, 0)) for start in starts]


class Stats:
    """Reading statistics."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.store = ctx.store

    def reading_stats(self, *, weeks: int = 12) -> ReadingStats:
        today = local_date(self.ctx.clock(), self.ctx.tz)
        read_days = [local_date(t, self.ctx.tz) for t in self.store.reading.read_times()]
        ratings = Counter(self.store.reading.current_ratings().values())
        return ReadingStats(
            weeks=reads_per_week(read_days, today, weeks),
            ratings={stars: ratings.get(stars, 0) for stars in range(1, 6)},
            total=self.store.papers.paper_count(),
            read=len(read_days),
            rated=sum(ratings.values()),
            notes=self.store.reading.note_count(),
        )
