"""Duplicate lookups go through an integer hash of the title key (m007): same answers as
the key itself, collisions ruled out by comparing the keys, and databases made before
m007 get their hashes on upgrade."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from reader.match import key_hash, title_hash, title_key
from reader.migrations import migrations
from reader.models import PaperRecord
from reader.service import Service
from reader.store import open_db

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
GROKKING = PaperRecord(title="Grokking: Generalization Beyond Overfitting", authors=("A. Power",))


def test_title_hash_is_stable_and_zero_only_for_no_key() -> None:
    # Stored hashes depend on this value: the function must never change.
    assert title_hash("attention is all you need|vaswani") == title_hash(
        title_key("Attention Is All You Need!", ["Ashish Vaswani"])
    )
    assert title_hash("attention is all you need|vaswani") == 2_494_881_078_805_182_648
    assert title_hash("") == 0
    keys = [f"paper {n}|author" for n in range(10_000)]
    hashes = {title_hash(k) for k in keys}
    assert len(hashes) == len(keys) and 0 not in hashes


def _hashes(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute("SELECT id, title_key, title_hash FROM papers ORDER BY id").fetchall()


def test_imports_store_the_hash_of_the_key(empty_service: Service) -> None:
    empty_service.store.ingest.ingest([GROKKING], now=NOW)
    rows = _hashes(empty_service.store.db.conn)
    # A long title: the hash covers the title alone, so a record without authors finds it.
    assert [(key, h) for _, key, h in rows] == [
        ("grokking generalization beyond overfitting|power",
         title_hash("grokking generalization beyond overfitting")),
    ]  # fmt: skip
    assert rows[0][2] == key_hash(rows[0][1])


def test_an_edit_resets_the_hash_and_the_next_import_recomputes_it(
    empty_service: Service,
) -> None:
    [(_, paper_id)] = empty_service.store.ingest.ingest([GROKKING], now=NOW)
    with empty_service.store.conn.write() as conn:  # an edit, as another program could make
        conn.execute("UPDATE papers SET title = ? WHERE id = ?", ["Grokking, revisited", paper_id])
    assert _hashes(empty_service.store.db.conn)[0][1:] == (None, None)
    empty_service.store.merges.refresh_title_keys()
    key = "grokking revisited|power"
    assert _hashes(empty_service.store.db.conn)[0][1:] == (key, title_hash(key))
    # ... and the edited paper is found by its new title.
    again = PaperRecord(title="Grokking — revisited", authors=("Alethea Power",))
    assert empty_service.store.ingest.ingest([again], now=NOW) == [("present", paper_id)]


def test_a_hash_collision_is_not_a_match(empty_service: Service) -> None:
    [(_, stored)] = empty_service.store.ingest.ingest([GROKKING], now=NOW)
    other = PaperRecord(title="Deep residual learning", authors=("K. He",))
    # Pretend the stored paper's key hashes like the other's (a collision).
    conn = empty_service.store.db.conn
    conn.execute(
        "UPDATE papers SET title_hash = ? WHERE id = ?",
        [title_hash(title_key(other.title, other.authors)), stored],
    )
    conn.commit()
    [(outcome, paper_id)] = empty_service.store.ingest.ingest([other], now=NOW)
    assert outcome == "added" and paper_id != stored


def _make_m006_database(path: Path) -> None:
    db = Database(path)
    migrations.apply(db, stop_before="m007_title_hash")
    assert [m.name for m in migrations.applied(db)][-1] == "m006_search_external_content"
    for n, (title, author) in enumerate(
        [("Grokking", "A. Power"), ("Grokking", "B. Other"), ("No authors", None)]
    ):
        db.execute(
            "INSERT INTO papers (id, title, authors, added_at, title_key)"
            " VALUES (?, ?, ?, ?, ?)",
            [n + 1, title, json.dumps([author] if author else []), NOW.isoformat(),
             title_key(title, [author] if author else [])],
        )  # fmt: skip
    db.execute(  # never computed: stays NULL until the next refresh
        "INSERT INTO papers (id, title, authors, added_at) VALUES (4, 'Later', '[]', ?)",
        [NOW.isoformat()],
    )
    db.conn.commit()
    db.close()


def test_m006_database_upgrades_with_hashes_and_the_small_index(db_path: Path) -> None:
    _make_m006_database(db_path)
    store = open_db(db_path)
    try:
        conn = store.db.conn
        assert _hashes(conn) == [
            (1, "grokking|power", title_hash("grokking|power")),
            (2, "grokking|other", title_hash("grokking|other")),
            (3, "", 0),
            (4, "", 0),  # m009 recomputes every key
        ]
        indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert "papers_title_hash" in indexes and "papers_title_key" not in indexes
        plan = " ".join(
            str(row)
            for row in conn.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM papers WHERE title_hash IN (1, 2)"
            )
        )
        assert "papers_title_hash" in plan
        # Duplicates are still found through the key.
        again = PaperRecord(title="Grokking!", authors=("Alethea Power",))
        assert store.ingest.ingest([again], now=NOW) == [("present", 1)]
    finally:
        store.close()
