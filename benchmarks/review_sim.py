"""Simulated reader: FSRS spaced review (reader.schedule) against a fixed 1/3/7/14/30 ladder.

The reader reads 2 papers a day for a year and re-reads whatever the scheduler puts in the
day's queue, every evening. The same papers, ratings and random draws are used for every
scheduler (common random numbers), so the rows differ only by scheduling.

Recall model (ours, deliberately not FSRS's own power-law curve):

* Each paper has a difficulty ``d`` drawn from Beta(2, 2) on [0, 1].
* Recall decays exponentially, ``R(t) = exp(-t / S)``, ``t`` in days since the last reading.
* Reading the paper gives ``S = 12 * (1 - 0.6 d)`` days (12 days easy, 4.8 days hard: a week
  after reading, recall of the key ideas is 56% for an easy paper, 23% for a hard one).
* A re-read at recall ``R`` succeeds with probability ``R``. Success multiplies ``S`` by
  ``1 + G (1 - d / 2) (1 - R)^0.8``, ``G = 8`` (``--growth``): re-reading something nearly
  forgotten helps most, one still fresh helps little (the spacing effect). Failure re-reads
  the paper from scratch: ``S = max(S_read, S / 2)``.
* The grade comes from the simulated recall: failure is Again; success is Easy if
  ``R >= 0.95``, Good if ``R >= 0.75``, Hard otherwise.

Ladder: intervals 1, 3, 7, 14, 30 days between successive readings, one rung up on a
successful recall, back to the first rung on a failed one, then every 30 days.

Papers rated 1-2 stars (25% of them) get no schedule, as in the app. Stars are drawn
1: 10%, 2: 15%, 3: 30%, 4: 30%, 5: 15%.

Usage: ``python benchmarks/review_sim.py [--seed 7] [--days 365] [--growth 8]``.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time as clock
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from machine import describe  # benchmarks/machine.py, beside this script

from reader.schedule import (
    Grade,
    ReviewCard,
    ReviewSettings,
    daily_queue,
    new_card,
    review,
    should_schedule,
)

START = datetime(2026, 1, 5, tzinfo=UTC)
READ_TIMES = (timedelta(hours=10), timedelta(hours=14))
REVIEW_TIME = timedelta(hours=20)
LADDER = (1, 3, 7, 14, 30)
STAR_WEIGHTS = {1: 0.10, 2: 0.15, 3: 0.30, 4: 0.30, 5: 0.15}
TARGET = 0.85
NO_LIMIT = 10**6


@dataclass
class Memory:
    """The simulated truth about one paper in the reader's head."""

    difficulty: float
    read_stability: float
    stability: float
    seen: datetime
    reviews: int = 0

    def recall(self, at: datetime) -> float:
        return math.exp(-((at - self.seen) / timedelta(days=1)) / self.stability)


@dataclass
class Result:
    name: str
    per_day: list[int] = field(default_factory=list)
    recall_at_review: list[float] = field(default_factory=list)
    failures: int = 0
    end_recall: float = 0.0
    backlog: int = 0
    papers: int = 0
    seconds: float = 0.0


def make_papers(seed: int, days: int) -> list[tuple[int, datetime, float, int]]:
    """(paper id, read at, difficulty, stars) for 2 papers a day."""
    rng = random.Random(seed)
    papers = []
    for day in range(days):
        for slot, at in enumerate(READ_TIMES):
            difficulty = rng.betavariate(2, 2)
            stars = rng.choices(list(STAR_WEIGHTS), weights=list(STAR_WEIGHTS.values()))[0]
            papers.append((2 * day + slot + 1, START + timedelta(days=day) + at, difficulty, stars))
    return papers


def grade_for(recalled: bool, r: float) -> Grade:
    if not recalled:
        return Grade.AGAIN
    return Grade.EASY if r >= 0.95 else Grade.GOOD if r >= 0.75 else Grade.HARD


Reviewer = Callable[[ReviewCard, Grade, datetime], ReviewCard]
Starter = Callable[[int, datetime], ReviewCard]


