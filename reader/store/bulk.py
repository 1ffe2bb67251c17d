"""Bulk import: many records per transaction, matched against what is stored.

:meth:`Ingest.ingest` takes a batch (a few thousand records), folds duplicates
inside it together, looks the rest up by arXiv id, DOI and title key with three indexed
queries, fills the empty fields of papers already stored, and inserts the new ones with
``executemany``. A batch is one transaction, or part of a :class:`BulkLoad`'s, which
groups several: an interrupted import leaves whole transactions only, and re-running it
finds those papers and moves on.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from reader.ids import normalize_arxiv_id
from reader.match import key_hash, normalize_title, same_title, title_key
from reader.models import PaperRecord

from .base import DEFERRABLE_INDEXES, Connection, dumps, ensure_indexes, index_names, to_iso
from .errors import StoreError
from .merge import FILL_FIELDS, Merges, compatible
from .tags import clean_tag, tag_key

Outcome = Literal["added", "updated", "present", "duplicate"]
"""added: a new paper; updated: an existing paper got new fields or tags; present: already
stored, nothing new; duplicate: the same paper as an earlier record of the same batch."""

_INSERT_COLUMNS = (
    "id", "title", "abstract", "authors", "year", "date", "venue", "arxiv_id", "doi", "url",
    "code_url", "pdf_path", "source", "added_at", "title_key", "title_hash",
)  # fmt: skip
_INSERT_SQL = (
    f"INSERT INTO papers ({', '.join(_INSERT_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_INSERT_COLUMNS))})"
)
_RECORD_FILL = ("abstract", "authors", "year", "date", "venue", "arxiv_id", "doi", "url",
                "code_url", "pdf_path")  # fmt: skip
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$")
_authors_json = json.JSONEncoder(ensure_ascii=False).encode
"""What ``dumps(list(authors))`` gives, without building an encoder per call."""
IMPORT_CACHE_KIB = 262_144
"""SQLite page cache during a bulk import (256 MiB, against the default 2 MiB): a
transaction's index pages stay in memory until its commit instead of spilling into the
WAL mid-way. A fixed size, so memory stays flat however large the file."""
IMPORT_AUTOMERGE = 16
"""FTS5 merges index segments once this many share a level (default 4); a bulk import
writes one large segment per transaction, so it merges a quarter as often (the numbers
are in docs/benchmarks.md). Put back afterwards; left at 16 by a killed import, it only
costs searches a few more segments until the next merge."""
FTS_DEFAULT_AUTOMERGE = 4
SEARCH_INSERT_TRIGGER = "papers_search_insert"
"""m006's trigger that indexes a paper inserted alone."""
GROUP_RECORDS = 50_000
GROUP_SECONDS = 2.0
"""A bulk import commits once it has this many records or has held the write lock this
long, whichever comes first: fewer commits write fewer random-order index pages
(docs/benchmarks.md), and the time cap bounds what an interrupt takes back and how long
another program waits for the lock."""


@dataclass(frozen=True)
class Incoming:
    """Extra facts about a record being restored from the project's JSON export."""

    paper_id: int | None = None
    """The id it had; kept when it is free."""
    added_at: str | None = None


def _normalized(record: PaperRecord) -> PaperRecord:
    """An arXiv DOI (10.48550/arXiv.X) is the arXiv id X in disguise."""
    if record.doi and (match := _ARXIV_DOI.match(record.doi)):
        arxiv_id = normalize_arxiv_id(match.group(1))
        if arxiv_id and (record.arxiv_id in (None, arxiv_id)):
            return replace(record, arxiv_id=arxiv_id, doi=None)
    return record


def _fold_in(base: PaperRecord, other: PaperRecord) -> PaperRecord:
    """``base`` with its empty fields taken from ``other``, and the tags of both."""
    changes: dict[str, Any] = {
        name: getattr(other, name)
        for name in _RECORD_FILL
        if not getattr(base, name) and getattr(other, name)
    }
    extra = tuple(tag for tag in other.tags if tag not in base.tags)
    if extra:
        changes["tags"] = base.tags + extra
    return replace(base, **changes) if changes else base


