"""Suggestion use cases: today's list, feedback on it, interests, the feature cache, eval."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reader.match import same_work
from reader.models import Paper, Status
from reader.parse.tags import valid_interest
from reader.store import FeedbackSets, HiddenPaper, SteeringEntry, StoredSuggestion
from reader.units import clip
from reader.when import WhenError, local_date, parse_period

from .context import Context, ServiceError
from .settings import Preferences
from .undo import Undoable, UndoLog

if TYPE_CHECKING:
    import numpy as np

    from reader import recommend as rec

FEATURES_NAME = "catalog"
COMPACT_AT = 0.25
"""The file of added rows is merged into the index (the whole index written again) once
it would pass this fraction of the index file's size."""
DEFAULT_SNOOZE = "2 weeks"
STARTED = (Status.QUEUED, Status.READING, Status.READ)
LIKED_STARS = 4
"""The recommender's rule for a paper a reason may call liked
(``reader.recommend.explain.LIKED_STARS``), here so that showing a saved list does not
load the recommender."""

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class _Signals:
    """What the user has told us, read from the store once per use case."""

    ratings: dict[int, int]
    statuses: dict[int, Status]
    feedback: FeedbackSets
    steering: dict[int, str]
    """"more" or "less" by paper ("more like this", "less like this")."""

    def steered(self, direction: str) -> set[int]:
        return {pid for pid, d in self.steering.items() if d == direction}


@dataclass(frozen=True)
class SuggestionView:
    """One of today's suggestions, ready to show."""

    rank: int
    paper: Paper
    reason: str
    exploration: bool
    score: float


@dataclass(frozen=True)
class Today:
    """What the Today screen and `reader suggest` show."""

    day: date
    suggestions: list[SuggestionView]
    cold_start: bool
    """True when there is nothing to learn from yet (no ratings, feedback or interests)."""
    starters: list[Paper]
    """With a cold start: papers spread over the catalog, to rate first."""
    headline: str | None = None
    """With arrivals: "New today in cs.LG, stat.ML: 143 papers, 8 for you"."""
    from_arrivals: int = 0
    """How many of the first suggestions are picks from the day's arrivals."""
    starter_reasons: dict[int, str] = field(default_factory=dict)
    """Why each starter was picked, by paper id ("A starter: central to ...")."""
    unmatched_interests: tuple[str, ...] = ()
    """With a cold start: the user's interests whose words too few papers here use to rank
    by (see :func:`reader.recommend.unmatched_interests`)."""


@dataclass(frozen=True)
class RankedPaper:
    """A paper placed by the user's taste (see :meth:`Suggesting.rank_papers`)."""

    paper_id: int
    score: float
    reason: str
    for_you: bool
    """Scores well enough to be one of the user's picks, and not acted on yet."""


@dataclass(frozen=True)
class SteeredPaper:
    """A paper the user asked more or less of."""

    paper: Paper
    direction: str
    """"more" or "less"."""
    since: datetime


@dataclass(frozen=True)
class ProfileView:
    """What the suggestions learn from, for ``reader interests`` and the Profile screen."""

    liked: list[Paper]
    """Papers rated 4 or 5 stars, best first."""
    disliked: list[Paper]
    """Papers rated 1 or 2 stars, worst first."""
    steering: list[SteeredPaper]
    """"More like this" and "less like this", newest first."""
    interests: list[str]
    toward: list[tuple[str, float]]
    """The profile's heaviest terms and their weights (the heaviest is 1.0)."""
    away: list[tuple[str, float]]
    """Terms that push papers down (from disliked papers), with negative weights."""
    not_for_me: int
    """How many papers are marked "not for me" (listed by ``hidden``)."""
    unmatched: list[str] = field(default_factory=list)
    """Interests whose words too few papers use to rank by: they add nothing yet."""


DIRECTIONS = {"more": "more like this", "less": "less like this"}


