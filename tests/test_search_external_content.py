"""The full-text index reads its text from the papers and notes (m006, an FTS5
external-content table): every way the app changes papers and notes leaves it exactly as
a rebuild from scratch would, and databases made before m006 upgrade with the same search
results in less space."""

from __future__ import annotations

import itertools
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from search_index_helpers import index_contents, rebuilt_contents
from sqlite_utils import Database

from reader.migrations import migrations
from reader.models import PaperQuery, PaperRecord
from reader.service import Service
from reader.store import Repositories, StoreError, open_db

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
# Few words, so papers share them, with accents the tokenizer folds.
WORDS = ["grokking", "café", "naïve", "bayes", "attention", "graph", "Zürich", "lasso"]


def assert_index_in_step(store: Repositories) -> None:
    conn = store.db.conn
    assert index_contents(conn) == rebuilt_contents(conn)
    assert store.health.search_index_problems() == []
    for paper_id, title in conn.execute("SELECT id, title FROM papers"):
        word = title.split()[0]
        hits = conn.execute(
            "SELECT rowid FROM search WHERE search MATCH ?", [f'title:"{word}"']
        ).fetchall()
        assert (paper_id,) in hits, (paper_id, title)


# One step: (kind, a, b, words). a and b pick papers or notes by position, so every drawn
# sequence is valid whatever the earlier steps removed.
text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
step = st.tuples(
    st.sampled_from(
        [
            "add_paper",
            "add_papers",
            "edit_title",
            "edit_abstract",
            "edit_authors",
            "delete_paper",
            "add_note",
            "edit_note",
            "delete_note",
            "move_note",
            "merge",
        ]
    ),
    st.integers(0, 50),
    st.integers(0, 50),
    text,
)
_files = itertools.count()


def _pick(conn: sqlite3.Connection, table: str, index: int) -> int | None:
    ids = [row[0] for row in conn.execute(f"SELECT id FROM {table} ORDER BY id")]
    return ids[index % len(ids)] if ids else None


def _apply(store: Repositories, kind: str, a: int, b: int, words: str) -> None:
    conn = store.db.conn
    paper, other = _pick(conn, "papers", a), _pick(conn, "papers", b)
    note = _pick(conn, "notes", a)
    if kind == "add_paper":
        store.ingest.add([PaperRecord(title=words, abstract=words * 2)], now=NOW)
    elif kind == "add_papers":
        # The importer's batch path: the insert trigger is skipped, the batch indexed.
        records = [PaperRecord(title=f"{words} {n}", authors=("Ada Lovelace",)) for n in range(3)]
        store.ingest.ingest(records, now=NOW)
    elif paper is None:
        return
    elif kind.startswith("edit_"):
        column = kind.removeprefix("edit_")
        if column == "note":
            if note is not None:
                store.reading.update_note(note, words, now=NOW)
            return
        value = json.dumps(words.split()) if column == "authors" else words
        with store.conn.transaction() as db:
            db.execute(f"UPDATE papers SET {column} = ? WHERE id = ?", [value, paper])
    elif kind == "delete_paper":
        with store.conn.transaction() as db:
            db.execute("DELETE FROM papers WHERE id = ?", [paper])
    elif kind == "add_note":
        store.reading.add_note(paper, words, now=NOW)
    elif kind == "delete_note" and note is not None:
        store.reading.delete_note(note)
    elif kind == "move_note" and note is not None:
        with store.conn.transaction() as db:
            db.execute("UPDATE notes SET paper_id = ? WHERE id = ?", [paper, note])
    elif kind == "merge" and other is not None and other != paper:
        try:
            store.merges.merge_papers(paper, other)
        except StoreError:
            pass  # papers with different ids are not merged; nothing changed


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, max_size=25))
def test_any_sequence_of_changes_keeps_the_index_as_a_rebuild_would(
    tmp_path: Path, steps: list[tuple[int, int, int, str]]
) -> None:
    store = open_db(tmp_path / f"seq{next(_files)}.db")
    try:
        store.ingest.add(
            [PaperRecord(title=f"{w} paper", abstract=f"about {w}") for w in WORDS[:4]], now=NOW
        )
        store.reading.add_note(1, "grokking again", now=NOW)
        for kind, a, b, words in steps:
            _apply(store, kind, a, b, words)
        assert_index_in_step(store)
    finally:
        store.close()


def test_moving_several_notes_at_once_and_deleting_a_paper(empty_service: Service) -> None:
    """merge.py's ``UPDATE notes SET paper_id = keep WHERE paper_id = drop`` moves many
    notes in one statement; a deleted paper's notes go with it (ON DELETE CASCADE)."""
    store = empty_service.store
    ids = store.ingest.add(
        [PaperRecord(title=f"{w} study") for w in ("lasso", "graph", "bayes")], now=NOW
    ).added
    for n, paper in enumerate(ids * 2):
        store.reading.add_note(paper, f"note {n} {WORDS[n]}", now=NOW)
    with store.conn.transaction() as db:
        db.execute("UPDATE notes SET paper_id = ? WHERE paper_id = ?", [ids[0], ids[1]])
    assert_index_in_step(store)
    # Notes 1 and 4 were on ids[1].
    assert [p.id for p in empty_service.search("cafe attention")] == [ids[0]]
    with store.conn.transaction() as db:
        db.execute("DELETE FROM papers WHERE id = ?", [ids[0]])
    assert_index_in_step(store)
    assert empty_service.search("cafe") == [] and empty_service.search("lasso") == []


