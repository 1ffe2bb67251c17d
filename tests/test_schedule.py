"""Spaced review scheduling: deterministic (fuzzing off, fixed `now`) plus properties."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.schedule import (
    Grade,
    ReviewCard,
    ReviewLogEntry,
    ReviewSettings,
    daily_queue,
    forecast,
    new_card,
    next_planned,
    reschedule,
    retrievability,
    review,
    should_schedule,
    spread_backlog,
    vacation,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EXACT = ReviewSettings(enable_fuzzing=False)
DAY = timedelta(days=1)


def card_due(
    paper_id: int, due: datetime, *, stability: float = 10.0, read_days_before: float = 10.0
) -> ReviewCard:
    return ReviewCard(
        paper_id=paper_id,
        due=due,
        stability=stability,
        difficulty=5.0,
        state=2,
        last_review=due - timedelta(days=read_days_before),
    )


def review_chain(grades: list[Grade], s: ReviewSettings = EXACT) -> list[float]:
    """Intervals (days) after reading at NOW and re-reading on each due date."""
    card = new_card(1, NOW, s)
    intervals = []
    for grade in grades:
        card, entry = review(card, grade, card.due, s)
        intervals.append(entry.interval_days)
    return intervals


# --- new cards --------------------------------------------------------------------------


@pytest.mark.parametrize("grade", list(Grade), ids=lambda g: g.name)
def test_first_reread_at_least_a_day_after_reading(grade: Grade) -> None:
    card = new_card(7, NOW, EXACT, grade=grade)
    assert card.due >= NOW + DAY
    assert card.last_review == NOW
    assert (card.reps, card.lapses, card.state) == (0, 0, 2)


def test_first_reread_after_four_days_by_default() -> None:
    # Reading counts as a Good first review: initial stability 2.3065 days, at 0.85 that is
    # an interval of round(4.40) = 4 days.
    assert new_card(7, NOW, EXACT).due == NOW + 4 * DAY


def test_fuzzed_first_reread_still_at_least_a_day() -> None:
    for paper_id in range(200):
        assert new_card(paper_id, NOW).due >= NOW + DAY


# --- intervals --------------------------------------------------------------------------


def test_exact_intervals_for_good_chain() -> None:
    assert review_chain([Grade.GOOD] * 3) == [31.0, 173.0, 773.0]


def test_intervals_grow_with_good() -> None:
    intervals = review_chain([Grade.GOOD] * 4)
    assert intervals == sorted(intervals) and len(set(intervals)) == 4


def test_intervals_grow_with_easy_faster_than_good() -> None:
    easy = review_chain([Grade.EASY] * 3)
    good = review_chain([Grade.GOOD] * 3)
    assert easy == sorted(easy)
    assert all(e > g for e, g in zip(easy, good, strict=True))


def test_hard_grows_less_than_good() -> None:
    assert review_chain([Grade.HARD])[0] < review_chain([Grade.GOOD])[0]


def test_again_shrinks_the_interval() -> None:
    intervals = review_chain([Grade.GOOD, Grade.GOOD, Grade.AGAIN])
    assert intervals[2] < intervals[1]
    assert intervals[2] >= 1


def test_interval_never_beyond_maximum() -> None:
    capped = ReviewSettings(enable_fuzzing=False, maximum_interval_days=60)
    assert max(review_chain([Grade.EASY] * 5, capped)) == 60


def test_review_counts_reps_and_lapses() -> None:
    card = new_card(1, NOW, EXACT)
    for grade in (Grade.GOOD, Grade.AGAIN, Grade.HARD, Grade.AGAIN):
        card, _ = review(card, grade, card.due, EXACT)
    assert (card.reps, card.lapses) == (4, 2)


def test_early_review_is_allowed_but_not_before_last_review() -> None:
    card = new_card(1, NOW, EXACT)
    early, _ = review(card, Grade.GOOD, NOW + DAY, EXACT)
    assert early.due > NOW + DAY
    with pytest.raises(ValueError, match="before the last review"):
        review(card, Grade.GOOD, NOW - DAY, EXACT)


def test_fuzz_is_deterministic_bounded_and_leaves_global_random_alone() -> None:
    state = random.getstate()
    card = new_card(1, NOW, EXACT)
    card, _ = review(card, Grade.GOOD, card.due, EXACT)  # exact next interval: 173 days
    fuzzed = {review(card, Grade.GOOD, card.due)[0].due - card.due for _ in range(3)}
    assert len(fuzzed) == 1
    assert abs(fuzzed.pop() - 173 * DAY) <= 10 * DAY
    spread = {review(card, Grade.GOOD, card.due + k * timedelta(hours=1))[1].interval_days
              for k in range(20)}  # fmt: skip
    assert len(spread) > 1
    assert random.getstate() == state


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: new_card(1, naive),
        lambda naive: review(new_card(1, NOW), Grade.GOOD, naive),
        lambda naive: daily_queue([], naive, limit=3),
        lambda naive: reschedule(new_card(1, NOW), naive),
        lambda naive: vacation([], naive, naive + DAY),
        lambda naive: retrievability(new_card(1, NOW), naive),
    ],
    ids=["new_card", "review", "daily_queue", "reschedule", "vacation", "retrievability"],
)
def test_naive_datetimes_are_rejected(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="timezone-aware"):
        call(NOW.replace(tzinfo=None))


def test_other_timezones_are_converted_to_utc() -> None:
    berlin = NOW.astimezone(ZoneInfo("Europe/Berlin"))
    card = new_card(1, berlin, EXACT)
    assert card.last_review == NOW and card.last_review.tzinfo is UTC


# --- the log ----------------------------------------------------------------------------


def test_log_is_complete() -> None:
    card = new_card(3, NOW, EXACT)
    grades = [Grade.GOOD, Grade.HARD, Grade.AGAIN, Grade.EASY, Grade.GOOD]
    log: list[ReviewLogEntry] = []
    cards = [card]
    for grade in grades:
        card, entry = review(card, grade, card.due + 2 * DAY, EXACT)
        log.append(entry)
        cards.append(card)
    assert [e.grade for e in log] == grades
    for before, after, entry in zip(cards, cards[1:], log, strict=False):
        assert entry.paper_id == 3
        assert entry.reviewed_at == after.last_review
        assert entry.state_before == before.to_dict()
        assert entry.state_after == after.to_dict()
        assert entry.interval_days == (after.due - entry.reviewed_at) / DAY


# --- serialization ----------------------------------------------------------------------

aware = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
cards = st.builds(
    ReviewCard,
    paper_id=st.integers(1, 10**9),
    due=aware,
    stability=st.none() | st.floats(0.001, 1e5),
    difficulty=st.none() | st.floats(1, 10),
    state=st.sampled_from([1, 2, 3]),
    last_review=st.none() | aware,
    reps=st.integers(0, 1000),
    lapses=st.integers(0, 1000),
)


@given(cards)
def test_card_round_trips_through_json(card: ReviewCard) -> None:
    assert ReviewCard.from_dict(json.loads(json.dumps(card.to_dict()))) == card


@given(cards, st.sampled_from(list(Grade)), st.floats(0, 4000), cards)
def test_log_entry_round_trips_through_json(
    card: ReviewCard, grade: Grade, interval: float, after: ReviewCard
) -> None:
    entry = ReviewLogEntry(
        card.paper_id, card.due, grade, interval, card.to_dict(), after.to_dict()
    )
    assert ReviewLogEntry.from_dict(json.loads(json.dumps(entry.to_dict()))) == entry


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"due": None}, "due"),
        ({"due": "yesterday"}, "due"),
        ({"due": "2026-01-01T00:00:00"}, "timezone-aware"),
        ({"state": 9}, "State"),
        ({"paper_id": "x"}, "invalid literal"),
    ],
    ids=["null-due", "bad-due", "naive-due", "bad-state", "bad-id"],
)
def test_card_from_bad_dict_says_what_is_wrong(change: dict[str, object], message: str) -> None:
    d = new_card(1, NOW, EXACT).to_dict() | change
    with pytest.raises(ValueError, match=message):
        ReviewCard.from_dict(d)


def test_card_from_dict_missing_field() -> None:
    d = new_card(1, NOW, EXACT).to_dict()
    del d["due"]
    with pytest.raises(ValueError, match="missing field 'due'"):
        ReviewCard.from_dict(d)


# --- properties over grade sequences ----------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(list(Grade)), st.floats(-0.9, 3.0)), min_size=1, max_size=25
    ),
    maximum=st.sampled_from([1, 2, 7, 30, 365, 3650]),
    retention=st.floats(0.7, 0.97),
    fuzz=st.booleans(),
    paper_id=st.integers(1, 10**6),
)
def test_intervals_stay_between_a_day_and_the_maximum(
    steps: list[tuple[Grade, float]], maximum: int, retention: float, fuzz: bool, paper_id: int
) -> None:
    s = ReviewSettings(
        desired_retention=retention, maximum_interval_days=maximum, enable_fuzzing=fuzz
    )
    card = new_card(paper_id, NOW, s)
    assert DAY <= card.due - NOW <= max(maximum, 1) * DAY
    for grade, lateness in steps:
        # review anywhere from early (before due) to late (3 intervals past due)
        interval = card.due - card.last_review  # type: ignore[operator]
        at = max(card.last_review, card.due + lateness * interval)  # type: ignore[type-var]
        card, entry = review(card, grade, at, s)
        assert 1 <= entry.interval_days <= maximum
        assert card.due > at
        assert card.stability is not None and card.stability > 0
        assert 1 <= card.difficulty <= 10  # type: ignore[operator]


# --- should_schedule --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stars", "skip_at_most", "expected"),
    [(None, 2, True), (1, 2, False), (2, 2, False), (3, 2, True), (5, 2, True),
     (1, 0, True), (4, 4, False), (5, 5, False)],
)  # fmt: skip
def test_should_schedule(stars: int | None, skip_at_most: int, expected: bool) -> None:
    assert should_schedule(stars, ReviewSettings(skip_stars_at_most=skip_at_most)) is expected


@pytest.mark.parametrize(
    "kwargs",
    [{"desired_retention": 1.0}, {"desired_retention": 0}, {"daily_limit": 0},
     {"maximum_interval_days": 0}, {"skip_stars_at_most": 6}],
)  # fmt: skip
def test_settings_are_validated(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        ReviewSettings(**kwargs)  # type: ignore[arg-type]


# --- retrievability ---------------------------------------------------------------------


def test_retrievability_falls_to_about_the_target_at_due() -> None:
    card = new_card(1, NOW, EXACT)
    assert retrievability(card, NOW) == 1.0
    at_due = retrievability(card, card.due)
    assert 0.85 <= at_due <= 0.87
    assert retrievability(card, card.due + 30 * DAY) < at_due


# --- the daily queue --------------------------------------------------------------------


def test_nothing_is_due_before_its_day() -> None:
    cards = [
        card_due(1, NOW + DAY),
        card_due(2, NOW + 5 * DAY),
        card_due(3, NOW + timedelta(hours=8)),
    ]
    assert [c.paper_id for c in daily_queue(cards, NOW, limit=10)] == [3]


def test_queue_uses_the_local_day() -> None:
    ny = ZoneInfo("America/New_York")
    now = datetime(2026, 3, 2, 23, 0, tzinfo=ny)  # 04:00 UTC on 3 March
    tonight = card_due(1, datetime(2026, 3, 2, 23, 30, tzinfo=ny))
    tomorrow = card_due(2, datetime(2026, 3, 3, 1, 0, tzinfo=ny))
    ids = [
        c.paper_id for c in daily_queue([tonight, tomorrow], now.astimezone(UTC), limit=5, tz=ny)
    ]
    assert ids == [1]


def test_queue_priority_overdue_then_retrievability_then_stars() -> None:
    cards = [
        card_due(1, NOW, stability=50),  # due today, strong memory
        card_due(2, NOW, stability=2),  # due today, weak memory
        card_due(3, NOW - 3 * DAY),  # 3 days overdue
        card_due(4, NOW, stability=50),  # like 1, but rated higher
    ]
    queue = daily_queue(cards, NOW, limit=10, stars={1: 3, 4: 5})
    assert [c.paper_id for c in queue] == [3, 2, 4, 1]


@pytest.mark.parametrize(
    ("limit", "done", "expected"), [(3, 0, 3), (3, 2, 1), (3, 5, 0), (10, 0, 7)]
)
def test_daily_limit_holds(limit: int, done: int, expected: int) -> None:
    cards = [card_due(i, NOW - i * DAY) for i in range(7)]
    assert len(daily_queue(cards, NOW, limit=limit, already_reviewed=done)) == expected


def test_backlog_rolls_over_and_forecast_matches_the_queue() -> None:
    cards = [card_due(i, NOW - DAY) for i in range(8)] + [card_due(100, NOW + 2 * DAY)]
    today = date(2026, 3, 2)
    assert forecast(cards, today, 5, limit=3) == [
        (date(2026, 3, 2), 3), (date(2026, 3, 3), 3), (date(2026, 3, 4), 3),
        (date(2026, 3, 5), 0), (date(2026, 3, 6), 0),
    ]  # fmt: skip
    plan = spread_backlog(cards, today, 5, limit=3)
    assert plan[0][1] == daily_queue(cards, NOW, limit=3)
    planned = [c for _, day in plan for c in day]
    assert sorted(c.paper_id for c in planned) == sorted(c.paper_id for c in cards)
    # the card due on day 3 is planned on its day, next to the last of the backlog
    assert [c.paper_id for c in plan[2][1]][2:] == [100]


@settings(max_examples=100, deadline=None)
@given(
    offsets=st.lists(st.integers(-20, 20), max_size=40),
    limit=st.integers(1, 5),
    done=st.integers(0, 6),
)
def test_plan_never_early_never_twice_never_over_limit(
    offsets: list[int], limit: int, done: int
) -> None:
    cards = [card_due(i, NOW + k * DAY) for i, k in enumerate(offsets)]
    today = date(2026, 3, 2)
    plan = spread_backlog(cards, today, 45, limit=limit, already_reviewed=done)
    seen: set[int] = set()
    for i, (day, planned) in enumerate(plan):
        assert len(planned) <= (max(0, limit - done) if i == 0 else limit)
        for c in planned:
            assert c.due.date() <= day
            assert c.paper_id not in seen
            seen.add(c.paper_id)


# --- vacation and rescheduling ----------------------------------------------------------


def test_vacation_moves_everything_out_and_respects_the_limit() -> None:
    start, end = NOW, NOW + 14 * DAY
    cards = [card_due(i, NOW + (i % 14) * DAY + timedelta(hours=i % 5)) for i in range(20)]
    cards += [card_due(50, NOW - 2 * DAY), card_due(51, end + DAY), card_due(52, end + DAY)]
    after = vacation(cards, start, end, limit=3)
    assert len(after) == len(cards)
    assert not [c for c in after if start <= c.due < end]
    assert [c.paper_id for c in after] == [c.paper_id for c in cards]
    unchanged = {51, 52}  # due after the vacation
    assert all(a == b for a, b in zip(cards, after, strict=True) if a.paper_id in unchanged)
    per_day: dict[date, int] = {}
    for c in after:
        if c.due >= end:
            per_day[c.due.date()] = per_day.get(c.due.date(), 0) + 1
    assert max(per_day.values()) <= 3
    # day end+1 already had two papers, so it takes only one more
    assert per_day[(end + DAY).date()] == 3
    # the moved papers keep their relative order
    new_due = {c.paper_id: c.due for c in after}
    originally = sorted((c for c in cards if c.paper_id < 20), key=lambda c: (c.due, c.paper_id))
    moved = [new_due[c.paper_id] for c in originally]
    assert moved == sorted(moved)
    # 50 is overdue: the queue would show it on the vacation's first day, so it moves too,
    # ahead of the others (it was due first).
    assert end <= new_due[50] <= min(moved)


def test_vacation_moves_what_the_daily_limit_holds_back_into_it() -> None:
    """Five re-reads due this morning, the day's three done: the plan shows them over the
    next two days, inside the vacation, so they move though they fell due before it."""
    cards = [card_due(i, NOW - timedelta(hours=1)) for i in range(5)]
    end = NOW + 14 * DAY
    after = vacation(cards, NOW, end, limit=3, today=NOW.date(), already_reviewed=3)
    assert all(c.due >= end for c in after)
    assert forecast(after, NOW.date(), 14, limit=3, already_reviewed=3) == [
        (NOW.date() + n * DAY, 0) for n in range(14)
    ]


def test_a_vacation_that_starts_later_leaves_todays_queue_alone() -> None:
    today_card, during = card_due(1, NOW - timedelta(hours=1)), card_due(2, NOW + 9 * DAY)
    start, end = NOW + 7 * DAY, NOW + 14 * DAY
    after = vacation([today_card, during], start, end, limit=3, today=NOW.date())
    assert after[0] == today_card and after[1].due >= end


def test_next_planned_is_the_forecasts_next_day() -> None:
    today = NOW.date()
    held = [card_due(i, NOW) for i in range(5)]  # two roll over a limit of 3
    assert next_planned(held, today, limit=3) == (today + DAY, 2)
    assert next_planned(held, today, limit=3, already_reviewed=3) == (today + DAY, 3)
    later = [card_due(1, NOW + 20 * DAY), card_due(2, NOW + 20 * DAY), card_due(3, NOW + 30 * DAY)]
    assert next_planned(later, today, limit=1) == (today + 20 * DAY, 1)
    assert next_planned(later, today, limit=3) == (today + 20 * DAY, 2)
    assert next_planned([card_due(1, NOW)], today, limit=3) is None
    for cards in (held, later):
        plan = forecast(cards, today, 40, limit=3)
        assert next_planned(cards, today, limit=3) == next((d, n) for d, n in plan[1:] if n)


def test_vacation_rejects_an_empty_period() -> None:
    with pytest.raises(ValueError, match="not after start"):
        vacation([], NOW, NOW)


def test_reschedule_changes_only_the_due_date() -> None:
    card = new_card(1, NOW, EXACT)
    when = datetime(2027, 1, 10, tzinfo=ZoneInfo("Europe/Paris"))
    moved = reschedule(card, when)
    assert moved.due == when and moved.due.tzinfo is UTC
    assert moved.stability == card.stability and moved.last_review == card.last_review