def _recommender():  # type: ignore[no-untyped-def]
    """The recommender loads scikit-learn, which takes about a second: load it only when a
    suggestion is first needed, so the CLI and the app start fast."""
    return importlib.import_module("reader.recommend")


def _parse_version(version: str) -> tuple[int, int, int] | None:
    try:
        count, max_id, edits = (int(part) for part in version.split(":"))
    except ValueError:
        return None
    return count, max_id, edits


class Suggesting:
    """Today's suggestions, feedback on them, interests, and the catalog's features (kept
    in memory between calls; :meth:`forget_features` drops them)."""

    def __init__(self, ctx: Context, preferences: Preferences, undo: UndoLog | None = None) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.preferences = preferences
        self.undo = undo or UndoLog(ctx)
        """"Not for me" and snoozes are recorded here for ``Undoing``."""

        self._features: rec.Features | None = None
        self._features_version: str | None = None

    def forget_features(self) -> None:
        """Drop the features kept in memory (after the doctor reset their cache)."""
        self._features = None
        self._features_version = None

    # Features -------------------------------------------------------------------------

    def _items(self, after_id: int = 0, *, newest_first: bool = False) -> Iterator[rec.CatalogItem]:
        rows = self.store.suggestions.iter_catalog(after_id=after_id, newest_first=newest_first)
        for row in rows:
            yield _recommender().CatalogItem(row.id, row.title, row.abstract, row.authors, row.tags)

    def _newest_items(self) -> Iterator[rec.CatalogItem]:
        return self._items(newest_first=True)

    def features(self, *, progress: Progress | None = None, rebuild: bool = False) -> rec.Features:
        """The catalog's features: from memory, from the cache beside the database, updated
        cheaply when papers were only added, or rebuilt (with progress) when text changed
        or the catalog outgrew what the index was fitted on (the seed catalog's index, say,
        after a library's import: :func:`reader.recommend.outgrown`).

        Added papers are appended to the cache's file of added rows (a few megabytes),
        not written with the whole index again (1.5 GB at a million papers), until that
        file reaches ``COMPACT_AT`` of the index's size."""
        version = self.store.papers.catalog_version()
        if not rebuild and self._features is not None and self._features_version == version:
            return self._features
        cached = None if rebuild else self.store.suggestions.cached_features(FEATURES_NAME)
        features: rec.Features | None = None
        stored: rec.Features | None = None
        if cached is not None:
            cached_version, path = cached
            if self._features is not None and self._features_version == cached_version:
                stored = self._features  # what the file holds is in memory already
            else:
                stored = self._load(path)
            features = stored
            if stored is not None and cached_version != version:
                features = self._extend(stored, cached_version, version)
        if features is None:
            # The vocabulary from the newest papers: past ``VOCAB_SAMPLE`` papers the oldest
            # would keep a field's new words out of the index for good.
            features = _recommender().build_features(
                self._items, progress=progress, vocabulary_from=self._newest_items
            )
            stored = None
        # A rebuild replaces the file even when the catalog is unchanged: an index in an
        # older format would otherwise be rebuilt again at every start.
        if cached is None or stored is None:
            self._save(features, version)
        elif cached[0] != version:
            self._append(features, stored, cached[0], version, cached[1])
        self._features, self._features_version = features, version
        return features

    def _load(self, path: Path) -> rec.Features | None:
        try:
            return self.load_index(path)
        except Exception:  # unreadable, or from another version of reader: rebuild it
            return None

    def load_index(self, path: Path) -> rec.Features:
        """The index saved at `path` with the rows added to it since (its file of added
        rows, if any); raises whatever reading it raises."""
        added = self.store.suggestions.added_rows_file(path)
        with open(path, "rb") as stream:
            if not added.is_file():
                return _recommender().Features.load(stream)
            with open(added, "rb") as rows:
                return _recommender().Features.load(stream, rows)

    def _save(self, features: rec.Features, version: str) -> None:
        self.store.suggestions.save_features(
            FEATURES_NAME, version, features.save, now=self.ctx.clock()
        )

    def _append(
        self, features: rec.Features, stored: rec.Features, old: str, new: str, path: Path
    ) -> None:
        """Save the papers `features` has beyond `stored` (the file's) as added rows; the
        whole index when they are not only new rows at the end or the added rows have
        grown to ``COMPACT_AT`` of the index."""
        start = len(stored)
        added = self.store.suggestions.added_rows_file(path)
        appended = (
            len(features) > start
            and bool((features.ids[:start] == stored.ids).all())
            and (added.stat().st_size if added.is_file() else 0) < COMPACT_AT * path.stat().st_size
        )
        if appended:
            write = functools.partial(_recommender().append_rows, features, start)
            try:
                self.store.suggestions.append_features(
                    FEATURES_NAME, old, new, write, now=self.ctx.clock()
                )
                return
            except ValueError:  # the file's rows are not the ones in memory
                pass
        self._save(features, new)

    def _extend(self, features: rec.Features, old: str, new: str) -> rec.Features | None:
        """Add only the new papers when nothing was edited or removed since ``old`` and the
        catalog has not :func:`~reader.recommend.outgrown` the index; None: build it again."""
        before, after = _parse_version(old), _parse_version(new)
        if before is None or after is None or before[2] != after[2]:
            return None
        if _recommender().outgrown(features, after[0]):
            return None  # not worth adding the papers to
        added = list(self._items(after_id=before[1]))
        if before[0] + len(added) != after[0]:
            return None
        return _recommender().add_items(features, added)

    # Today ----------------------------------------------------------------------------

    def _signals(self) -> _Signals:
        return _Signals(
            self.store.reading.current_ratings(),
            self.store.reading.current_statuses(),
            self.store.suggestions.feedback(now=self.ctx.clock()),
            {e.paper_id: e.direction for e in self.store.steering.current()},
        )

    def _weights(self, signals: _Signals | None = None) -> dict[int, float]:
        signals = signals or self._signals()
        statuses, feedback = signals.statuses, signals.feedback
        return _recommender().feedback_weights(
            stars=signals.ratings,
            not_for_me=feedback.not_for_me,
            # Queuing, starting or finishing a paper says as much as opening it.
            opened=feedback.opened | {pid for pid, s in statuses.items() if s in STARTED},
            dropped=[pid for pid, s in statuses.items() if s is Status.DROPPED],
            more=signals.steered("more"),
            less=signals.steered("less"),
        )

    def _interests(self) -> list[str]:
        return self.store.suggestions.interests()

    def _excluded(self, signals: _Signals | None = None) -> set[int]:
        """Papers never to suggest: rated, in the reading list or done, dismissed, snoozed,
        steered "less like this" (a paper steered "more" stays in today's list: the user
        may still want to read it; the ranker never picks a steered paper again)."""
        signals = signals or self._signals()
        return (
            set(signals.ratings)
            | set(signals.statuses)
            | signals.feedback.not_for_me
            | signals.feedback.snoozed
            | signals.steered("less")
        )

    def today(
        self, *, refresh: bool = False, n: int | None = None, progress: Progress | None = None
    ) -> Today:
        """Today's suggestions: made once a day and kept, so they are stable across
        restarts; papers acted on since drop out, and the list is topped up from the
        remaining candidates to ``n`` (default: the "suggestions per day" setting), as
        the cold-start list is. ``refresh`` makes a new list. ``progress`` hears of the
        papers the sentence encoder reads for the first time (a few hundred at most)."""
        day = local_date(self.ctx.clock(), self.ctx.tz)
        count = n or int(self.preferences.settings()["suggest.per_day"])
        signals = self._signals()  # read once: the list, the filter and the cold check
        excluded = self._excluded(signals)
        saved = None if refresh else self.store.suggestions.suggestions_for(day)
        if saved is None:
            saved = self._make_list(day, count, signals, progress)
        elif sum(1 for row in saved if row.paper_id not in excluded) < count:
            saved = self._top_up(day, saved, count, signals, progress)
        return self._today_from(day, saved, count, signals)

    def saved_today(self) -> Today | None:
        """Today's list if it was already made today, without any recommender work (None
        if not): quick enough to show at start-up while ``today()`` runs in a worker."""
        day = local_date(self.ctx.clock(), self.ctx.tz)
        saved = self.store.suggestions.suggestions_for(day)
        if not saved:
            return None
        count = int(self.preferences.settings()["suggest.per_day"])
        return self._today_from(day, saved, count, self._signals(), starters=False)

    def _today_from(
        self,
        day: date,
        saved: list[StoredSuggestion],
        count: int,
        signals: _Signals,
        *,
        starters: bool = True,
    ) -> Today:
        excluded = self._excluded(signals)
        rows = [row for row in saved if row.paper_id not in excluded][:count]
        papers = {p.id: p for p in self.store.papers.get_papers([row.paper_id for row in rows])}
        reasons = self._reasons_now(rows, signals)
        views = [
            SuggestionView(
                row.rank, papers[row.paper_id], reasons[row.rank], row.exploration, row.score
            )
            for row in rows
            if row.paper_id in papers
        ]
        weights, interests = self._weights(signals), self._interests()
        cold = not views and not _has_taste(weights, interests)
        unmatched: tuple[str, ...] = ()
        if not views and starters and interests and not _has_taste(weights, []):
            # Interests alone, and no list: cold after all if none has a term to rank by.
            found = _recommender().unmatched_interests(self.features(), interests)
            if len(found) == len(interests):
                cold, unmatched = True, found
        picks = self.starters(count) if cold and starters else []
        why = (
            _recommender().starter_reasons(self.features(), [p.id for p in picks]) if picks else {}
        )
        return Today(day, views, cold, picks, starter_reasons=why, unmatched_interests=unmatched)

    def _reasons_now(self, rows: list[StoredSuggestion], signals: _Signals) -> dict[int, str]:
        """Each saved reason by rank, restated where a paper it names as liked was re-rated
        below 4 stars or lost its "more like this" since the list was made."""
        stars, more = signals.ratings, signals.steered("more")
        stale = [
            row
            for row in rows
            if not all(stars.get(p, 0) >= LIKED_STARS or p in more for p in row.named)
        ]
        if not stale:  # the usual case, with no recommender to load (start-up shows this)
            return {row.rank: row.reason for row in rows}
        rec = _recommender()
        titles = self.store.papers.paper_titles({p for row in stale for p in row.named})
        interests = bool(self._interests())
        return {
            row.rank: rec.restate(row.reason, row.named, titles, stars, more, interests=interests)
            for row in rows
        }

    def refresh(self, *, n: int | None = None, progress: Progress | None = None) -> Today:
        """A new list for today from what the user has told us so far (the Today
        screen's and `reader suggest --refresh`'s way to ask again)."""
        return self.today(refresh=True, n=n, progress=progress)

    def _make_list(
        self, day: date, count: int, signals: _Signals, progress: Progress | None = None
    ) -> list[StoredSuggestion]:
        rows = self._picks(day, count, signals, set(), first_rank=1, progress=progress)
        if rows is None:
            # A cold start is not saved: the first rating today should bring a real list.
            return []
        self.store.suggestions.save_suggestions(day, rows)
        self.store.suggestions.mark_suggested(day)
        return rows

    def _top_up(
        self,
        day: date,
        saved: list[StoredSuggestion],
        count: int,
        signals: _Signals,
        progress: Progress | None = None,
    ) -> list[StoredSuggestion]:
        """Today's list with picks added after its last, until ``count`` are left to act
        on; rows acted on stay (they are filtered out when shown), so no paper comes back."""
        excluded = self._excluded(signals)
        missing = count - sum(1 for row in saved if row.paper_id not in excluded)
        listed = {row.paper_id for row in saved}
        rank = max((row.rank for row in saved), default=0) + 1
        rows = self._picks(day, missing, signals, listed, first_rank=rank, progress=progress)
        if not rows:
            return saved
        self.store.suggestions.save_suggestions(day, [*saved, *rows])
        return [*saved, *rows]

    def _picks(
        self,
        day: date,
        count: int,
        signals: _Signals,
        listed: set[int],
        *,
        first_rank: int,
        progress: Progress | None = None,
    ) -> list[StoredSuggestion] | None:
        """``count`` new suggestions, none of them in ``listed``, ranked from
        ``first_rank``; None when there is nothing to learn from (a cold start)."""
        weights = self._weights(signals)
        interests = self._interests()
        if not _has_taste(weights, interests):
            return None
        picks = _recommender().suggest(
            self.features(),
            weights,
            n=count,
            exclude=self._excluded(signals) | listed,
            day=day,
            interests=interests,
            seed=day.toordinal() + first_rank - 1,
            read_closely=self._close_reader(progress),
            same_work=self._same_work(),
        )
        titles = self.store.papers.paper_titles({pid for s in picks for pid in s.because_of})
        stars, more = signals.ratings, signals.steered("more")
        return [
            StoredSuggestion(
                day,
                rank,
                s.paper_id,
                float(s.score),
                _recommender().reason_text(s, titles, stars, more, interests=bool(interests)),
                s.exploration,
                _recommender().named_papers(s, stars, more),
            )
            for rank, s in enumerate(picks, start=first_rank)
        ]

    def _close_reader(self, progress: Progress | None) -> Callable[[Sequence[int]], np.ndarray]:
        """Paper ids to the sentence encoder's rows: those the store keeps, the others
        read now (with ``progress``) and kept, so each paper is read once."""
        minilm = importlib.import_module("reader.recommend.minilm")

        def read(ids: Sequence[int]) -> np.ndarray:
            kept = self.store.suggestions.paper_vectors(ids, minilm.MODEL)
            missing = [i for i in dict.fromkeys(ids) if i not in kept]
            if missing:
                papers = {p.id: p for p in self.store.papers.get_papers(missing)}
                rows = minilm.encode(
                    [
                        minilm.paper_text(papers[i].title, papers[i].abstract)
                        if i in papers
                        else ""
                        for i in missing
                    ],
                    progress=progress,
                )
                new = list(zip(missing, minilm.to_bytes(rows), strict=True))
                self.store.suggestions.save_paper_vectors(minilm.MODEL, new)
                kept.update(new)
            return minilm.from_bytes([kept[i] for i in ids])

        return read

    def _same_work(self) -> Callable[[int, int], bool]:
        """Whether two papers the ranking finds alike are one work (:func:`same_work`),
        from their titles and abstracts, each read from the store once."""
        texts: dict[int, tuple[str, str]] = {}

        def text(paper_id: int) -> tuple[str, str]:
            if paper_id not in texts:
                found = self.store.papers.get_papers([paper_id])
                texts[paper_id] = (found[0].title, found[0].abstract) if found else ("", "")
            return texts[paper_id]

        return lambda a, b: same_work(text(a), text(b))

    def rank_papers(
        self, ids: Sequence[int], *, explain: int = 20, progress: Progress | None = None
    ) -> list[RankedPaper]:
        """``ids`` best first by the user's taste, the first ``explain`` with a reason; in
        their own order, unscored, when there is nothing to learn from yet. The best of them
        are read closely (papers not read before are read now, with ``progress``). The
        ``for_you`` ones lead (see :func:`reader.recommend.for_you`); a paper the user rated,
        listed, dismissed or snoozed is never one."""
        signals = self._signals()
        weights = self._weights(signals)
        interests = self._interests()
        ranked = []
        if _has_taste(weights, interests):
            ranked = _recommender().rank_among(
                self.features(),
                weights,
                ids,
                interests=interests,
                explain=explain,
                read_closely=self._close_reader(progress),
            )
        if not ranked:
            return [RankedPaper(pid, 0.0, "", False) for pid in dict.fromkeys(ids)]
        excluded = self._excluded(signals)
        liked = [pid for pid, weight in weights.items() if weight > 0]
        excluded |= _recommender().copies(
            self.features(), [s.paper_id for s in ranked], liked, self._same_work()
        )
        titles = self.store.papers.paper_titles({pid for s in ranked for pid in s.because_of})
        picks = _recommender().for_you(
            [s.score for s in ranked], [s.paper_id not in excluded for s in ranked]
        )
        return [
            RankedPaper(
                s.paper_id,
                s.score,
                _recommender().reason_text(
                    s, titles, signals.ratings, signals.steered("more"), interests=bool(interests)
                )
                if s.terms
                else "",
                pick,
            )
            for s, pick in zip(ranked, picks, strict=True)
        ]

    def starters(self, n: int = 5) -> list[Paper]:
        """Papers that cover the catalog, for a user with nothing rated yet."""
        ids = _recommender().starter_picks(self.features(), n, exclude=self._excluded())
        return self.store.papers.get_papers(ids)

    # Feedback -------------------------------------------------------------------------

    def dismiss(self, ref: str | int) -> Paper:
        """ "Not for me": never suggest it again, and learn from it."""
        paper = self.store.papers.find(ref)
        with self.store.conn.write():  # the feedback and its undo entry, or neither
            event = self.store.suggestions.add_feedback(
                paper.id, "not_for_me", now=self.ctx.clock()
            )
            self.undo.record(
                Undoable(
                    "not_for_me", paper.id, event, f'"not for me" on "{clip(paper.title, 50)}"'
                )
            )
        return paper

    def snooze(self, ref: str | int, period: str = DEFAULT_SNOOZE) -> tuple[Paper, datetime]:
        """ "Later": keep it out of suggestions for ``period``; it may come back after."""
        paper = self.store.papers.find(ref)
        try:
            length = parse_period(period)
        except WhenError as error:
            raise ServiceError(str(error)) from None
        until = self.ctx.clock() + length
        with self.store.conn.write():  # the feedback and its undo entry, or neither
            event = self.store.suggestions.add_feedback(
                paper.id, "snooze", now=self.ctx.clock(), until=until
            )
            self.undo.record(
                Undoable("snooze", paper.id, event, f'snoozed "{clip(paper.title, 50)}"')
            )
        return paper, until

    def hidden(self) -> list[tuple[HiddenPaper, Paper]]:
        """Papers dismissed ("not for me") or snoozed now, newest first."""
        found = self.store.suggestions.hidden(now=self.ctx.clock())
        return [(h, self.store.papers.get_paper(h.paper_id)) for h in found]

    def take_back(self, ref: str | int) -> Paper:
        """Undo a paper's "not for me" and snoozes: it may be suggested again."""
        paper = self.store.papers.find(ref)
        if not self.store.suggestions.take_back(paper.id):
            raise ServiceError(f"paper {paper.id} is neither dismissed nor snoozed")
        return paper

    def opened(self, ref: str | int) -> None:
        """The user opened a suggested paper: a mild positive signal."""
        self.store.suggestions.add_feedback(
            self.store.papers.resolve_id(ref), "opened", now=self.ctx.clock()
        )

    def steer(self, ref: str | int, direction: str | None) -> Paper:
        """ "More like this" / "less like this" on a paper (``None`` takes it off): its
        neighbours rise or sink in the next suggestions and in the inbox's order."""
        if direction is not None and direction not in DIRECTIONS:
            raise ServiceError(f"steering must be 'more' or 'less', not {direction!r}")
        paper = self.store.papers.find(ref)
        before = self.store.steering.direction_of(paper.id)
        if direction is None and before is None:
            raise ServiceError(f"paper {paper.id} is not steered (more or less like it)")
        what = DIRECTIONS[direction] if direction else f"no more {DIRECTIONS[str(before)]}"
        with self.store.conn.write():  # the steering and its undo entry, or neither
            event = self.store.steering.steer(paper.id, direction, now=self.ctx.clock())
            self.undo.record(
                Undoable("steer", paper.id, event, f'{what}: "{clip(paper.title, 50)}"')
            )
        return paper

    def steering_of(self, ref: str | int) -> str | None:
        """A paper's steering: "more", "less" or None."""
        return self.store.steering.direction_of(self.store.papers.resolve_id(ref))

    def toggle_steer(self, ref: str | int, direction: str) -> str | None:
        """The app's keys: ask ``direction`` of a paper, or take it off when the paper is
        steered that way already. Returns the paper's steering after."""
        current = self.steering_of(ref)
        new = None if current == direction else direction
        self.steer(ref, new)
        return new

    def steered(self) -> list[SteeredPaper]:
        """Papers steered more or less like them, newest first."""
        entries: list[SteeringEntry] = self.store.steering.current()
        papers = {p.id: p for p in self.store.papers.get_papers([e.paper_id for e in entries])}
        return [
            SteeredPaper(papers[e.paper_id], e.direction, e.since)
            for e in entries
            if e.paper_id in papers
        ]

    def profile(self, *, terms: int = 12, progress: Progress | None = None) -> ProfileView:
        """Everything the suggestions learn from, with the profile's heaviest terms (this
        needs the catalog's features: built first, with ``progress``, if need be)."""
        signals = self._signals()
        interests = self._interests()
        rated = sorted(signals.ratings.items(), key=lambda item: (-item[1], item[0]))
        papers = {p.id: p for p in self.store.papers.get_papers([pid for pid, _ in rated])}
        liked = [papers[pid] for pid, stars in rated if stars >= LIKED_STARS and pid in papers]
        disliked = [papers[pid] for pid, stars in reversed(rated) if stars <= 2 and pid in papers]
        weights = self._weights(signals)
        taste = _recommender().taste_terms(
            self.features(progress=progress), weights, interests, k=terms
        )
        return ProfileView(
            liked,
            disliked,
            self.steered(),
            interests,
            list(taste.toward),
            list(taste.away),
            len(signals.feedback.not_for_me),
            list(_recommender().unmatched_interests(self.features(), interests)),
        )

    def add_interests(self, terms: list[str]) -> list[str]:
        try:
            cleaned = [valid_interest(t) for t in terms if t.strip()]
        except ValueError as error:
            raise ServiceError(str(error)) from None
        if not cleaned:
            raise ServiceError('give at least one interest, e.g. "causal inference"')
        self.store.suggestions.add_interests(cleaned, now=self.ctx.clock())
        return self.store.suggestions.interests()

    def unmatched_interests(
        self, terms: Sequence[str] | None = None, *, progress: Progress | None = None
    ) -> list[str]:
        """Of ``terms`` (default: the user's interests), those whose words too few papers
        here use to rank by: they shape nothing until more such papers arrive."""
        wanted = self._interests() if terms is None else [" ".join(t.split()) for t in terms]
        if not wanted:
            return []
        return list(_recommender().unmatched_interests(self.features(progress=progress), wanted))

    def remove_interests(self, terms: list[str]) -> list[str]:
        self.store.suggestions.remove_interests(terms)
        return self.store.suggestions.interests()

    def interests(self) -> list[str]:
        return self.store.suggestions.interests()

    # How well is it doing? ------------------------------------------------------------

    def evaluate(self) -> rec.EvalReport:
        """Leave-one-out over the user's own liked papers."""
        weights = self._weights()
        if sum(1 for w in weights.values() if w > 0) < 2:
            raise ServiceError("rate at least two papers 4 or 5 stars first")
        return _recommender().leave_one_out(self.features(), weights)


def _has_taste(weights: dict[int, float], interests: list[str]) -> bool:
    """Something to rank by: a paper weighted up, or an interest. Dislikes alone only push
    papers down, so a user who has only said "not for me" is still at a cold start (and
    keeps getting starter papers instead of an empty Today)."""
    return bool(interests) or any(weight > 0 for weight in weights.values())
