"""What the recommender keeps: feedback on suggestions, daily lists, interests, feature
cache (settings are in :mod:`reader.store.settings`)."""

from __future__ import annotations

import glob
import json
import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from .base import Connection, from_iso, to_iso
from .errors import StoreError
from .settings import Settings

FEEDBACK_KINDS = ("not_for_me", "snooze", "opened")


@dataclass(frozen=True)
class StoredSuggestion:
    day: date
    rank: int
    paper_id: int
    score: float
    reason: str
    exploration: bool
    named: tuple[int, ...] = ()
    """Papers the reason names as liked or asked for (the first by title, the rest
    counted): the reason is restated when one of them no longer is."""


@dataclass(frozen=True)
class FeedbackSets:
    not_for_me: frozenset[int]
    opened: frozenset[int]
    snoozed: frozenset[int]
    """Papers whose snooze has not ended at the time asked about."""


@dataclass(frozen=True)
class HiddenPaper:
    """A paper kept out of suggestions, and why: "not_for_me" or "snooze" (until when)."""

    paper_id: int
    kind: str
    since: datetime
    until: datetime | None


@dataclass(frozen=True)
class CatalogRow:
    """The text of one paper, as the recommender reads it."""

    id: int
    title: str
    abstract: str
    authors: tuple[str, ...]
    tags: tuple[str, ...]