def _same(a: PaperRecord, b: PaperRecord) -> bool:
    return compatible(a.arxiv_id, a.doi, b.arxiv_id, b.doi)


def _set_automerge(conn: Any, value: int) -> None:
    conn.execute("INSERT INTO search(search, rank) VALUES ('automerge', ?)", [value])


def _index_search(conn: Any, ids: list[int]) -> None:
    """Add these new papers to the full-text index (what m006's insert trigger does for
    one row) with one statement: a range when the ids are consecutive, as they are when
    the importer numbers them. A new paper has no notes yet, hence ``''``."""
    if not ids:
        return
    select = (
        "INSERT INTO search(rowid, title, abstract, authors, notes)"
        " SELECT id, title, abstract, authors, '' FROM papers"
    )
    if ids[-1] - ids[0] == len(ids) - 1 and ids == sorted(ids):
        conn.execute(f"{select} WHERE id BETWEEN ? AND ?", [ids[0], ids[-1]])
    else:
        conn.execute(f"{select} WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(ids)])


@contextmanager
def _without_search_trigger(conn: Any) -> Iterator[None]:
    """Insert papers with m006's insert trigger dropped, inside the caller's transaction.

    With the trigger present, every row's INSERT is a "multi-write" statement that may
    abort (the unique arXiv id and DOI indexes), so SQLite copied each page the row
    touched into a statement journal first: about 3.5 pages of 16 KiB a paper, 56 of the
    63 GB written at a million papers, 10% of the import's time. m005's bulk_insert row only
    made the trigger skip its work, not this. The trigger is created again from its own
    stored SQL before the transaction can commit, and a rollback brings it back too, so
    no committed state lacks it."""
    row = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
        [SEARCH_INSERT_TRIGGER],
    ).fetchone()
    if row is None:  # not there to drop (a damaged file): insert as it is
        yield
        return
    conn.execute(f"DROP TRIGGER {SEARCH_INSERT_TRIGGER}")
    try:
        yield
    finally:
        if conn.in_transaction:  # else SQLite rolled back already, which restored it
            conn.execute(row[0])


class BulkLoad:
    """A long run of :meth:`Ingest.ingest` batches, several to a transaction.

    Pass it to :meth:`Ingest.ingest` as ``within`` and call :meth:`commit_if_due`
    after each batch: it commits once the open transaction
    holds :data:`GROUP_RECORDS` records or is :data:`GROUP_SECONDS` old, and returns
    True when it did. Until then, an interrupt takes the batches back together.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._records = 0
        self._began = 0.0
        self._automerge: int | None | Literal["unset"] = "unset"
        """The index's automerge setting before this load changed it (None: no row)."""
        self._automerge_committed = False
        """Whether a commit has made the change; until then a rollback takes it back."""

    @property
    def open(self) -> bool:
        return self._conn.db.conn.in_transaction

    def begin(self) -> None:
        """Take the write lock for the next batches (:meth:`Ingest.ingest` calls
        this), unless a transaction is open. The
        first one also sets :data:`IMPORT_AUTOMERGE`, so a load that writes nothing
        changes nothing."""
        if not self.open:
            conn = self._conn.db.conn
            with self._conn.errors():
                conn.execute("BEGIN IMMEDIATE")
                if self._automerge == "unset":
                    row = conn.execute(
                        "SELECT v FROM search_config WHERE k = 'automerge'"
                    ).fetchone()
                    self._automerge = int(row[0]) if row else None
                    _set_automerge(conn, IMPORT_AUTOMERGE)
            self._records = 0
            self._began = time.monotonic()

    def restore(self) -> None:
        """Put the automerge setting back as it was (the row removed if there was none)."""
        if self._automerge == "unset":
            return
        with self._conn.write() as conn:
            _set_automerge(conn, self._automerge or FTS_DEFAULT_AUTOMERGE)
            if self._automerge is None:
                # Setting it updated FTS5's in-memory copy; the row goes, as before.
                conn.execute("DELETE FROM search_config WHERE k = 'automerge'")
        self._automerge = "unset"
        self._automerge_committed = False

    def counted(self, records: int) -> None:
        self._records += records

    def commit_if_due(self) -> bool:
        if self._records >= GROUP_RECORDS or time.monotonic() - self._began >= GROUP_SECONDS:
            return self.commit()
        return False

    def commit(self) -> bool:
        """Commit what is open; True when there was something to commit."""
        if not self.open:
            return False
        with self._conn.errors():
            self._conn.db.conn.execute("COMMIT")
        self._automerge_committed = self._automerge != "unset"
        return True

    def rollback(self) -> None:
        if self.open:
            self._conn.db.conn.execute("ROLLBACK")
        if not self._automerge_committed:
            # The setting went with the transaction (SQLite may have rolled it back
            # itself), and FTS5 rereads it; putting it "back" would write the index's
            # structure record, which an import that stored nothing must not change.
            self._automerge = "unset"


