"""Health checks and safe repairs of the database, for ``reader doctor``.

Every check only reads. The repairs touch derived data only (the full-text index, the
recommender's feature cache, links that point at nothing); what the user wrote (papers,
ratings, notes, reading history) is reported, never deleted.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from reader.migrations import SEARCH_TOKENIZE

from .base import Connection
from .errors import StoreError
from .merge import Merges

# Rows that belong to a paper, by table: (table, column). Orphans here are the user's data
# (a rating of a paper that no longer exists): reported, never deleted.
_USER_ROWS = (
    ("status_events", "paper_id"),
    ("rating_events", "paper_id"),
    ("notes", "paper_id"),
    ("review_cards", "paper_id"),
    ("review_log", "paper_id"),
    ("feedback_events", "paper_id"),
    ("steering_events", "paper_id"),
)
# Derived rows: safe to delete when they point at nothing.
_DERIVED_ROWS = (
    ("paper_tags", "paper_id"),
    ("suggestions", "paper_id"),
    ("paper_vectors", "paper_id"),
)

_SEARCH_COLUMNS = "title, abstract, authors, notes"
# Temporary tables of the stale-entry check (connection-private, dropped after it).
_TWIN = "doctor_search_expected"
_LIVE_TERMS = "doctor_search_live_terms"
_TWIN_TERMS = "doctor_search_expected_terms"
# Per term, in the index's term order (so SQLite groups without sorting): how many times
# it occurs, and two sums over where (paper, column, offset). Equal sums mean equal
# occurrences but for a vanishingly unlikely coincidence; the terms whose sums differ are
# then compared occurrence by occurrence.
_TERM_SUMS = """
    SELECT term, count(*), sum(doc),
           sum((doc * 4099 + "offset" * 31 + CASE col WHEN 'title' THEN 1
                WHEN 'abstract' THEN 2 WHEN 'authors' THEN 3 ELSE 4 END) % 2147483647)
    FROM temp.{vocab} {where} GROUP BY term ORDER BY term
"""
_MAX_TERMS_COMPARED = 500


@dataclass
class Finding:
    """One check's outcome."""

    check: str
    """Short name: integrity, foreign_keys, search_index, orphans, duplicates, ..."""
    ok: bool
    details: list[str] = field(default_factory=list)
    """One line per problem found (at most a few dozen)."""
    repairable: bool = False
    """``reader doctor --repair`` can fix this without touching the user's own data."""


_MAX_DETAILS = 20


def _clip(lines: list[str]) -> list[str]:
    if len(lines) <= _MAX_DETAILS:
        return lines
    return [*lines[:_MAX_DETAILS], f"... and {len(lines) - _MAX_DETAILS} more"]


