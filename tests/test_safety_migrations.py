"""Every earlier schema version, filled with data, upgrades with everything intact; a
migration that fails rolls back and leaves the file byte for byte as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

import reader.migrations as reader_migrations
from reader.migrations import MIGRATION_SET, migrations
from reader.models import Status
from reader.store import StoreError, open_db

NAMES = [m.name for m in migrations._migrations]
T = "2026-01-0{}T00:00:00+00:00"


def _fill(db: Database) -> None:
    """What a user of that version had: rows in every table that version has."""
    tables = set(db.table_names())
    db.execute(
        "INSERT INTO papers (id, title, abstract, authors, year, arxiv_id, doi, source, added_at)"
        " VALUES (7, 'Old paper', 'About grokking', '[\"Ada Lovelace\"]', 2019, '1901.00001',"
        " '10.1/old', 'v1', ?)",
        [T.format(1)],
    )
    db.execute("INSERT INTO papers (id, title, added_at) VALUES (8, 'Second', ?)", [T.format(1)])
    db.execute(
        "INSERT INTO status_events (paper_id, status, at) VALUES (7, 'read', ?)", [T.format(2)]
    )
    db.execute("INSERT INTO rating_events (paper_id, stars, at) VALUES (7, 4, ?)", [T.format(3)])
    db.execute(
        "INSERT INTO notes (paper_id, text, created_at, updated_at) VALUES (7, 'my note', ?, ?)",
        [T.format(4), T.format(4)],
    )
    db.execute("INSERT INTO tags (id, name) VALUES (1, 'Theory')")
    db.execute("INSERT INTO paper_tags (paper_id, tag_id) VALUES (7, 1)")
    if "review_cards" in tables:
        db.execute(
            "INSERT INTO review_cards (paper_id, due, card) VALUES (7, ?, '{\"s\": 1}')",
            [T.format(9)],
        )
        db.execute(
            "INSERT INTO review_log (paper_id, reviewed_at, grade) VALUES (7, ?, 3)", [T.format(5)]
        )
    if "feedback_events" in tables:
        db.execute(
            "INSERT INTO feedback_events (paper_id, kind, at) VALUES (8, 'not_for_me', ?)",
            [T.format(6)],
        )
        db.execute("INSERT INTO settings (key, value) VALUES ('review.daily_limit', '5')")
        db.execute("INSERT INTO interests (term, added_at) VALUES ('grokking', ?)", [T.format(6)])
    db.conn.commit()


def _make(path: Path, stop_before: str | None) -> None:
    db = Database(path)
    db.execute("PRAGMA journal_mode = WAL")  # as reader's connect() leaves every file
    migrations.apply(db, stop_before=stop_before)
    _fill(db)
    db.close()


@pytest.mark.parametrize(
    "stop_before", [*NAMES[1:], None], ids=[*(f"before-{n}" for n in NAMES[1:]), "latest"]
)
def test_every_version_upgrades_with_nothing_lost(db_path: Path, stop_before: str | None) -> None:
    _make(db_path, stop_before)
    store = open_db(db_path)
    assert [m.name for m in migrations.applied(store.db)] == NAMES
    paper = store.papers.get_paper(7)
    assert (paper.title, paper.authors, paper.year, paper.arxiv_id, paper.doi) == (
        "Old paper", ("Ada Lovelace",), 2019, "1901.00001", "10.1/old"
    )  # fmt: skip
    assert paper.status is Status.READ and paper.stars == 4 and paper.tags == ("Theory",)
    assert [n.text for n in store.reading.notes(7)] == ["my note"]
    assert [p.id for p in store.papers.search("grokking")] == [7]
    assert [p.id for p in store.papers.search("my note")] == [7]
    if stop_before is None or NAMES.index(stop_before) > NAMES.index("m002_review"):
        card = store.reviews.card(7)
        assert card is not None and card.card == {"s": 1}
    if stop_before is None or NAMES.index(stop_before) > NAMES.index("m003_recommender"):
        assert store.settings.get("review.daily_limit") == 5
        assert store.suggestions.interests() == ["grokking"]
    assert store.health.integrity_check() == ["ok"]
    assert store.health.foreign_key_check() == []
    assert store.health.search_index_problems() == []
    store.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _with_broken_last(body: str) -> Migrations:
    """Reader's real migrations, then one that does some work and then fails."""
    broken = Migrations(MIGRATION_SET)
    for m in migrations._migrations:
        broken(name=m.name)(m.fn)

    @broken()
    def m999_broken(db: Database) -> None:
        db.executescript(body)

    return broken


@pytest.mark.parametrize(
    "body",
    [
        "ALTER TABLE papers ADD COLUMN extra TEXT; UPDATE papers SET title = 'gone';"
        " CREATE TABLE more (x); INSERT INTO no_such_table VALUES (1);",
        "DELETE FROM notes; DROP TRIGGER notes_search_insert; CREATE INDEX broken ON nothing(x);",
    ],
    ids=["alter-update-then-fail", "delete-drop-then-fail"],
)
def test_a_failed_migration_leaves_the_file_as_it_was(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    _make(db_path, None)
    before = _digest(db_path)
    # connect() imports the list when it runs (the app starts without it), so patch it
    # where it is defined.
    monkeypatch.setattr(reader_migrations, "migrations", _with_broken_last(body))
    with pytest.raises(StoreError) as caught:
        open_db(db_path)
    assert str(db_path) in str(caught.value) and "\n" not in str(caught.value)
    assert _digest(db_path) == before
    assert not Path(f"{db_path}-wal").exists() or Path(f"{db_path}-wal").stat().st_size == 0
    monkeypatch.undo()
    store = open_db(db_path)  # and the old version still opens it, all there
    assert store.papers.get_paper(7).title == "Old paper"
    assert [n.text for n in store.reading.notes(7)] == ["my note"]
    assert "extra" not in store.db["papers"].columns_dict
    store.close()
