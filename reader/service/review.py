"""Spaced review use cases: schedule on read, the daily queue, grading, moving re-reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from dateutil.relativedelta import relativedelta

from reader import schedule as sched
from reader.models import Paper, Status
from reader.schedule import Grade, ReviewCard, ReviewLogEntry
from reader.store import StoredCard
from reader.units import quoted
from reader.when import (
    WhenError,
    day_start,
    humanize_due,
    local_date,
    parse_period,
    parse_when,
)

from .context import Context, ServiceError
from .settings import Preferences
from .undo import Undoable, UndoLog, quoted_title

GRADE_WORDS = {"again": Grade.AGAIN, "hard": Grade.HARD, "good": Grade.GOOD, "easy": Grade.EASY}


def parse_grade(text: str | int) -> Grade:
    word = str(text).strip().lower()
    if word in GRADE_WORDS:
        return GRADE_WORDS[word]
    if word in ("1", "2", "3", "4"):
        return Grade(int(word))
    raise ServiceError(f"unknown grade {quoted(word)}; use again, hard, good, easy (or 1-4)")


@dataclass(frozen=True)
class DueItem:
    paper: Paper
    card: ReviewCard
    due_text: str
    """Human-friendly: "due today", "overdue 2 days"."""
    recall: float
    """FSRS's estimate that the user still remembers the paper now."""


@dataclass(frozen=True)
class Rescheduled:
    due: datetime
    turned_on: bool
    """Re-reads of the paper had been turned off; scheduling one turned them back on."""


@dataclass(frozen=True)
class Rereads:
    """One paper's re-reads, as its page shows them."""

    enabled: bool
    due: datetime | None
    """The card's next re-read (the daily limit may roll it a day or two later)."""
    done: int
    last: datetime | None

    def describe(self, now: datetime, tz: tzinfo) -> str:
        """What follows "Re-reads: ": "next due in 3 months (Tue 2027-03-02); 2 done, last
        2026-11-02", "off", or "" for a paper with none done and none planned."""
        parts = []
        if not self.enabled:
            parts.append("off")
        elif self.due is not None:
            day = f"{self.due.astimezone(tz):%a %Y-%m-%d}"
            parts.append(f"next {humanize_due(self.due, now, tz=tz)} ({day})")
        if self.done and self.last is not None:
            parts.append(f"{self.done} done, last {self.last.astimezone(tz):%Y-%m-%d}")
        return "; ".join(parts)


def _card(stored: StoredCard) -> ReviewCard | None:
    return sched.ReviewCard.from_dict(stored.card) if stored.card else None


MAX_VACATION_YEARS = 1