def simulate(
    name: str, seed: int, days: int, limit: int, growth: float, start: Starter, reread: Reviewer
) -> Result:
    began = clock.perf_counter()
    result = Result(name)
    papers = make_papers(seed, days)
    stars = {pid: s for pid, _, _, s in papers}
    cards: dict[int, ReviewCard] = {}
    minds: dict[int, Memory] = {}
    by_day: dict[int, list[tuple[int, datetime, float, int]]] = {}
    for p in papers:
        by_day.setdefault((p[1] - START).days, []).append(p)
    for day in range(days):
        for pid, at, difficulty, star in by_day.get(day, []):
            if not should_schedule(star):
                continue
            s0 = 12.0 * (1 - 0.6 * difficulty)
            minds[pid] = Memory(difficulty, s0, s0, at)
            cards[pid] = start(pid, at)
        now = START + timedelta(days=day) + REVIEW_TIME
        queue = daily_queue(list(cards.values()), now, limit=limit, stars=stars)
        for card in queue:
            mind = minds[card.paper_id]
            r = mind.recall(now)
            draw = random.Random(f"{seed}:{card.paper_id}:{mind.reviews}").random()
            recalled = draw < r
            result.recall_at_review.append(r)
            if recalled:
                mind.stability *= 1 + growth * (1 - mind.difficulty / 2) * (1 - r) ** 0.8
            else:
                result.failures += 1
                mind.stability = max(mind.read_stability, mind.stability / 2)
            mind.seen, mind.reviews = now, mind.reviews + 1
            cards[card.paper_id] = reread(card, grade_for(recalled, r), now)
        result.per_day.append(len(queue))
    end = START + timedelta(days=days)
    result.papers = len(minds)
    result.end_recall = statistics.fmean(m.recall(end) for m in minds.values())
    result.backlog = sum(c.due < end for c in cards.values())
    result.seconds = clock.perf_counter() - began
    return result


def fsrs_scheduler(settings: ReviewSettings) -> tuple[Starter, Reviewer]:
    def start(pid: int, at: datetime) -> ReviewCard:
        return new_card(pid, at, settings)

    def reread(card: ReviewCard, grade: Grade, now: datetime) -> ReviewCard:
        return review(card, grade, now, settings)[0]

    return start, reread


def ladder_scheduler() -> tuple[Starter, Reviewer]:
    """The ladder keeps its rung in ``reps`` and ignores the FSRS fields."""

    def start(pid: int, at: datetime) -> ReviewCard:
        return ReviewCard(pid, at + timedelta(days=LADDER[0]), None, None, 2, at)

    def reread(card: ReviewCard, grade: Grade, now: datetime) -> ReviewCard:
        rung = 0 if grade == Grade.AGAIN else min(card.reps + 1, len(LADDER) - 1)
        return replace(card, due=now + timedelta(days=LADDER[rung]), last_review=now, reps=rung)

    return start, reread


def machine() -> str:
    return describe()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument(
        "--growth", type=float, default=8.0, help="G in the success rule (sensitivity)"
    )
    args = parser.parse_args()
    fsrs85 = fsrs_scheduler(ReviewSettings())  # the defaults, fuzzing on
    runs = [
        ("FSRS r=0.85, limit 3", 3, fsrs85),
        ("FSRS r=0.85, limit 12", 12, fsrs85),
        ("FSRS r=0.85, no limit", NO_LIMIT, fsrs85),
        ("FSRS r=0.90, no limit", NO_LIMIT, fsrs_scheduler(ReviewSettings(0.90))),
        ("ladder 1/3/7/14/30, limit 3", 3, ladder_scheduler()),
        ("ladder 1/3/7/14/30, limit 12", 12, ladder_scheduler()),
        ("ladder 1/3/7/14/30, no limit", NO_LIMIT, ladder_scheduler()),
    ]
    results = [
        simulate(name, args.seed, args.days, limit, args.growth, *fns) for name, limit, fns in runs
    ]
    print(
        f"seed {args.seed}, {args.days} days, 2 papers/day ({results[0].papers} scheduled, "
        f"the rest rated <= 2 stars), growth {args.growth}, target recall {TARGET}"
    )
    print(f"machine: {machine()}")
    header = (
        f"| {'scheduler':<30} | re-reads | per paper | per day mean | max | recall >= target "
        "| failed | mean recall at review | recall at end | backlog at end | time s |"
    )
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    for r in results:
        n = len(r.recall_at_review)
        above = sum(x >= TARGET for x in r.recall_at_review) / n
        print(
            f"| {r.name:<30} | {n:>8} | {n / r.papers:>9.1f} "
            f"| {statistics.fmean(r.per_day):>12.2f} | {max(r.per_day):>3} "
            f"| {above:>16.1%} | {r.failures / n:>6.1%} "
            f"| {statistics.fmean(r.recall_at_review):>21.3f} | {r.end_recall:>13.3f} "
            f"| {r.backlog:>14} | {r.seconds:>6.1f} |"
        )


if __name__ == "__main__":
    main()
