"""The project's own JSON export: read everything a paper carries, and restore it.

Rows are exchanged as plain dicts in the export's own shape (see
:mod:`reader.service.archive_format` for the file format). Restoring skips rows that are
already there (same time and value), so importing one export twice changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .base import Connection, dumps, from_iso

_PAPER_FIELDS = (
    "id", "title", "abstract", "authors", "year", "date", "venue", "arxiv_id", "doi", "url",
    "code_url", "pdf_path", "source", "added_at",
)  # fmt: skip


class Archive:
    """Everything a paper carries, read for the JSON export and restored from it."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def iter_archive_papers(self, ids: Sequence[int], *, batch: int = 2000) -> Iterator[dict]:
        """Each paper in ``ids`` order with everything attached to it."""
        conn = self.conn.db.conn
        for start in range(0, len(ids), batch):
            chunk = list(ids[start : start + batch])
            marks = json.dumps(chunk)
            inside = "paper_id IN (SELECT value FROM json_each(?))"

            def grouped(sql: str) -> dict[int, list[tuple]]:
                found: dict[int, list[tuple]] = {}
                for row in conn.execute(sql, [marks]):  # noqa: B023
                    found.setdefault(row[0], []).append(row[1:])
                return found

            papers = {
                row[0]: row
                for row in conn.execute(
                    f"SELECT {', '.join(_PAPER_FIELDS)} FROM papers"
                    " WHERE id IN (SELECT value FROM json_each(?))",
                    [marks],
                )
            }
            tags = grouped(
                "SELECT pt.paper_id, t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id"
                f" WHERE pt.{inside} ORDER BY t.name COLLATE NOCASE"
            )
            statuses = grouped(
                f"SELECT paper_id, status, at FROM status_events WHERE {inside} ORDER BY id"
            )
            ratings = grouped(
                f"SELECT paper_id, stars, at FROM rating_events WHERE {inside} ORDER BY id"
            )
            notes = grouped(
                "SELECT paper_id, text, created_at, updated_at FROM notes"
                f" WHERE {inside} ORDER BY id"
            )
            cards = grouped(f"SELECT paper_id, enabled, due, card FROM review_cards WHERE {inside}")
            log = grouped(
                "SELECT paper_id, reviewed_at, grade, interval_days, state_before, state_after"
                f" FROM review_log WHERE {inside} ORDER BY id"
            )
            feedback = grouped(
                f"SELECT paper_id, kind, at, until FROM feedback_events WHERE {inside} ORDER BY id"
            )
            steering = grouped(
                f"SELECT paper_id, direction, at FROM steering_events WHERE {inside} ORDER BY id"
            )
            edited = grouped(f"SELECT paper_id FROM edited_titles WHERE {inside}")
            for paper_id in chunk:
                row = papers.get(paper_id)
                if row is None:
                    continue
                item = dict(zip(_PAPER_FIELDS, row, strict=True))
                item["authors"] = json.loads(item["authors"])
                card = cards.get(paper_id)
                item.update(
                    title_edited=paper_id in edited,
                    tags=[t for (t,) in tags.get(paper_id, [])],
                    status_history=[{"status": s, "at": a} for s, a in statuses.get(paper_id, [])],
                    rating_history=[{"stars": s, "at": a} for s, a in ratings.get(paper_id, [])],
                    notes=[
                        {"text": t, "created_at": c, "updated_at": u}
                        for t, c, u in notes.get(paper_id, [])
                    ],
                    review_card=(
                        {
                            "enabled": bool(card[0][0]),
                            "due": card[0][1],
                            "card": json.loads(card[0][2]),
                        }
                        if card
                        else None
                    ),
                    review_log=[
                        {
                            "reviewed_at": r,
                            "grade": g,
                            "interval_days": i,
                            "state_before": json.loads(b),
                            "state_after": json.loads(a),
                        }
                        for r, g, i, b, a in log.get(paper_id, [])
                    ],
                    feedback=[
                        {"kind": k, "at": a, "until": u} for k, a, u in feedback.get(paper_id, [])
                    ],
                    steering_history=[
                        {"direction": d, "at": a} for d, a in steering.get(paper_id, [])
                    ],
                )
                yield item

    def archive_globals(self, paper_ids: Iterable[int] | None = None) -> dict[str, Any]:
        """Interests, settings, followed feeds, collections and the saved daily
        suggestions. With ``paper_ids`` (an export of some papers, the copy kept of a
        deleted one): only what belongs to those papers, their suggestions and places in
        collections. The library-wide ones came along, and importing the copy of a
        deleted paper brought back a feed unfollowed since."""
        keep = None if paper_ids is None else set(paper_ids)
        if keep is not None:
            return {
                "interests": [],
                "settings": {},
                "suggestions": self._archive_suggestions(keep),
                "collections": self._archive_collections(keep),
                "feeds": [],
            }
        return {
            "interests": [
                {"term": t, "added_at": a}
                for t, a in self.conn.db.conn.execute(
                    "SELECT term, added_at FROM interests ORDER BY added_at, term"
                )
            ],
            "settings": {
                k: json.loads(v)
                for k, v in self.conn.db.conn.execute(
                    "SELECT key, value FROM settings ORDER BY key"
                )
            },
            "suggestions": self._archive_suggestions(keep),
            "collections": self._archive_collections(keep),
            "feeds": [
                {"kind": k, "value": v, "added_at": a}
                for k, v, a in self.conn.db.conn.execute(
                    "SELECT kind, value, added_at FROM feed_subscriptions ORDER BY kind, value"
                )
            ],
        }

    def _archive_suggestions(self, keep: set[int] | None) -> list[dict[str, Any]]:
        return [
            {
                "day": d,
                "rank": r,
                "paper_id": p,
                "score": s,
                "reason": why,
                "exploration": bool(e),
            }
            for d, r, p, s, why, e in self.conn.db.conn.execute(
                "SELECT day, rank, paper_id, score, reason, exploration FROM suggestions"
                " ORDER BY day, rank"
            )
            if keep is None or p in keep
        ]

    def _archive_collections(self, keep: set[int] | None) -> list[dict[str, Any]]:
        """Each collection with its papers' ids in order (of ``keep`` only, when given)."""
        found: dict[int, dict[str, Any]] = {}
        for collection, name, created, paper in self.conn.db.conn.execute(
            "SELECT c.id, c.name, c.created_at, cp.paper_id FROM collections c"
            " LEFT JOIN collection_papers cp ON cp.collection_id = c.id"
            " ORDER BY c.name COLLATE NOCASE, cp.position, cp.paper_id"
        ):
            entry = found.setdefault(
                collection, {"name": name, "created_at": created, "papers": []}
            )
            if paper is not None and (keep is None or paper in keep):
                entry["papers"].append(paper)
        return list(found.values())

    def restore_history(self, items: Iterable[tuple[int, dict]]) -> None:
        """Add each exported paper's history to the stored paper ``paper_id``, in one
        transaction, skipping rows it already has."""
        with self.conn.write() as conn:
            for paper_id, item in items:
                self._restore_one(conn, paper_id, item)

    def _restore_one(self, conn: Any, paper_id: int, item: dict) -> None:
        def missing(sql: str, *values: Any) -> bool:
            return conn.execute(sql, [paper_id, *values]).fetchone() is None

        for event in item.get("status_history") or []:
            if missing(
                "SELECT 1 FROM status_events WHERE paper_id = ? AND status = ? AND at = ?",
                event["status"],
                event["at"],
            ):
                conn.execute(
                    "INSERT INTO status_events (paper_id, status, at) VALUES (?, ?, ?)",
                    [paper_id, event["status"], event["at"]],
                )
        for event in item.get("rating_history") or []:
            if missing(
                "SELECT 1 FROM rating_events WHERE paper_id = ? AND stars IS ? AND at = ?",
                event["stars"],
                event["at"],
            ):
                conn.execute(
                    "INSERT INTO rating_events (paper_id, stars, at) VALUES (?, ?, ?)",
                    [paper_id, event["stars"], event["at"]],
                )
        for note in item.get("notes") or []:
            self._restore_note(conn, paper_id, note)
        if item.get("title_edited"):  # else the next arXiv version would replace the title
            conn.execute("INSERT OR IGNORE INTO edited_titles (paper_id) VALUES (?)", [paper_id])
        card = item.get("review_card")
        if card and missing("SELECT 1 FROM review_cards WHERE paper_id = ?"):
            conn.execute(
                "INSERT INTO review_cards (paper_id, enabled, due, card) VALUES (?, ?, ?, ?)",
                [paper_id, int(bool(card["enabled"])), card["due"], dumps(card["card"])],
            )
        for entry in item.get("review_log") or []:
            if missing(
                "SELECT 1 FROM review_log WHERE paper_id = ? AND reviewed_at = ? AND grade = ?",
                entry["reviewed_at"],
                entry["grade"],
            ):
                conn.execute(
                    "INSERT INTO review_log (paper_id, reviewed_at, grade, interval_days,"
                    " state_before, state_after) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        paper_id,
                        entry["reviewed_at"],
                        entry["grade"],
                        entry.get("interval_days"),
                        dumps(entry.get("state_before") or {}),
                        dumps(entry.get("state_after") or {}),
                    ],
                )
        for event in item.get("feedback") or []:
            if missing(
                "SELECT 1 FROM feedback_events WHERE paper_id = ? AND kind = ? AND at = ?",
                event["kind"],
                event["at"],
            ):
                conn.execute(
                    "INSERT INTO feedback_events (paper_id, kind, at, until) VALUES (?, ?, ?, ?)",
                    [paper_id, event["kind"], event["at"], event.get("until")],
                )
        for event in item.get("steering_history") or []:
            if missing(
                "SELECT 1 FROM steering_events WHERE paper_id = ? AND direction IS ? AND at = ?",
                event["direction"],
                event["at"],
            ):
                conn.execute(
                    "INSERT INTO steering_events (paper_id, direction, at) VALUES (?, ?, ?)",
                    [paper_id, event["direction"], event["at"]],
                )

    @staticmethod
    def _restore_note(conn: Any, paper_id: int, note: dict) -> None:
        """A note is the one stored with the same creation time: the copy edited last
        wins. (Matched by its text, an older export brought back the words the user had
        since rewritten, as a second note.)"""
        same = conn.execute(
            "SELECT id, text, updated_at FROM notes WHERE paper_id = ? AND created_at = ?",
            [paper_id, note["created_at"]],
        ).fetchall()
        if any(text == note["text"] for _, text, _ in same):
            return
        if len(same) == 1:
            note_id, _, updated = same[0]
            if from_iso(note["updated_at"]) > from_iso(updated):  # type: ignore[operator]
                conn.execute(
                    "UPDATE notes SET text = ?, updated_at = ? WHERE id = ?",
                    [note["text"], note["updated_at"], note_id],
                )
            return
        conn.execute(
            "INSERT INTO notes (paper_id, text, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [paper_id, note["text"], note["created_at"], note["updated_at"]],
        )

    @staticmethod
    def _restore_collection(conn: Any, collection: dict, id_map: dict[int, int]) -> None:
        """Create the collection if missing; its papers go after those it has, in order."""
        conn.execute(
            "INSERT OR IGNORE INTO collections (name, created_at) VALUES (?, ?)",
            [collection["name"], collection["created_at"]],
        )
        target = conn.execute(
            "SELECT id FROM collections WHERE name = ? COLLATE NOCASE", [collection["name"]]
        ).fetchone()[0]
        end = conn.execute(
            "SELECT coalesce(max(position) + 1, 0) FROM collection_papers WHERE collection_id = ?",
            [target],
        ).fetchone()[0]
        for exported in collection.get("papers") or []:
            paper_id = id_map.get(exported)
            if paper_id is None:
                continue
            added = conn.execute(
                "INSERT OR IGNORE INTO collection_papers (collection_id, paper_id, position)"
                " VALUES (?, ?, ?)",
                [target, paper_id, end],
            ).rowcount
            end += added

    def restore_globals(self, data: dict[str, Any], id_map: dict[int, int]) -> None:
        """Interests, suggestions and followed feeds are added; a setting is restored only
        where this database has none (the user's current choices win)."""
        with self.conn.write() as conn:
            for interest in data.get("interests") or []:
                conn.execute(
                    "INSERT OR IGNORE INTO interests (term, added_at) VALUES (?, ?)",
                    [interest["term"], interest["added_at"]],
                )
            for key, value in (data.get("settings") or {}).items():
                conn.execute(
                    "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", [key, dumps(value)]
                )
            for collection in data.get("collections") or []:
                self._restore_collection(conn, collection, id_map)
            for feed in data.get("feeds") or []:
                conn.execute(
                    "INSERT OR IGNORE INTO feed_subscriptions (kind, value, added_at)"
                    " VALUES (?, ?, ?)",
                    [feed["kind"], feed["value"], feed["added_at"]],
                )
            for row in data.get("suggestions") or []:
                paper_id = id_map.get(row["paper_id"])
                if paper_id is None:
                    continue
                conn.execute(
                    "INSERT OR IGNORE INTO suggestions"
                    " (day, rank, paper_id, score, reason, exploration) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        row["day"],
                        row["rank"],
                        paper_id,
                        row["score"],
                        row["reason"],
                        int(bool(row["exploration"])),
                    ],
                )
