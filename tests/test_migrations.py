"""Schema versions: a database made at the first version, with data, upgrades intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from reader.migrations import MIGRATION_SET, migrations
from reader.models import Status
from reader.store import open_db


def make_v1_database(path: Path) -> None:
    """What reader's first schema version wrote, filled the way that version filled it."""
    db = Database(path)
    migrations.apply(db, stop_before="m002_review")
    assert [m.name for m in migrations.applied(db)] == ["m001_initial"]
    db.execute(
        "INSERT INTO papers (id, title, abstract, authors, year, arxiv_id, doi, source, added_at) "
        "VALUES (7, 'Old paper', 'An abstract about grokking', '[\"Ada Lovelace\"]', 2019, "
        "'1901.00001', '10.1/old', 'v1', '2026-01-01T00:00:00+00:00')"
    )
    db.execute(
        "INSERT INTO status_events (paper_id, status, at) "
        "VALUES (7, 'read', '2026-01-02T00:00:00+00:00')"
    )
    db.execute(
        "INSERT INTO rating_events (paper_id, stars, at) VALUES (7, 4, '2026-01-03T00:00:00+00:00')"
    )
    db.execute(
        "INSERT INTO notes (paper_id, text, created_at, updated_at) "
        "VALUES (7, 'my old note', '2026-01-04T00:00:00+00:00', '2026-01-04T00:00:00+00:00')"
    )
    db.execute("INSERT INTO tags (id, name) VALUES (1, 'Theory')")
    db.execute("INSERT INTO paper_tags (paper_id, tag_id) VALUES (7, 1)")
    db.close()


def test_blank_database_gets_every_migration(db_path: Path) -> None:
    store = open_db(db_path)
    applied = [m.name for m in migrations.applied(store.db)]
    assert applied == [m.name for m in migrations._migrations]
    assert store.db["review_cards"].columns_dict == {
        "paper_id": int,
        "enabled": int,
        "due": str,
        "card": str,
    }
    store.close()


def test_v1_database_upgrades_with_nothing_lost(db_path: Path) -> None:
    make_v1_database(db_path)
    store = open_db(db_path)
    paper = store.papers.get_paper(7)
    assert (paper.title, paper.authors, paper.year, paper.arxiv_id, paper.doi) == (
        "Old paper",
        ("Ada Lovelace",),
        2019,
        "1901.00001",
        "10.1/old",
    )
    assert paper.status is Status.READ and paper.stars == 4 and paper.tags == ("Theory",)
    assert [n.text for n in store.reading.notes(7)] == ["my old note"]
    assert [p.id for p in store.papers.search("grokking")] == [7]
    assert [p.id for p in store.papers.search("old note")] == [7]
    assert "review_cards" in store.db.table_names()
    store.close()
    # Opening again applies nothing new and changes nothing.
    again = open_db(db_path)
    assert len(migrations.applied(again.db)) == len(migrations._migrations)
    again.close()


def test_migrations_are_recorded_under_the_reader_set(db_path: Path) -> None:
    open_db(db_path).close()
    conn = sqlite3.connect(db_path)
    sets = {row[0] for row in conn.execute("SELECT migration_set FROM _sqlite_migrations")}
    conn.close()
    assert sets == {MIGRATION_SET}


def test_an_upgrade_keeps_a_copy_of_the_old_file(db_path: Path) -> None:
    make_v1_database(db_path)
    open_db(db_path).close()
    copies = list((db_path.parent / "backups").glob("reader-before-upgrade-*.db"))
    assert len(copies) == 1
    old = Database(copies[0])
    assert [m.name for m in migrations.applied(old)] == ["m001_initial"]
    assert old.execute("SELECT title FROM papers").fetchall() == [("Old paper",)]
    old.close()
    open_db(db_path).close()  # nothing pending: no second copy
    assert len(list((db_path.parent / "backups").glob("*.db"))) == 1


def test_a_new_database_gets_no_upgrade_copy(db_path: Path) -> None:
    open_db(db_path).close()
    assert not (db_path.parent / "backups").exists()


def test_authors_stored_with_split_initials_are_rewritten_as_the_parsers_write_them(
    db_path: Path,
) -> None:
    """Before ``person_name``, "C.-P. Yuan" was stored as "C. -P. Yuan"; an upgrade
    rewrites those names, and only those papers, and the search index and title keys
    stay right."""
    from reader.match import title_key
    from reader.service import open_service

    db = Database(db_path)
    migrations.apply(db, stop_before="m012_hyphenated_initials")
    rows = [
        (1, "Split initials", '["C. -P. Yuan", "Ada  Lovelace"]'),
        (2, "Already right", '["Jean-Luc Picard", "C.-P. Yuan"]'),
        (3, "Written escaped", '["Zo\\u00eb  Smith", "A. - B. Jones"]'),
        (4, "Escaped and right", '["Zo\\u00eb Smith"]'),
        (5, "No authors", "[]"),
    ]
    for paper_id, title, authors in rows:
        db.execute(
            "INSERT INTO papers (id, title, abstract, authors, source, added_at) "
            "VALUES (?, ?, 'An abstract', ?, 'old', '2026-01-01T00:00:00+00:00')",
            [paper_id, title, authors],
        )
    db.close()

    service = open_service(db_path, seed=False)  # the normal way a database is opened
    try:
        assert service.paper(1).authors == ("C.-P. Yuan", "Ada Lovelace")
        assert service.paper(3).authors == ("Zoë Smith", "A.-B. Jones")
        stored = dict(service.store.db.execute("SELECT id, authors FROM papers").fetchall())
        # Papers already right keep their text exactly, escapes included.
        assert stored[2] == rows[1][2] and stored[4] == rows[3][2] and stored[5] == "[]"
        keys = dict(service.store.db.execute("SELECT id, title_key FROM papers").fetchall())
        assert keys[1] == title_key("Split initials", ["C.-P. Yuan", "Ada Lovelace"])
        assert keys[3] == title_key("Written escaped", ["Zoë Smith", "A.-B. Jones"])
        # The external-content index matches the papers' text after the rewrite.
        service.store.db.execute("INSERT INTO search(search, rank) VALUES ('integrity-check', 1)")
        assert [p.id for p in service.search("Lovelace")] == [1]
        assert {p.id for p in service.search("Yuan")} == {1, 2}
    finally:
        service.close()