class Reviewing:
    """Spaced re-reads: scheduling a paper once read, the daily queue, grading, moving."""

    def __init__(self, ctx: Context, preferences: Preferences, undo: UndoLog) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.preferences = preferences
        self.undo = undo

    # Scheduling on read ---------------------------------------------------------------

    def schedule_after_reading(self, paper: Paper) -> None:
        """Give a paper just marked read its first re-read, unless the user turned
        re-reads of it off or it is scheduled already."""
        stored = self.store.reviews.card(paper.id)
        if stored is not None and not stored.enabled:
            return  # turned off by the user
        settings = self.preferences.review_settings()
        if stored is not None and stored.card:
            # Scheduled before: its history stays. Read again after being set back, a card
            # whose re-read fell due meanwhile waits a first interval from now; it came
            # back at once as "overdue 8 weeks" for a paper just read.
            card = _card(stored)
            fresh = sched.new_card(paper.id, self.ctx.clock(), settings)
            if card is not None and card.due < fresh.due and card.due < self.ctx.clock():
                moved = sched.reschedule(card, fresh.due)
                self.store.reviews.save_card(paper.id, moved.to_dict(), moved.due)
            return
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
        """The cards every view of the plan reads: re-reads turned on, of papers whose
        status is read now. A paper read and then set back (unread, queued, reading,
        dropped) keeps its card and history, but is not a re-read until it is read again."""
        read = {
            paper_id
            for paper_id, status in self.store.reading.current_statuses().items()
            if status is Status.READ
        }
        cards = (_card(s) for s in self.store.reviews.cards() if s.paper_id in read)
        return [c for c in cards if c is not None]

    def rereads_of(self, ref: str | int) -> Rereads:
        paper = self.store.papers.find(ref)
        stored = self.store.reviews.card(paper.id)
        log = self.store.reviews.review_log(paper.id)
        return Rereads(
            enabled=stored is None or stored.enabled,
            due=stored.due if stored and stored.enabled and paper.status is Status.READ else None,
            done=len(log),
            last=datetime.fromisoformat(log[-1]["reviewed_at"]) if log else None,
        )

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
        plan = self._plan()
        if limit is not None:
            plan["limit"] = limit
        queue = sched.daily_queue(self._active_cards(), now, **plan)
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
        if paper.status is not Status.READ:
            raise ServiceError(
                f"paper {paper.id} is {paper.status.value} now, not read: no re-read to grade"
            )
        value = grade if isinstance(grade, Grade) else parse_grade(grade)
        after, entry = sched.review(
            card, value, self.ctx.clock(), self.preferences.review_settings()
        )
        log = entry.to_dict()
        with self.store.conn.write():  # the grade and its undo entry, or neither
            log_id = self.store.reviews.record_review(paper.id, after.to_dict(), after.due, log)
            word = next(w for w, g in GRADE_WORDS.items() if g == value)
            self.undo.record(
                Undoable(
                    "grade",
                    paper.id,
                    log_id,
                    f"graded the re-read of {quoted_title(paper)} {word}",
                    card_before=stored,
                    card_touched=True,
                )
            )
        return after, entry

    # Moving re-reads ------------------------------------------------------------------

    def schedule_at(self, ref: str | int, when: str) -> Rescheduled:
        """Set a paper's next re-read from a date or phrase ("in 3 months", "next monday"),
        turning its re-reads back on if they were off (asking for one means wanting it)."""
        paper = self.store.papers.find(ref)
        now = self.ctx.clock()
        try:
            moment = parse_when(when, now, tz=self.ctx.tz)
        except WhenError as error:
            raise ServiceError(str(error)) from None
        stored = self.store.reviews.card(paper.id)
        card = _card(stored) if stored else None
        if paper.status is not Status.READ:
            # Re-reads are of read papers: one scheduled here would show as a re-read.
            raise ServiceError(
                f"paper {paper.id} is not read ({paper.status.value}), so it has no "
                "re-reads to schedule; mark it read first"
            )
        if card is None:
            card = sched.new_card(paper.id, now, self.preferences.review_settings())
        moved = sched.reschedule(card, moment)
        self.store.reviews.save_card(paper.id, moved.to_dict(), moved.due, enabled=True)
        return Rescheduled(moment, turned_on=stored is not None and not stored.enabled)

    def vacation(self, period: str, *, start: datetime | None = None) -> tuple[datetime, int]:
        """Postpone every re-read due within ``period`` from now (or ``start``), spread out
        after it. Returns the end of the vacation and how many re-reads moved."""
        try:
            length = parse_period(period)
        except WhenError as error:
            raise ServiceError(str(error)) from None
        now = self.ctx.clock()
        begin = start or now
        end = begin + length
        if end > begin + relativedelta(years=MAX_VACATION_YEARS):
            # It cannot be undone: "100 years" for "100 days" would move every re-read out
            # of the user's life (`reader schedule` sets one paper's re-read that far).
            raise ServiceError(
                f"a vacation of {quoted(period.strip())} is longer than a year; "
                "to stop a paper's re-reads, turn them off for that paper"
            )
        cards = self._active_cards()
        moved = sched.vacation(
            cards, begin, end, **self._plan(), today=local_date(now, self.ctx.tz)
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
            self._active_cards(), local_date(self.ctx.clock(), self.ctx.tz), days, **self._plan()
        )

    def next_planned(self) -> tuple[date, int] | None:
        """The next day after today with re-reads in the plan, and how many: the day the
        forecast shows next (tomorrow when the daily limit held some back)."""
        return sched.next_planned(
            self._active_cards(), local_date(self.ctx.clock(), self.ctx.tz), **self._plan()
        )

    def next_due_after_today(self) -> datetime | None:
        """The start of :meth:`next_planned`'s day, in the user's time zone."""
        planned = self.next_planned()
        return None if planned is None else day_start(planned[0], self.ctx.tz)

    def _plan(self) -> dict[str, Any]:
        """What every view of the plan shares (the queue, the forecast, the next day,
        a vacation), so they agree: the daily limit, the stars, today's re-reads done."""
        return {
            "limit": self.preferences.review_settings().daily_limit,
            "stars": self.store.reading.current_ratings(),
            "tz": self.ctx.tz,
            "already_reviewed": self.reviewed_today(),
        }
