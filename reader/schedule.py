"""Spaced review of read papers: pure scheduling on top of FSRS.

Nothing here reads a clock, touches files or the database, or uses global random state:
``now`` is always passed in, and every datetime must be timezone-aware (it is converted to
UTC; naive datetimes are rejected with a ``ValueError``).

Papers are not flashcards, so the FSRS scheduler runs with **no learning or relearning
steps**: every interval is a whole number of days, at least one. Reading a paper counts as
its first FSRS review (graded Good unless told otherwise), so a freshly read paper already
has a memory state and its first re-read comes after the interval that state implies
(4 days at the default settings), never sooner than a day after reading.

The daily queue is planned day by day: each day takes at most ``limit`` papers from those
due on or before it, by priority, and the rest roll to the next day. :func:`daily_queue`,
:func:`spread_backlog` and :func:`forecast` all come from the same plan, so the due list and
the forecast always agree.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import IntEnum
from functools import lru_cache
from typing import Any

from fsrs import Card, Rating, Scheduler, State

from reader.when import as_utc, day_start, local_date

DEFAULT_DESIRED_RETENTION = 0.85
"""Probability of still recalling a paper's key ideas when its re-read comes due.

FSRS defaults to 0.9 for flashcards. A re-read of a paper costs minutes, not seconds, and the
aim is to keep the gist rather than every detail, so we trade a little recall for a lot less
work: on the FSRS-6 forgetting curve (default decay 0.1542) an interval at 0.85 is 1.9 times
the interval at 0.9, so the same papers need roughly half as many re-reads, while each re-read
still finds the paper 85% likely to be remembered. Going lower (0.8 gives 3.3 times the 0.9
interval) means most re-reads start from a paper that has largely faded.
"""

DEFAULT_DAILY_LIMIT = 3
ONE_DAY = timedelta(days=1)


class Grade(IntEnum):
    """How well the user recalled the paper's key ideas before looking at it again."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


@dataclass(frozen=True)
class ReviewSettings:
    desired_retention: float = DEFAULT_DESIRED_RETENTION
    daily_limit: int = DEFAULT_DAILY_LIMIT
    maximum_interval_days: int = 3650
    skip_stars_at_most: int = 2
    """Papers rated this many stars or fewer get no schedule; 0 schedules every paper."""
    enable_fuzzing: bool = True
    """Spread intervals by a few percent so papers read together do not stay in lockstep.

    fsrs's own fuzzing draws from the global ``random`` module, so we keep it off and fuzz
    with a generator seeded from the paper id and the review time: the same review always
    gives the same due date.
    """

    def __post_init__(self) -> None:
        if not 0.0 < self.desired_retention < 1.0:
            raise ValueError(
                f"desired_retention must be between 0 and 1, got {self.desired_retention}"
            )
        if self.daily_limit < 1:
            raise ValueError(f"daily_limit must be at least 1, got {self.daily_limit}")
        if self.maximum_interval_days < 1:
            raise ValueError(
                f"maximum_interval_days must be at least 1, got {self.maximum_interval_days}"
            )
        if not 0 <= self.skip_stars_at_most <= 5:
            raise ValueError(
                f"skip_stars_at_most must be between 0 and 5, got {self.skip_stars_at_most}"
            )


DEFAULT_SETTINGS = ReviewSettings()