def test_dedupe_merges_keep_the_index_in_step(empty_service: Service) -> None:
    store = empty_service.store
    ids = store.ingest.add(
        [
            PaperRecord(title="Grokking in the wild", authors=("Ada Lovelace",)),
            PaperRecord(title="Graph lasso", authors=("Grace Hopper",)),
        ],
        now=NOW,
    ).added
    with store.conn.transaction() as db:  # a copy the importer did not catch, with more text
        db.execute(
            "INSERT INTO papers (title, abstract, authors, added_at) "
            "VALUES ('Grokking in the wild', 'an abstract about café', ?, ?)",
            ['["Ada Lovelace"]', NOW.isoformat()],
        )
    dup = int(store.db.execute("SELECT max(id) FROM papers").fetchone()[0])
    store.reading.add_note(dup, "note on the copy about Zürich", now=NOW)
    store.reading.add_note(ids[0], "note on the original", now=NOW)
    store.merges.refresh_title_keys()
    done = empty_service.dedupe(apply=True)
    assert [(g.keep, g.drop, g.merged) for g in done] == [(ids[0], (dup,), True)]
    assert_index_in_step(store)
    assert [p.id for p in empty_service.search("zurich cafe original")] == [ids[0]]


# Migration from m005 --------------------------------------------------------------------

QUERIES = ["grokking", "cafe", "zurich", "attention graph", "lovelace", "remember", "theory"]


def _old_search(conn: sqlite3.Connection, query: str) -> list[int]:
    """Ids in the order ``reader search`` ranks them (BM25, title weighted highest)."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT rowid FROM search WHERE search MATCH ?"
            " ORDER BY bm25(search, 10.0, 2.0, 4.0, 3.0), rowid",
            [query],
        )
    ]


def _make_m005_database(path: Path) -> None:
    db = Database(path)
    migrations.apply(db, stop_before="m006_search_external_content")
    assert [m.name for m in migrations.applied(db)][-1] == "m005_bulk_search_insert"
    for n in range(300):
        words = [WORDS[(n * k) % len(WORDS)] for k in range(1, 6)]
        db.execute(
            "INSERT INTO papers (title, abstract, authors, added_at) VALUES (?, ?, ?, ?)",
            [
                f"Paper {n}: {' '.join(words[:3])}",
                " ".join(words * 20) + f" number{n}",
                json.dumps(["Ada Lovelace", f"Author {n}"]),
                NOW.isoformat(),
            ],
        )
    for n in range(1, 300, 7):
        db.execute(
            "INSERT INTO notes (paper_id, text, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [n, f"remember {WORDS[n % len(WORDS)]}", NOW.isoformat(), NOW.isoformat()],
        )
    db.execute("INSERT INTO tags (id, name) VALUES (1, 'theory')")
    db.execute("INSERT INTO paper_tags (paper_id, tag_id) VALUES (3, 1), (5, 1)")
    db.conn.commit()
    db.close()


def _vacuumed_size(path: Path, tmp_path: Path, name: str) -> int:
    target = tmp_path / f"{name}.db"
    conn = sqlite3.connect(path)
    conn.execute("VACUUM INTO ?", [str(target)])
    conn.close()
    return target.stat().st_size


def test_m005_database_upgrades_with_the_same_results_in_less_space(
    db_path: Path, tmp_path: Path
) -> None:
    _make_m005_database(db_path)
    conn = sqlite3.connect(db_path)
    before = {q: _old_search(conn, q) for q in QUERIES[:-1]}
    conn.close()
    size_before = _vacuumed_size(db_path, tmp_path, "before")
    assert all(before.values())

    store = open_db(db_path)
    try:
        conn = store.db.conn
        assert {q: _old_search(conn, q) for q in QUERIES[:-1]} == before
        assert [p.id for p in store.papers.search("remember")] == before["remember"]
        assert sorted(p.id for p in store.papers.list_papers(PaperQuery(tag="theory"))) == [3, 5]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert "search_content" not in tables and "search_source" in tables
        assert index_contents(conn) == rebuilt_contents(conn)
        assert store.health.search_index_problems() == []
    finally:
        store.close()
    assert _vacuumed_size(db_path, tmp_path, "after") < 0.8 * size_before


def test_a_write_by_another_program_keeps_the_index_in_step(db_path: Path) -> None:
    """The triggers do the work, so any program writing to the file keeps the index right."""
    _make_m005_database(db_path)
    open_db(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("UPDATE papers SET title = title || ' again', authors = '[]' WHERE id < 50")
    conn.execute("DELETE FROM papers WHERE id % 5 = 0")
    conn.execute("UPDATE notes SET paper_id = 2 WHERE paper_id = 8")
    conn.commit()
    conn.close()
    store = open_db(db_path)
    try:
        assert_index_in_step(store)
    finally:
        store.close()