@dataclass(frozen=True)
class Conflict:
    """A record that matched stored papers which are not one work: it updated ``kept``
    only, and the others were left alone."""

    record: int
    """Its index in the batch given to :meth:`Ingest.ingest`."""
    kept: int
    kept_by: str
    """How it matched ``kept``: "DOI", "arXiv id" or "title"."""
    others: tuple[tuple[int, str], ...]
    """The other papers it matched, and how."""

    def describe(self) -> str:
        others = ", ".join(f"[{paper_id}] by {how}" for paper_id, how in self.others)
        return (
            f"matches different papers ([{self.kept}] by {self.kept_by}, {others}); "
            f"updated [{self.kept}] only, not merged"
        )


@dataclass
class AddResult:
    """What :meth:`Ingest.add` did: new paper ids, and records that matched a stored paper."""

    added: list[int] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)


class Ingest:
    """The only way papers get into the database: seeding, ``reader add``, imports and
    restores all come through :meth:`ingest`, so one set of rules says what is the same
    paper. A record that proves two stored papers one merges them through ``merges``."""

    def __init__(self, conn: Connection, merges: Merges) -> None:
        self.conn = conn
        self.merges = merges

    def add(self, records: Sequence[PaperRecord], *, now: datetime) -> AddResult:
        """:meth:`ingest` in one transaction, told as new ids and ids already stored."""
        result = AddResult()
        for outcome, paper_id in self.ingest(records, now=now):
            (result.added if outcome == "added" else result.existing).append(paper_id)
        return result

    @contextmanager
    def bulk_import(self, *, defer_indexes: bool = False) -> Iterator[BulkLoad]:
        """A long run of :meth:`ingest` batches, grouped into larger transactions by the
        :class:`BulkLoad` it yields, with a larger page cache (:data:`IMPORT_CACHE_KIB`).

        ``defer_indexes``: drop :data:`DEFERRABLE_INDEXES` for the run and build them
        again at its end; worth it when the run adds many papers for its size.
        On leaving, the open transaction is committed, or rolled back on an exception.
        """
        conn = self.conn.db.conn
        before = conn.execute("PRAGMA cache_size").fetchone()[0]
        conn.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
        load = BulkLoad(self.conn)
        dropped: list[str] = []
        try:
            if defer_indexes:
                dropped = self._drop_deferrable_indexes()
            try:
                yield load
            except BaseException:
                load.rollback()
                if dropped:
                    try:
                        self.ensure_indexes()
                    except StoreError:
                        pass  # the first error is the one to report; opening rebuilds them
                raise
            load.commit()
            if dropped:
                self.ensure_indexes()
        finally:
            conn.execute(f"PRAGMA cache_size = {int(before)}")
            if not conn.in_transaction:
                try:
                    load.restore()
                except StoreError:
                    pass  # a setting for speed only; never hide the import's own error

    def _drop_deferrable_indexes(self) -> list[str]:
        present = index_names(self.conn.db.conn)
        dropped = [name for name in DEFERRABLE_INDEXES if name in present]
        with self.conn.write() as conn:
            for name in dropped:
                conn.execute(f"DROP INDEX {name}")
        return dropped

    def ensure_indexes(self) -> list[str]:
        """Build any of :data:`DEFERRABLE_INDEXES` that is missing; returns their names."""
        with self.conn.errors():
            return ensure_indexes(self.conn.db.conn)

    def ingest(
        self,
        records: Sequence[PaperRecord],
        *,
        now: datetime,
        incoming: Sequence[Incoming] | None = None,
        prepared: Sequence[tuple[str, str, int]] | None = None,
        within: BulkLoad | None = None,
        conflicts: list[Conflict] | None = None,
    ) -> list[tuple[Outcome, int]]:
        """Store a batch in one transaction, or as part of ``within``'s open one; returns
        (outcome, paper id) per record.

        Same paper: a shared arXiv id, a shared DOI, or a shared title key whose ids do
        not conflict. A record that matches a stored paper fills that paper's empty
        fields and adds its tags; the user's data is never overwritten. A record that
        matches two stored papers merges them when they are one work by the rule
        ``reader dedupe`` applies; otherwise it updates the one its strongest id found
        (DOI, then arXiv id, then title) and a :class:`Conflict` goes to ``conflicts``.

        ``prepared`` may hold each record's title key, authors JSON and title hash, computed
        elsewhere (:func:`reader.import_worker.prepare`) so that work is off this thread.
        ``within``: a bulk load whose transaction takes this batch (opened if need be).
        """
        added_at = to_iso(now)
        # 1. Fold duplicates inside the batch together.
        slots: list[PaperRecord] = []
        keys: list[str] = []
        hashes: list[int] = []
        authors_json: list[str | None] = []  # None: compute at insert
        extras: list[Incoming | None] = []
        slot_of: list[int] = []
        by_arxiv: dict[str, int] = {}
        by_doi: dict[str, int] = {}
        by_hash: dict[int, list[int]] = {}
        for n, raw in enumerate(records):
            record = _normalized(raw) if raw.doi else raw
            if prepared:
                key, known_authors, hashed = prepared[n]
            else:
                key, known_authors = title_key(record.title, record.authors), None
                hashed = key_hash(key)
            slot = by_arxiv.get(record.arxiv_id) if record.arxiv_id else None
            if slot is None and record.doi:
                slot = by_doi.get(record.doi)
            if slot is None and key:
                slot = next(
                    (
                        candidate
                        for candidate in by_hash.get(hashed, ())
                        if same_title(keys[candidate], key) and _same(slots[candidate], record)
                    ),
                    None,
                )
            if slot is None:
                slot = len(slots)
                slots.append(record)
                keys.append(key)
                hashes.append(hashed)
                authors_json.append(known_authors)
                extras.append(incoming[n] if incoming else None)
            else:
                folded = _fold_in(slots[slot], record)
                if folded.authors != slots[slot].authors:
                    authors_json[slot] = None
                    # Authors filled in: the slot's key gains a surname.
                    keys[slot] = title_key(folded.title, folded.authors)
                    hashes[slot] = key_hash(keys[slot])
                slots[slot] = record = folded
                key, hashed = keys[slot], hashes[slot]
            slot_of.append(slot)
            if record.arxiv_id:
                by_arxiv.setdefault(record.arxiv_id, slot)
            if record.doi:
                by_doi.setdefault(record.doi, slot)
            if key and slot not in by_hash.setdefault(hashed, []):
                by_hash[hashed].append(slot)

        with self._batch_transaction(within, len(records)) as conn:
            slot_conflicts: list[Conflict] = []
            matches = self._match_stored(slots, keys, hashes, slot_conflicts)
            self._match_restored(slots, extras, matches)
            outcomes: list[tuple[Outcome, int]] = []
            fresh = [i for i, found in enumerate(matches) if found is None]
            ids = self._new_ids(conn, [extras[i] for i in fresh])
            rows = []
            for i, paper_id in zip(fresh, ids, strict=True):
                record, extra = slots[i], extras[i]
                rows.append(
                    (
                        paper_id, record.title, record.abstract,
                        authors_json[i] or _authors_json(record.authors),
                        record.year, record.date, record.venue, record.arxiv_id, record.doi,
                        record.url, record.code_url, record.pdf_path, record.source,
                        extra.added_at if extra and extra.added_at else added_at,
                        keys[i], hashes[i],
                    )
                )  # fmt: skip
            if rows:  # indexed below with one statement, in this same transaction
                with _without_search_trigger(conn):
                    conn.executemany(_INSERT_SQL, rows)
                _index_search(conn, ids)
            slot_result: list[tuple[Outcome, int]] = [("added", 0)] * len(slots)
            for i, paper_id in zip(fresh, ids, strict=True):
                slot_result[i] = ("added", paper_id)
            changed = self._fill_stored(conn, slots, matches)
            for i, found in enumerate(matches):
                if found is not None:
                    slot_result[i] = ("updated" if found in changed else "present", found)
            tagged = self._attach_batch_tags(
                conn, [(slot_result[i][1], slots[i].tags) for i in range(len(slots))], set(ids)
            )
            for i, (outcome, paper_id) in enumerate(slot_result):
                if outcome == "present" and paper_id in tagged:
                    slot_result[i] = ("updated", paper_id)
        if conflicts is not None:
            for conflict in slot_conflicts:  # told of the first record of the slot
                conflicts.append(replace(conflict, record=slot_of.index(conflict.record)))
        seen: set[int] = set()
        for slot in slot_of:
            outcome, paper_id = slot_result[slot]
            outcomes.append((outcome, paper_id) if slot not in seen else ("duplicate", paper_id))
            seen.add(slot)
        return outcomes

    @contextmanager
    def _batch_transaction(self, within: BulkLoad | None, records: int) -> Iterator[Any]:
        if within is None:
            with self.conn.write() as conn:
                yield conn
            return
        within.begin()
        # No savepoint inside a bulk load's transaction: FTS5 writes out its pending index
        # data as a new segment at every savepoint, which undid most of what grouping
        # batches saves. A failure here rolls back the whole group (bulk_import).
        with self.conn.errors():
            yield self.conn.db.conn
        within.counted(records)

    def _match_stored(
        self,
        slots: list[PaperRecord],
        keys: list[str],
        hashes: list[int],
        conflicts: list[Conflict] | None = None,
    ) -> list[int | None]:
        """The stored paper each slot is, or None; merges stored papers a slot matches
        when they are one work, and adds to ``conflicts`` (indexed by slot) those that
        are not."""
        conn = self.conn.db.conn
        info: dict[int, tuple[str | None, str | None]] = {}

        stored_keys: dict[int, str] = {}
        unkeyed: set[int] = set()

        def lookup(column: str, values: list[Any]) -> dict[Any, list[int]]:
            """Papers by their ``column``, for those whose ``column`` is in ``values``."""
            found: dict[Any, list[int]] = {}
            if not values:
                return found
            for paper_id, value, arxiv_id, doi, stored_key in conn.execute(
                f"SELECT id, {column}, arxiv_id, doi, title_key FROM papers"
                f" WHERE {column} IN (SELECT value FROM json_each(?))",
                [json.dumps(values)],
            ):
                found.setdefault(value, []).append(paper_id)
                info[paper_id] = (arxiv_id, doi)
                stored_keys[paper_id] = stored_key or ""
                if stored_key is None:
                    unkeyed.add(paper_id)
            return found

        by_arxiv = lookup("arxiv_id", [s.arxiv_id for s in slots if s.arxiv_id])
        by_doi = lookup("doi", [s.doi for s in slots if s.doi])
        # Found through the small integer index, kept only where the keys agree.
        by_hash = lookup("title_hash", [h for h in hashes if h])
        if not (by_arxiv or by_doi or by_hash):
            return [None] * len(slots)  # all new, as in most of a first import
        merged_into: dict[int, int] = {}

        def live(paper_id: int) -> int:
            while paper_id in merged_into:
                paper_id = merged_into[paper_id]
            return paper_id

        def same_stored(a: int, b: int) -> bool:
            """The rule ``reader dedupe`` applies to two stored papers: their title keys
            agree and their ids do not conflict, or one's DOI is the other's arXiv id."""
            (a_arxiv, a_doi), (b_arxiv, b_doi) = info[a], info[b]
            if a_doi and b_arxiv and a_doi == f"10.48550/arxiv.{b_arxiv}":
                return True
            if b_doi and a_arxiv and b_doi == f"10.48550/arxiv.{a_arxiv}":
                return True
            return same_title(key_of(a), key_of(b)) and compatible(
                a_arxiv, a_doi, b_arxiv, b_doi
            )

        def key_of(paper_id: int) -> str:
            """Its title key, computed when an edit has cleared it (m007's trigger) and
            :meth:`Merges.refresh_title_keys` has not run since."""
            if paper_id not in unkeyed:
                return stored_keys[paper_id]
            title, authors = conn.execute(
                "SELECT title, authors FROM papers WHERE id = ?", [paper_id]
            ).fetchone()
            unkeyed.discard(paper_id)
            stored_keys[paper_id] = title_key(title, json.loads(authors or "[]"))
            return stored_keys[paper_id]

        result: list[int | None] = []
        for n, (slot, key, hashed) in enumerate(zip(slots, keys, hashes, strict=True)):
            # Strongest first: a DOI names one published work, an arXiv id one preprint
            # (which may be published under another DOI), a title key only probably one.
            found: dict[int, str] = {}
            if slot.doi and slot.doi in by_doi:
                found.setdefault(live(by_doi[slot.doi][0]), "DOI")
            if slot.arxiv_id and slot.arxiv_id in by_arxiv:
                found.setdefault(live(by_arxiv[slot.arxiv_id][0]), "arXiv id")
            if key and hashed in by_hash:
                for paper_id in by_hash[hashed]:
                    arxiv_id, doi = info[paper_id]
                    if same_title(stored_keys[paper_id], key) and compatible(
                        arxiv_id, doi, slot.arxiv_id, slot.doi
                    ):
                        found.setdefault(live(paper_id), "title")
                        break
            if not found:
                result.append(None)
                continue
            # A record that matches two stored papers merges them only when they are the
            # same work by themselves: else one wrong id in the record (a DOI pasted into
            # the wrong entry) would merge two papers and move one's notes and ratings to
            # the other. The strongest match is updated; the rest are named.
            strongest, *rest = found
            group = [strongest]
            apart: list[tuple[int, str]] = []
            for other in rest:
                if all(same_stored(member, other) for member in group):
                    group.append(other)
                else:
                    apart.append((other, found[other]))
            keep = min(group)
            for other in sorted(group):
                if other != keep:
                    self.merges.merge_into(keep, other)
                    merged_into[other] = keep
                    (a_arxiv, a_doi), (b_arxiv, b_doi) = info[keep], info[other]
                    info[keep] = (a_arxiv or b_arxiv, a_doi or b_doi)
            if apart and conflicts is not None:
                conflicts.append(Conflict(n, keep, found[strongest], tuple(apart)))
            result.append(keep)
        return result

    def _match_restored(
        self, slots: list[PaperRecord], extras: list[Incoming | None], matches: list[int | None]
    ) -> None:
        """A paper restored from our own export is also the stored paper with its old id
        and the same title: that finds papers with no ids and no authors (seed papers)."""
        for i, extra in enumerate(extras):
            if matches[i] is not None or extra is None or extra.paper_id is None:
                continue
            row = self.conn.db.conn.execute(
                "SELECT title FROM papers WHERE id = ?", [extra.paper_id]
            ).fetchone()
            if row and normalize_title(row[0]) == normalize_title(slots[i].title):
                matches[i] = extra.paper_id

    def _new_ids(self, conn: Any, extras: list[Incoming | None]) -> list[int]:
        """Ids for new papers: the wanted one when free, else the next after the largest."""
        wanted = [e.paper_id for e in extras if e is not None and e.paper_id is not None]
        taken: set[int] = set()
        if wanted:
            taken = {
                row[0]
                for row in conn.execute(
                    "SELECT id FROM papers WHERE id IN (SELECT value FROM json_each(?))",
                    [json.dumps(wanted)],
                )
            }
        top = conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0]
        top = max([top, *(w for w in wanted if w not in taken)])
        ids: list[int] = []
        for extra in extras:
            want = extra.paper_id if extra is not None else None
            if want is not None and want > 0 and want not in taken:
                ids.append(want)
                taken.add(want)
            else:
                top += 1
                ids.append(top)
        return ids

    def _fill_stored(
        self, conn: Any, slots: list[PaperRecord], matches: list[int | None]
    ) -> set[int]:
        """Fill stored papers' empty fields from their records; returns the changed ids."""
        wanted = sorted({m for m in matches if m is not None})
        if not wanted:
            return set()
        rows: dict[int, list[Any]] = {}
        for row in conn.execute(
            f"SELECT id, {', '.join(FILL_FIELDS)} FROM papers"
            " WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(wanted)],
        ):
            rows[row[0]] = list(row[1:])
        changed: set[int] = set()
        for slot, paper_id in zip(slots, matches, strict=True):
            if paper_id is None or paper_id not in rows:
                continue
            current = rows[paper_id]
            fills: dict[str, Any] = {}
            for i, name in enumerate(FILL_FIELDS):
                if current[i] not in (None, "", "[]"):
                    continue
                value = getattr(slot, name)
                if not value:
                    continue
                if name == "authors":
                    value = dumps(list(value))
                elif (
                    name in ("arxiv_id", "doi")
                    and conn.execute(f"SELECT 1 FROM papers WHERE {name} = ?", [value]).fetchone()
                ):
                    continue  # held by another paper whose other ids conflict
                fills[name] = value
                current[i] = value
            if not fills:
                continue
            sets = ", ".join(f"{name} = ?" for name in fills)
            conn.execute(f"UPDATE papers SET {sets} WHERE id = ?", [*fills.values(), paper_id])
            if "authors" in fills:
                self.merges.rekey(conn, paper_id)
            changed.add(paper_id)
        return changed

    def _attach_batch_tags(
        self, conn: Any, items: list[tuple[int, tuple[str, ...]]], fresh: set[int]
    ) -> set[int]:
        """Tag papers, creating tags as needed; returns the papers that got a new tag.
        ``fresh`` papers were inserted by this batch, so they have no tags yet."""
        if not any(tags for _, tags in items):
            return set()
        tag_ids = {
            tag_key(name): tag_id for tag_id, name in conn.execute("SELECT id, name FROM tags")
        }
        by_raw: dict[str, int | None] = {}  # a batch repeats the same few categories
        pairs: dict[tuple[int, int], None] = {}
        for paper_id, tags in items:
            for raw in tags:
                if raw in by_raw:
                    tag_id = by_raw[raw]
                else:
                    name = clean_tag(raw)
                    tag_id = None
                    if name:
                        folded = tag_key(name)
                        tag_id = tag_ids.get(folded)
                        if tag_id is None:
                            tag_id = conn.execute(
                                "INSERT INTO tags (name) VALUES (?)", [name]
                            ).lastrowid
                            tag_ids[folded] = tag_id
                    by_raw[raw] = tag_id
                if tag_id is not None:
                    pairs[(paper_id, tag_id)] = None
        papers = sorted({p for p, _ in pairs if p not in fresh})
        existing = {
            (row[0], row[1])
            for row in conn.execute(
                "SELECT paper_id, tag_id FROM paper_tags"
                " WHERE paper_id IN (SELECT value FROM json_each(?))",
                [json.dumps(papers)],
            )
        }
        new = [pair for pair in pairs if pair not in existing] if existing else list(pairs)
        conn.executemany("INSERT INTO paper_tags (paper_id, tag_id) VALUES (?, ?)", new)
        return {paper_id for paper_id, _ in new}