@dataclass(frozen=True)
class ReviewCard:
    """The review state of one paper. All datetimes are UTC."""

    paper_id: int
    due: datetime
    stability: float | None
    """FSRS stability in days: the interval at which recall falls to 90%."""
    difficulty: float | None
    """FSRS difficulty, 1 (easy) to 10 (hard)."""
    state: int
    """fsrs ``State``: 1 learning, 2 review, 3 relearning. Ours are almost always 2."""
    last_review: datetime | None
    reps: int = 0
    """Re-reads done; the first reading is not counted."""
    lapses: int = 0
    """Re-reads graded Again."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict with ISO 8601 datetimes, for the store and the export."""
        return {
            "paper_id": self.paper_id,
            "due": self.due.isoformat(),
            "stability": self.stability,
            "difficulty": self.difficulty,
            "state": self.state,
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "reps": self.reps,
            "lapses": self.lapses,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ReviewCard:
        """Inverse of :meth:`to_dict`. Raises ``ValueError`` naming the bad field."""
        try:
            last = d.get("last_review")
            stability = d.get("stability")
            difficulty = d.get("difficulty")
            state = int(d["state"])
            State(state)
            return cls(
                paper_id=int(d["paper_id"]),
                due=_parse_iso(d["due"], "due"),
                stability=None if stability is None else float(stability),
                difficulty=None if difficulty is None else float(difficulty),
                state=state,
                last_review=None if last is None else _parse_iso(last, "last_review"),
                reps=int(d.get("reps", 0)),
                lapses=int(d.get("lapses", 0)),
            )
        except KeyError as e:
            raise ValueError(f"review card: missing field {e.args[0]!r}") from None
        except (TypeError, ValueError) as e:
            raise ValueError(f"review card: {e}") from None


@dataclass(frozen=True)
class ReviewLogEntry:
    """One re-read: when, the grade, the new interval, and the card before and after."""

    paper_id: int
    reviewed_at: datetime
    grade: Grade
    interval_days: float
    """Days from this review to the new due date."""
    state_before: dict[str, Any]
    """``ReviewCard.to_dict()`` before the review."""
    state_after: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "paper_id": self.paper_id,
            "reviewed_at": self.reviewed_at.isoformat(),
            "grade": int(self.grade),
            "interval_days": self.interval_days,
            "state_before": dict(self.state_before),
            "state_after": dict(self.state_after),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ReviewLogEntry:
        """Inverse of :meth:`to_dict`. Raises ``ValueError`` naming the bad field."""
        try:
            return cls(
                paper_id=int(d["paper_id"]),
                reviewed_at=_parse_iso(d["reviewed_at"], "reviewed_at"),
                grade=Grade(int(d["grade"])),
                interval_days=float(d["interval_days"]),
                state_before=dict(d["state_before"]),
                state_after=dict(d["state_after"]),
            )
        except KeyError as e:
            raise ValueError(f"review log entry: missing field {e.args[0]!r}") from None
        except (TypeError, ValueError) as e:
            raise ValueError(f"review log entry: {e}") from None


def should_schedule(stars: int | None, settings: ReviewSettings = DEFAULT_SETTINGS) -> bool:
    """Whether a paper just read gets re-reads. Unrated papers do."""
    return stars is None or stars > settings.skip_stars_at_most


def new_card(
    paper_id: int,
    read_at: datetime,
    settings: ReviewSettings = DEFAULT_SETTINGS,
    *,
    grade: Grade = Grade.GOOD,
) -> ReviewCard:
    """The review card for a paper read at ``read_at``; the first re-read is >= 1 day later.

    The reading itself is the first FSRS review, graded ``grade`` (Good by default: the user
    has just read it). It is not a re-read, so it is not in the log and ``reps`` stays 0.
    """
    read_at = as_utc(read_at, "read_at")
    fresh = Card(card_id=paper_id, state=State.Learning, step=0, due=read_at)
    card, _ = _scheduler(settings).review_card(fresh, Rating(int(grade)), read_at)
    due = _fuzzed_due(paper_id, read_at, card.due, settings)
    return ReviewCard(
        paper_id=paper_id,
        due=max(due, read_at + ONE_DAY),
        stability=card.stability,
        difficulty=card.difficulty,
        state=int(card.state),
        last_review=read_at,
    )


def review(
    card: ReviewCard,
    grade: Grade,
    now: datetime,
    settings: ReviewSettings = DEFAULT_SETTINGS,
) -> tuple[ReviewCard, ReviewLogEntry]:
    """Record a re-read graded ``grade`` at ``now``; return the new card and its log entry.

    A re-read before the due date is allowed (FSRS then grows stability less).
    """
    now = as_utc(now, "now")
    grade = Grade(grade)
    if card.last_review is not None and now < card.last_review:
        raise ValueError(
            f"review at {now.isoformat()} is before the last review "
            f"at {card.last_review.isoformat()}"
        )
    fcard, _ = _scheduler(settings).review_card(_to_fsrs(card), Rating(int(grade)), now)
    due = _fuzzed_due(card.paper_id, now, fcard.due, settings)
    after = ReviewCard(
        paper_id=card.paper_id,
        due=due,
        stability=fcard.stability,
        difficulty=fcard.difficulty,
        state=int(fcard.state),
        last_review=now,
        reps=card.reps + 1,
        lapses=card.lapses + (grade == Grade.AGAIN),
    )
    entry = ReviewLogEntry(
        paper_id=card.paper_id,
        reviewed_at=now,
        grade=grade,
        interval_days=(due - now) / ONE_DAY,
        state_before=card.to_dict(),
        state_after=after.to_dict(),
    )
    return after, entry


def retrievability(card: ReviewCard, now: datetime) -> float:
    """FSRS's probability that the user still recalls the paper at ``now`` (0 if never read)."""
    return _scheduler(DEFAULT_SETTINGS).get_card_retrievability(_to_fsrs(card), as_utc(now, "now"))


def reschedule(card: ReviewCard, when: datetime) -> ReviewCard:
    """The card due at ``when`` instead; its memory state is unchanged."""
    return replace(card, due=as_utc(when, "when"))


def daily_queue(
    cards: Sequence[ReviewCard],
    now: datetime,
    *,
    limit: int,
    stars: Mapping[int, int] | None = None,
    tz: tzinfo = UTC,
    already_reviewed: int = 0,
) -> list[ReviewCard]:
    """Papers to re-read today (the user's local day in ``tz``), most urgent first.

    Candidates are cards due today or earlier. Order: days overdue (most first), then
    FSRS retrievability at the end of today (lowest first), then the user's stars (highest
    first), then due time and paper id. At most ``limit - already_reviewed`` are returned;
    pass the number of re-reads already logged today so the limit holds across runs.
    """
    today = as_utc(now, "now").astimezone(tz).date()
    plan = spread_backlog(
        cards, today, 1, limit=limit, stars=stars, tz=tz, already_reviewed=already_reviewed
    )
    return plan[0][1]


def spread_backlog(
    cards: Sequence[ReviewCard],
    today: date,
    days: int,
    *,
    limit: int,
    stars: Mapping[int, int] | None = None,
    tz: tzinfo = UTC,
    already_reviewed: int = 0,
) -> list[tuple[date, list[ReviewCard]]]:
    """Plan the next ``days`` days of re-reads, at most ``limit`` a day.

    Each day takes the highest-priority cards (see :func:`daily_queue`) among those due on
    or before it and not yet planned; the rest roll to the next day instead of piling up.
    Stored due dates are not changed: a rolled-over paper keeps its real due date, so it
    shows as overdue. The plan assumes every planned re-read is done on its day and does not
    guess the due dates those re-reads will produce.
    """
    if limit < 0:
        raise ValueError(f"limit must not be negative, got {limit}")
    ratings = stars or {}
    pending = sorted(cards, key=lambda c: (c.due, c.paper_id))
    waiting: list[ReviewCard] = []
    plan: list[tuple[date, list[ReviewCard]]] = []
    i = 0
    for offset in range(days):
        day = today + timedelta(days=offset)
        while i < len(pending) and local_date(pending[i].due, tz) <= day:
            waiting.append(pending[i])
            i += 1
        room = max(0, limit - (already_reviewed if offset == 0 else 0))
        at = day_start(day + ONE_DAY, tz)

        def priority(c: ReviewCard, day: date = day, at: datetime = at) -> tuple[Any, ...]:
            overdue = (day - local_date(c.due, tz)).days
            return (-overdue, retrievability(c, at), -ratings.get(c.paper_id, 0), c.due, c.paper_id)

        waiting.sort(key=priority)
        plan.append((day, waiting[:room]))
        waiting = waiting[room:]
    return plan


def forecast(
    cards: Sequence[ReviewCard],
    today: date,
    days: int = 30,
    *,
    limit: int,
    stars: Mapping[int, int] | None = None,
    tz: tzinfo = UTC,
    already_reviewed: int = 0,
) -> list[tuple[date, int]]:
    """Re-reads planned per day for ``days`` days from ``today``, as :func:`spread_backlog`."""
    plan = spread_backlog(
        cards, today, days, limit=limit, stars=stars, tz=tz, already_reviewed=already_reviewed
    )
    return [(day, len(planned)) for day, planned in plan]


def next_planned(
    cards: Sequence[ReviewCard],
    today: date,
    *,
    limit: int,
    stars: Mapping[int, int] | None = None,
    tz: tzinfo = UTC,
    already_reviewed: int = 0,
) -> tuple[date, int] | None:
    """The first day after ``today`` on which the plan (:func:`spread_backlog`, the rule of
    the queue and the forecast) holds re-reads, and how many it holds then; None when it
    holds none. That is tomorrow when the daily limit rolled some over, else the first due
    date after tomorrow."""
    if limit < 1:
        return None
    tomorrow, planned = spread_backlog(
        cards, today, 2, limit=limit, stars=stars, tz=tz, already_reviewed=already_reviewed
    )[1]
    if planned:
        return tomorrow, len(planned)
    # Nothing waits past tomorrow (its room was unused), so the next day is a due date.
    later = Counter(local_date(c.due, tz) for c in cards)
    days = [day for day in later if day > tomorrow]
    if not days:
        return None
    first = min(days)
    return first, min(limit, later[first])


def vacation(
    cards: Sequence[ReviewCard],
    start: datetime,
    end: datetime,
    *,
    limit: int = DEFAULT_DAILY_LIMIT,
    tz: tzinfo = UTC,
    today: date | None = None,
    stars: Mapping[int, int] | None = None,
    already_reviewed: int = 0,
) -> list[ReviewCard]:
    """Postpone every re-read the plan would show during ``[start, end)`` to after ``end``,
    at most ``limit`` a day.

    What moves is what the queue and the forecast would show on the vacation's days: the
    cards :func:`spread_backlog` (run from ``today``, default ``start``'s day, with
    ``stars`` and ``already_reviewed`` as the queue has them) plans on a day from
    ``start``'s to the day before ``end``'s (cards due then, and cards overdue or held back
    by the daily limit that would roll into those days), and any card due in
    ``[start, end)``. A card the limit rolls past the end keeps its date.

    Returns all ``cards`` in their order, the postponed ones with new due dates. They keep
    their relative order (by due date) and fill, from the day ``end`` falls on, the room
    that cards already due on those days leave under ``limit``.
    """
    start, end = as_utc(start, "start"), as_utc(end, "end")
    if end <= start:
        raise ValueError(f"vacation end {end.isoformat()} is not after start {start.isoformat()}")
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    first, last = local_date(start, tz), local_date(end, tz)
    plan_from = min(today or first, first)
    plan = spread_backlog(
        cards,
        plan_from,
        (last - plan_from).days,
        limit=limit,
        stars=stars,
        tz=tz,
        already_reviewed=already_reviewed,
    )
    shown = {id(c) for day, planned in plan if day >= first for c in planned}
    moving = sorted(
        (c for c in cards if id(c) in shown or start <= c.due < end),
        key=lambda c: (c.due, c.paper_id),
    )
    load = Counter(local_date(c.due, tz) for c in cards if c.due >= end)  # none of these move
    day = last
    moved: dict[int, ReviewCard] = {}
    for c in moving:
        while load[day] >= limit:
            day += ONE_DAY
        load[day] += 1
        moved[id(c)] = replace(c, due=max(end, day_start(day, tz)))
    return [moved.get(id(c), c) for c in cards]


@lru_cache(maxsize=16)
def _scheduler(settings: ReviewSettings) -> Scheduler:
    return Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=(),
        relearning_steps=(),
        maximum_interval=settings.maximum_interval_days,
        enable_fuzzing=False,
    )


