"""Spaced review use cases: schedule on read, the daily queue, grading, moving re-reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from reader import schedule as sched
from reader.models import Paper, Status
from reader.schedule import Grade, ReviewCard, ReviewLogEntry
from reader.store import StoredCard
from reader.when import WhenError, humanize_due, local_date, parse_period, parse_when

from .context import Context, ServiceError
from .settings import Preferences

GRADE_WORDS = {"again": Grade.AGAIN, "hard": Grade.HARD, "good": Grade.GOOD, "easy": Grade.EASY}


def parse_grade(text: str | int) -> Grade:
    word = str(text).strip().lower()
    if word in GRADE_WORDS:
        return GRADE_WORDS[word]
    if word.isdigit() and 1 <= int(word) <= 4:
        return Grade(int(word))
    raise ServiceError(f"unknown grade {text!r}; use again, hard, good, easy (or 1-4)")


@dataclass(frozen=True)
class DueItem:
    paper: Paper
    card: ReviewCard
    due_text: str
    """Human-friendly: "due today", "overdue 2 days"."""
    recall: float
    """FSRS's estimate that the user still remembers the paper now."""


def _card(stored: StoredCard) -> ReviewCard | None:
    return sched.ReviewCard.from_dict(stored.card) if stored.card else None


class Reviewing:
    """Spaced re-reads: scheduling a paper once read, the daily queue, grading, moving."""

    def __init__(self, ctx: Context, preferences: Preferences) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.preferences = preferences

    # Scheduling on read ---------------------------------------------------------------

    def schedule_after_reading(self, paper: Paper) -> None:
        """Give a paper just marked read its first re-read, unless the user turned
        re-reads of it off or it is scheduled already."""
        stored = self.store.reviews.card(paper.id)
        if stored is not None and (not stored.enabled or stored.card):
            return  # turned off by the user, or already scheduled: keep its history
        settings = self.preferences.review_settings()
        if not sched.should_schedule(paper.stars, settings):
            return
        card = sched.new_card(paper.id, self.ctx.clock(), settings)
        self.store.reviews.save_card(paper.id, card.to_dict(), card.due)

    def set_review(self, ref: str | int, enabled: bool) -> Paper:
        """Turn re-reads of one paper off (kept out of every queue) or back on."""
        paper = self.store.papers.find(ref)
        self.store.reviews.set_review_enabled(paper.id, enabled)
        if enabled and paper.status is Status.READ:
            stored = self.store.reviews.card(paper.id)
            if stored is None or not stored.card:
                card = sched.new_card(
                    paper.id, self.ctx.clock(), self.preferences.review_settings()
                )
                self.store.reviews.save_card(paper.id, card.to_dict(), card.due)
        return paper

    # The queue ------------------------------------------------------------------------

    def _active_cards(self) -> list[ReviewCard]:
        return [c for c in (_card(s) for s in self.store.reviews.cards()) if c is not None]

    def reviewed_today(self) -> int:
        today = local_date(self.ctx.clock(), self.ctx.tz)
        return sum(
            1
            for row in self.store.reviews.review_log()
            if local_date(datetime.fromisoformat(row["reviewed_at"]), self.ctx.tz) == today
        )

    def due(self, *, limit: int | None = None) -> list[DueItem]:
        """Today's re-reads, most urgent first, within the daily limit."""
        now = self.ctx.clock()
        settings = self.preferences.review_settings()
        queue = sched.daily_queue(
            self._active_cards(),
            now,
            limit=settings.daily_limit if limit is None else limit,
            stars=self.store.reading.current_ratings(),
            tz=self.ctx.tz,
            already_reviewed=self.reviewed_today(),
        )
        papers = {p.id: p for p in self.store.papers.get_papers([c.paper_id for c in queue])}
        return [
            DueItem(
                papers[c.paper_id],
                c,
                humanize_due(c.due, now, tz=self.ctx.tz),
                sched.retrievability(c, now),
            )
            for c in queue
            if c.paper_id in papers
        ]

    def overdue_count(self) -> int:
        """Every re-read whose date has come, including what the daily limit holds back."""
        today = local_date(self.ctx.clock(), self.ctx.tz)
        return sum(1 for c in self._active_cards() if local_date(c.due, self.ctx.tz) <= today)

    def grade(self, ref: str | int, grade: str | int | Grade) -> tuple[ReviewCard, ReviewLogEntry]:
        """Record how well the user recalled a paper; returns the new card and log entry."""
        paper = self.store.papers.find(ref)
        stored = self.store.reviews.card(paper.id)
        card = _card(stored) if stored else None
        if card is None or stored is None or not stored.enabled:
            raise ServiceError(f"paper {paper.id} is not scheduled for review")
        value = grade if isinstance(grade, Grade) else parse_grade(grade)
        after, entry = sched.review(
            card, value, self.ctx.clock(), self.preferences.review_settings()
        )
        log = entry.to_dict()
        self.store.reviews.record_review(paper.id, after.to_dict(), after.due, log)
        return after, entry

    # Moving re-reads ------------------------------------------------------------------

    def schedule_at(self, ref: str | int, when: str) -> datetime:
        """Set a paper's next re-read from a date or phrase ("in 3 months", "next monday")."""
        paper = self.store.papers.find(ref)
        now = self.ctx.clock()
        try:
            moment = parse_when(when, now, tz=self.ctx.tz)
        except WhenError as error:
            raise ServiceError(str(error)) from None
        stored = self.store.reviews.card(paper.id)
        card = _card(stored) if stored else None
        if card is None:
            card = sched.new_card(paper.id, now, self.preferences.review_settings())
        moved = sched.reschedule(card, moment)
        self.store.reviews.save_card(paper.id, moved.to_dict(), moved.due, enabled=True)
        return moment

    def vacation(self, period: str, *, start: datetime | None = None) -> tuple[datetime, int]:
        """Postpone every re-read due within ``period`` from now (or ``start``), spread out
        after it. Returns the end of the vacation and how many re-reads moved."""
        try:
            length = parse_period(period)
        except WhenError as error:
            raise ServiceError(str(error)) from None
        begin = start or self.ctx.clock()
        end = begin + length
        cards = self._active_cards()
        moved = sched.vacation(
            cards, begin, end, limit=self.preferences.review_settings().daily_limit, tz=self.ctx.tz
        )
        changed: list[tuple[int, dict[str, Any], datetime | None]] = [
            (new.paper_id, new.to_dict(), new.due)
            for old, new in zip(cards, moved, strict=True)
            if new.due != old.due
        ]
        self.store.reviews.save_cards(changed)
        return end, len(changed)

    def forecast(self, days: int = 30) -> list[tuple[date, int]]:
        return sched.forecast(
            self._active_cards(),
            local_date(self.ctx.clock(), self.ctx.tz),
            days,
            limit=self.preferences.review_settings().daily_limit,
            stars=self.store.reading.current_ratings(),
            tz=self.ctx.tz,
            already_reviewed=self.reviewed_today(),
        )

    def next_due_after_today(self) -> datetime | None:
        tomorrow = local_date(self.ctx.clock(), self.ctx.tz) + timedelta(days=1)
        later = [c.due for c in self._active_cards() if local_date(c.due, self.ctx.tz) >= tomorrow]
        return min(later) if later else None