def _chunks(ids: Sequence[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield [int(i) for i in ids[start : start + size]]


class Suggestions:
    """What the recommender keeps: feedback, daily lists, interests, feature cache."""

    def __init__(self, conn: Connection, settings: Settings) -> None:
        self.conn = conn
        self.settings = settings

    def iter_catalog(
        self, *, after_id: int = 0, newest_first: bool = False, batch: int = 5000
    ) -> Iterator[CatalogRow]:
        """Every paper's text in id order (those with id > ``after_id``), or newest (highest
        id) first, streamed so a million papers never sit in memory at once."""
        order = "DESC" if newest_first else "ASC"
        cursor = self.conn.db.conn.execute(
            "SELECT p.id, p.title, p.abstract, p.authors, ("
            " SELECT json_group_array(t.name) FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id"
            f" WHERE pt.paper_id = p.id) FROM papers p WHERE p.id > ? ORDER BY p.id {order}",
            [after_id],
        )
        while rows := cursor.fetchmany(batch):
            for paper_id, title, abstract, authors, tags in rows:
                yield CatalogRow(
                    paper_id, title, abstract, tuple(json.loads(authors)), tuple(json.loads(tags))
                )

    def add_feedback(
        self, paper_id: int, kind: str, *, now: datetime, until: datetime | None = None
    ) -> int:
        """Record feedback; returns the new event's id (what an undo takes back)."""
        if kind not in FEEDBACK_KINDS:
            raise StoreError(f"unknown feedback {kind!r}")
        with self.conn.transaction() as db:
            cursor = db.execute(
                "INSERT INTO feedback_events (paper_id, kind, at, until) VALUES (?, ?, ?, ?)",
                [paper_id, kind, to_iso(now), to_iso(until) if until else None],
            )
        return int(cursor.lastrowid or 0)

    def remove_feedback(self, event_id: int, paper_id: int, kind: str) -> bool:
        """Take back feedback event ``event_id`` (an undo) if it is still the paper's
        latest of ``kind``; False (nothing removed) when a later one exists or it is gone
        (an id freed by a deletion may be given to another paper's event: checked too)."""
        return self.conn.remove_if_latest("feedback_events", paper_id, event_id, kind=kind)

    def hidden(self, *, now: datetime) -> list[HiddenPaper]:
        """Papers kept out of suggestions: "not for me", and snoozes not ended at ``now``
        (a paper both dismissed and snoozed is listed once, as dismissed)."""
        found: dict[int, HiddenPaper] = {}
        for row in self.conn.query(
            "SELECT paper_id, kind, at, until FROM feedback_events"
            " WHERE kind IN ('not_for_me', 'snooze') ORDER BY id"
        ):
            paper_id, since, until = row["paper_id"], from_iso(row["at"]), from_iso(row["until"])
            assert since is not None
            if row["kind"] == "not_for_me":
                found[paper_id] = HiddenPaper(paper_id, "not_for_me", since, None)
            elif until is not None and until > now:
                previous = found.get(paper_id)
                if previous is None or previous.kind == "snooze":
                    found[paper_id] = HiddenPaper(paper_id, "snooze", since, until)
        return sorted(found.values(), key=lambda h: (h.since, h.paper_id), reverse=True)

    def take_back(self, paper_id: int) -> int:
        """Forget a paper's "not for me" and snoozes: it may be suggested again. Returns
        how many events were removed."""
        with self.conn.write() as db:
            return db.execute(
                "DELETE FROM feedback_events"
                " WHERE paper_id = ? AND kind IN ('not_for_me', 'snooze')",
                [paper_id],
            ).rowcount

    def feedback(self, *, now: datetime) -> FeedbackSets:
        sets: dict[str, set[int]] = {kind: set() for kind in FEEDBACK_KINDS}
        for row in self.conn.query("SELECT paper_id, kind, until FROM feedback_events ORDER BY id"):
            if row["kind"] == "snooze":
                until = from_iso(row["until"])
                if until is not None and until > now:
                    sets["snooze"].add(row["paper_id"])
            else:
                sets[row["kind"]].add(row["paper_id"])
        return FeedbackSets(
            frozenset(sets["not_for_me"]), frozenset(sets["opened"]), frozenset(sets["snooze"])
        )

    def save_suggestions(self, day: date, rows: list[StoredSuggestion]) -> None:
        """Replace the day's list."""
        with self.conn.transaction() as db:
            db.execute("DELETE FROM suggestions WHERE day = ?", [day.isoformat()])
            for row in rows:
                db.execute(
                    "INSERT INTO suggestions"
                    " (day, rank, paper_id, score, reason, exploration, named)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        day.isoformat(),
                        row.rank,
                        row.paper_id,
                        row.score,
                        row.reason,
                        int(row.exploration),
                        json.dumps(list(row.named)),
                    ],
                )

    def suggestions_for(self, day: date) -> list[StoredSuggestion] | None:
        """The day's saved list, or None when none was made that day."""
        rows = self.conn.query(
            "SELECT * FROM suggestions WHERE day = ? ORDER BY rank", [day.isoformat()]
        )
        made = self.conn.scalar(
            "SELECT value FROM settings WHERE key = ?", [f"suggested:{day.isoformat()}"]
        )
        if not rows and made is None:
            return None
        return [
            StoredSuggestion(
                day,
                r["rank"],
                r["paper_id"],
                r["score"],
                r["reason"],
                bool(r["exploration"]),
                tuple(json.loads(r["named"] or "[]")),
            )
            for r in rows
        ]

    def mark_suggested(self, day: date) -> None:
        self.settings.set(f"suggested:{day.isoformat()}", True)

    def add_interests(self, terms: list[str], *, now: datetime) -> None:
        with self.conn.transaction() as db:
            for term in terms:
                db.execute(
                    "INSERT OR IGNORE INTO interests (term, added_at) VALUES (?, ?)",
                    [term, to_iso(now)],
                )

    def remove_interests(self, terms: list[str]) -> None:
        with self.conn.transaction() as db:
            for term in terms:
                db.execute("DELETE FROM interests WHERE term = ?", [term])

    def interests(self) -> list[str]:
        return [
            row["term"]
            for row in self.conn.query("SELECT term FROM interests ORDER BY added_at, term")
        ]

    def paper_vectors(self, ids: Sequence[int], model: str) -> dict[int, bytes]:
        """The sentence encoder's stored rows of ``ids`` under ``model`` (ids without one are
        left out). Derived data: an edit of a paper's title or abstract deletes its rows."""
        out: dict[int, bytes] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.query(
                f"SELECT paper_id, vector FROM paper_vectors WHERE model = ? "
                f"AND paper_id IN ({marks})",
                [model, *chunk],
            ):
                out[row["paper_id"]] = row["vector"]
        return out

    def save_paper_vectors(self, model: str, rows: Sequence[tuple[int, bytes]]) -> None:
        """Keep encoder rows; a paper deleted since it was read is skipped."""
        with self.conn.transaction() as db:
            for paper_id, vector in rows:
                db.execute(
                    "INSERT OR REPLACE INTO paper_vectors (paper_id, model, vector) "
                    "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM papers WHERE id = ?)",
                    [paper_id, model, vector, paper_id],
                )

    def _features_file(self, name: str, token: str) -> Path:
        return self.conn.path.with_name(f"{self.conn.path.stem}.{name}-{token}.features")

    def cached_features(self, name: str) -> tuple[str, Path] | None:
        """(catalog version, file) of the saved features, or None when there are none.

        Features live in a file beside the database (at a million papers they pass a
        gigabyte, more than SQLite stores in one value); the row names the file by a random
        token, so a database restored from a backup never picks up another state's file.
        """
        rows = self.conn.query("SELECT version, data FROM feature_cache WHERE name = ?", [name])
        if not rows:
            return None
        token = bytes(rows[0]["data"]).decode("ascii", "replace")
        if not (token.isascii() and token.isalnum() and len(token) <= 32):
            return None  # not a token (e.g. a cache kept inside the database by an early build)
        path = self._features_file(name, token)
        return (rows[0]["version"], path) if path.is_file() else None

    @staticmethod
    def added_rows_file(path: Path) -> Path:
        """The file of rows added to the features file `path` since it was written (its
        name starts with `path`'s, so a new build's clean-up removes it too)."""
        return path.with_name(path.name + ".added")

    def append_features(
        self,
        name: str,
        old_version: str,
        version: str,
        write: Callable[[BinaryIO], None],
        *,
        now: datetime,
    ) -> bool:
        """Append through ``write`` (given the file of added rows, open for reading and
        appending) to the saved features, if they are still at ``old_version``, and record
        ``version``. False, nothing written, when they are not (another process moved them
        on). A crash leaves the features at ``old_version``: the reader of the file leaves
        out a torn record, and the next append cuts it off.

        Runs in one write transaction: two processes never append at once.
        """
        with self.conn.write() as db:
            cached = self.cached_features(name)
            if cached is None or cached[0] != old_version:
                return False
            added = self.added_rows_file(cached[1])
            try:
                with open(added, "a+b") as stream:
                    write(stream)
                    stream.flush()
                    os.fsync(stream.fileno())
            except OSError as error:
                raise StoreError(
                    f"{added.parent}: cannot save the recommender's index ({error})"
                ) from None
            db.execute(
                "UPDATE feature_cache SET version = ?, built_at = ? WHERE name = ?",
                [version, to_iso(now), name],
            )
        return True

    def save_features(
        self, name: str, version: str, write: Callable[[BinaryIO], None], *, now: datetime
    ) -> Path:
        """Write the features through ``write`` to a new file, record it, and remove the
        files of earlier builds and their added rows. A crash leaves either the old or the
        new file in use."""
        token = secrets.token_hex(8)
        path = self._features_file(name, token)
        partial = path.with_name(path.name + ".partial")
        try:
            with open(partial, "wb") as stream:
                write(stream)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(partial, path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise StoreError(
                f"{path.parent}: cannot save the recommender's index ({error})"
            ) from None
        with self.conn.transaction() as db:
            db.execute(
                "INSERT INTO feature_cache (name, version, built_at, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET version = excluded.version, "
                "built_at = excluded.built_at, data = excluded.data",
                [name, version, to_iso(now), token.encode("ascii")],
            )
        for old in self.conn.path.parent.glob(
            f"{glob.escape(self.conn.path.stem)}.{name}-*.features*"
        ):
            if old != path:
                old.unlink(missing_ok=True)
        return path