def _to_fsrs(card: ReviewCard) -> Card:
    state = State(card.state)
    return Card(
        card_id=card.paper_id,
        state=state,
        step=None if state == State.Review else 0,
        stability=card.stability,
        difficulty=card.difficulty,
        due=as_utc(card.due, "due"),
        last_review=None if card.last_review is None else as_utc(card.last_review, "last_review"),
    )


def _fuzzed_due(paper_id: int, at: datetime, due: datetime, settings: ReviewSettings) -> datetime:
    """``due`` moved by up to a few percent, the same way for the same paper and time.

    The range follows fsrs's own fuzz (none under 2.5 days, then +-15%, 10%, 5% bands), and
    the result stays within [1 day, maximum interval].
    """
    days = round((due - at) / ONE_DAY)
    if not settings.enable_fuzzing or days < 2.5:
        return due
    delta = 1.0
    for lo, hi, factor in ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, float("inf"), 0.05)):
        delta += factor * max(min(float(days), hi) - lo, 0.0)
    top = min(round(days + delta), settings.maximum_interval_days)
    bottom = min(max(2, round(days - delta)), top)
    rng = random.Random(f"{paper_id}@{at.isoformat()}")
    return at + timedelta(days=rng.randint(bottom, top))


def _parse_iso(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be an ISO 8601 string, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name}: not an ISO 8601 datetime: {value!r}") from None
    return as_utc(parsed, name)