class Health:
    """The doctor's checks (read only) and its repairs of derived data. It is handed
    :class:`Merges` for the duplicates check: one rule for doctor, import and dedupe."""

    def __init__(self, conn: Connection, merges: Merges) -> None:
        self.conn = conn
        self.merges = merges

    # Checks (read only) ----------------------------------------------------------------

    def integrity_check(self) -> list[str]:
        """SQLite's own check of every page and index; ``["ok"]`` when healthy."""
        try:
            return [row[0] for row in self.conn.db.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as error:
            return [str(error)]

    def foreign_key_check(self) -> list[tuple[str, int, str]]:
        """Rows whose reference points at nothing: (table, rowid, referenced table)."""
        with self.conn.errors():
            rows = self.conn.db.execute("PRAGMA foreign_key_check").fetchall()
        return [(row[0], row[1], row[2]) for row in rows]

    def search_index_problems(self) -> list[str]:
        """Where the full-text index disagrees with the papers and notes it indexes.

        The index (m006) keeps no copy of the text, so reading it back only reads the
        papers again; the check compares what it indexed instead: its entries (one
        ``search_docsize`` row per indexed paper) against ``papers``, and its words
        against a twin index built now from ``search_source`` in a temporary table
        (per-column token counts of each entry, then each term's occurrences). It writes
        only to this connection's temporary database. Cost grows with the catalog's
        words: about 1 s at 20k papers and 5.6 s at 100k (generated arXiv-like
        abstracts), against 1.5 s for a full rebuild; a third of it builds the twin, the
        rest reads both indexes' word lists.
        """
        problems: list[str] = []
        try:
            # FTS5's own check of the index's structure; it writes nothing, but sqlite3
            # opens a transaction for any INSERT, so end it.
            self.conn.db.execute("INSERT INTO search(search) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as error:
            # SQLite refuses the check's INSERT on a file it may not write; the comparisons
            # below still tell. Reported, it sent the user to a --repair that cannot run.
            if "readonly" not in str(error):
                problems.append(f"the index's own check failed: {error}")
        finally:
            if self.conn.db.conn.in_transaction:
                self.conn.db.conn.rollback()
        if "bulk_insert" in self.conn.db.table_names() and self.conn.scalar(
            "SELECT count(*) FROM bulk_insert"
        ):
            # The importer's marker outlived its transaction: new papers go unindexed.
            problems.append("a bulk import's marker row was left behind")
        missing = self.conn.scalar(
            "SELECT count(*) FROM papers WHERE id NOT IN (SELECT id FROM search_docsize)"
        )
        extra = self.conn.scalar(
            "SELECT count(*) FROM search_docsize WHERE id NOT IN (SELECT id FROM papers)"
        )
        stale = len(self._stale_search_entries(compare_all=not extra))
        if missing:
            problems.append(f"{missing} paper(s) missing from the search index")
        if extra:
            problems.append(f"{extra} search entry(ies) for papers that no longer exist")
        if stale:
            problems.append(f"{stale} search entry(ies) out of date with their paper or notes")
        return problems

    def _stale_search_entries(self, *, compare_all: bool) -> set[int]:
        """Ids of papers whose index entry holds other words than their text and notes.

        ``compare_all`` says the index has no entry for a paper that does not exist, so
        its terms need no filtering (the filter costs a lookup per word occurrence).
        """
        conn = self.conn.db.conn
        self._drop_search_twin()
        try:
            conn.executescript(
                f"""
                CREATE VIRTUAL TABLE temp.{_TWIN} USING fts5(
                    {_SEARCH_COLUMNS}, content = '', tokenize = '{SEARCH_TOKENIZE}'
                );
                CREATE VIRTUAL TABLE temp.{_LIVE_TERMS} USING fts5vocab(main, search, instance);
                CREATE VIRTUAL TABLE temp.{_TWIN_TERMS}
                    USING fts5vocab(temp, {_TWIN}, instance);
                """
            )
            # Only papers the index has an entry for: the missing ones are counted apart.
            conn.execute(
                f"""INSERT INTO temp.{_TWIN} (rowid, {_SEARCH_COLUMNS})
                    SELECT id, {_SEARCH_COLUMNS} FROM search_source
                    WHERE id IN (SELECT id FROM main.search_docsize)"""
            )
            conn.commit()
            stale = {
                row[0]
                for row in conn.execute(
                    f"""SELECT e.id FROM temp.{_TWIN}_docsize e
                        JOIN main.search_docsize s ON s.id = e.id WHERE s.sz IS NOT e.sz"""
                )
            }
            live_where = "" if compare_all else "WHERE doc IN (SELECT id FROM main.papers)"
            terms = _differing_terms(
                conn.execute(_TERM_SUMS.format(vocab=_LIVE_TERMS, where=live_where)),
                conn.execute(_TERM_SUMS.format(vocab=_TWIN_TERMS, where="")),
            )
            occurrences = (
                'SELECT doc, col, "offset" FROM temp.{} WHERE term = ?'
                " AND doc IN (SELECT id FROM main.papers)"
            )
            for term in terms:
                for one, other in ((_LIVE_TERMS, _TWIN_TERMS), (_TWIN_TERMS, _LIVE_TERMS)):
                    query = f"{occurrences.format(one)} EXCEPT {occurrences.format(other)}"
                    stale.update(row[0] for row in conn.execute(query, [term, term]))
            return stale
        finally:
            if conn.in_transaction:
                conn.rollback()
            self._drop_search_twin()

    def _drop_search_twin(self) -> None:
        self.conn.db.conn.executescript(
            f"""
            DROP TABLE IF EXISTS temp.{_LIVE_TERMS};
            DROP TABLE IF EXISTS temp.{_TWIN_TERMS};
            DROP TABLE IF EXISTS temp.{_TWIN};
            """
        )

    def orphans(self) -> dict[str, int]:
        """Rows pointing at a paper or tag that does not exist, counted by table (only
        possible if something wrote with foreign keys off)."""
        found: dict[str, int] = {}
        tables = set(self.conn.db.table_names())
        for table, column in (*_USER_ROWS, *_DERIVED_ROWS):
            if table not in tables:
                continue
            count = self.conn.scalar(
                f"SELECT count(*) FROM {table} WHERE {column} NOT IN (SELECT id FROM papers)"
            )
            if count:
                found[table] = int(count)
        dangling_tags = self.conn.scalar(
            "SELECT count(*) FROM paper_tags WHERE tag_id NOT IN (SELECT id FROM tags)"
        )
        if dangling_tags:
            found["paper_tags"] = found.get("paper_tags", 0) + int(dangling_tags)
        return found

    def unused_tags(self) -> list[str]:
        return [
            row["name"]
            for row in self.conn.query(
                "SELECT name FROM tags WHERE id NOT IN (SELECT tag_id FROM paper_tags) "
                "ORDER BY name COLLATE NOCASE"
            )
        ]

    def feature_cache_names(self) -> list[str]:
        return [
            row["name"] for row in self.conn.query("SELECT name FROM feature_cache ORDER BY name")
        ]

    def check_health(self, progress: Callable[[str], None] | None = None) -> list[Finding]:
        """Every check, in the order a user would want to read them. A check that cannot
        run (a damaged page) is itself a problem found, not a crash. ``progress`` is told
        each check's name as it starts: at a million papers the whole takes minutes."""
        findings = []
        for name, check in (
            ("integrity", self._integrity_finding),
            ("foreign_keys", self._foreign_key_finding),
            ("search_index", self._search_finding),
            ("orphans", self._orphan_finding),
            ("unused_tags", self._unused_tag_finding),
            ("duplicates", self._duplicate_finding),
        ):
            if progress is not None:
                progress(name)
            try:
                findings.append(check())
            except (StoreError, sqlite3.DatabaseError) as error:
                # The search index is derived: rebuilt from the papers and notes, it is
                # whole again however it broke.
                derived = name == "search_index"
                findings.append(
                    Finding(name, False, [f"the check itself failed: {error}"], repairable=derived)
                )
        return findings

    def _integrity_finding(self) -> Finding:
        result = self.integrity_check()
        healthy = result == ["ok"]
        return Finding("integrity", healthy, [] if healthy else _clip(result))

    def _foreign_key_finding(self) -> Finding:
        rows = self.foreign_key_check()
        details = [
            f"{table} row {rowid} points at a missing {parent}" for table, rowid, parent in rows
        ]
        return Finding("foreign_keys", not rows, _clip(details))

    def _search_finding(self) -> Finding:
        problems = self.search_index_problems()
        return Finding("search_index", not problems, problems, repairable=bool(problems))

    def _orphan_finding(self) -> Finding:
        orphans = self.orphans()
        derived = {t for t, _ in _DERIVED_ROWS}
        details = [
            f"{count} row(s) of {table} point at a missing paper or tag"
            + ("" if table in derived else " (your data: kept, not deleted)")
            for table, count in sorted(orphans.items())
        ]
        return Finding(
            "orphans", not orphans, details, repairable=any(t in derived for t in orphans)
        )

    def _unused_tag_finding(self) -> Finding:
        unused = self.unused_tags()
        details = [f"tag {name!r} is on no paper" for name in unused]
        return Finding("unused_tags", not unused, _clip(details), repairable=bool(unused))

    def _duplicate_finding(self) -> Finding:
        # The same rule as import and `reader dedupe` (reader.match); merging is left to
        # `reader dedupe --apply`, since it changes the user's papers.
        groups = self.merges.duplicate_groups(write_keys=False)
        details = [
            f"papers {', '.join(str(p.id) for p in g)} are the same paper"
            " (`reader dedupe --apply` merges them)"
            for g in groups
        ]
        return Finding("duplicates", not groups, _clip(details))

    # Repairs (derived data only) --------------------------------------------------------

    def rebuild_search_index(self) -> int:
        """Rebuild the full-text index from the papers and notes (FTS5's ``'rebuild'``
        reads them through ``search_source``); returns the number of papers indexed."""
        with self.conn.transaction() as db:
            if "bulk_insert" in db.table_names():
                db.execute("DELETE FROM bulk_insert")
            try:
                db.execute("INSERT INTO search(search) VALUES ('rebuild')")
            except sqlite3.DatabaseError:
                # FTS5 cannot open an index whose own records are lost ("vtable constructor
                # failed"), not even to rebuild or drop it. Its tables are all derived: made
                # empty as a new index is, it rebuilds.
                for table in ("search_data", "search_idx", "search_docsize"):
                    db.execute(f"DELETE FROM {table}")
                db.execute(
                    "INSERT INTO search_data (id, block) VALUES (1, x''), (10, x'00000000000000')"
                )
                db.execute("INSERT OR REPLACE INTO search_config (k, v) VALUES ('version', 4)")
                db.execute("INSERT INTO search(search) VALUES ('rebuild')")
            db.execute("INSERT INTO search(search) VALUES ('optimize')")
            return int(self.conn.scalar("SELECT count(*) FROM search_docsize"))

    def reset_feature_cache(self) -> int:
        """Drop the recommender's cached features; they are rebuilt on the next use."""
        with self.conn.transaction() as db:
            return int(db.execute("DELETE FROM feature_cache").rowcount)

    def remove_derived_orphans(self) -> int:
        """Delete tag links and saved suggestions that point at nothing, and tags on no
        paper; returns rows deleted."""
        deleted = 0
        with self.conn.transaction() as db:
            for table, column in _DERIVED_ROWS:
                deleted += db.execute(
                    f"DELETE FROM {table} WHERE {column} NOT IN (SELECT id FROM papers)"
                ).rowcount
            deleted += db.execute(
                "DELETE FROM paper_tags WHERE tag_id NOT IN (SELECT id FROM tags)"
            ).rowcount
            deleted += db.execute(
                "DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM paper_tags)"
            ).rowcount
        return deleted


def _differing_terms(live: Iterator[tuple], twin: Iterator[tuple]) -> list[str]:
    """The terms (at most ``_MAX_TERMS_COMPARED``) whose rows differ between two streams
    of per-term rows ordered by term: a merge, holding two rows at a time."""
    found: list[str] = []
    a, b = next(live, None), next(twin, None)
    while (a is not None or b is not None) and len(found) < _MAX_TERMS_COMPARED:
        if a is not None and (b is None or a[0] < b[0]):
            found.append(a[0])
            a = next(live, None)
        elif b is not None and (a is None or b[0] < a[0]):
            found.append(b[0])
            b = next(twin, None)
        elif a is not None and b is not None:  # the same term in both
            if a != b:
                found.append(a[0])
            a, b = next(live, None), next(twin, None)
    return found
