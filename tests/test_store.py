"""The store against real SQLite files: every table round-trips, history is kept, search
takes any input, and a failing batch leaves nothing behind."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from reader.migrations import migrations
from reader.models import PaperQuery, PaperRecord, Status
from reader.store import NotFound, Repositories, StoreError, fts_query, open_db

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def store(db_path: Path):
    s = open_db(db_path)
    yield s
    s.close()


def add(store: Repositories, **fields) -> int:
    fields.setdefault("title", "A paper")
    return store.ingest.add([PaperRecord(**fields)], now=T0).added[0]


def test_new_database_has_the_schema_and_pragmas(store: Repositories) -> None:
    db = store.db
    assert {
        "papers",
        "status_events",
        "rating_events",
        "notes",
        "tags",
        "paper_tags",
        "search",
        "review_cards",
        "review_log",
        "feedback_events",
        "suggestions",
        "settings",
    } <= set(db.table_names())
    assert db["papers"].columns_dict == {
        "id": int,
        "title": str,
        "abstract": str,
        "authors": str,
        "year": int,
        "date": str,
        "venue": str,
        "arxiv_id": str,
        "doi": str,
        "url": str,
        "code_url": str,
        "pdf_path": str,
        "source": str,
        "added_at": str,
        "title_key": str,  # m004: duplicate detection
        "title_hash": int,  # m007: its indexed hash
    }
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA page_size").fetchone()[0] == 16384
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_paper_round_trip_keeps_every_field(store: Repositories) -> None:
    record = PaperRecord(
        title="Attention [bold]Is[/bold] All You Need",
        abstract="We propose the Transformer.\nSecond line.",
        authors=("Ashish Vaswani", "Noam Shazeer", "Niki Parmar"),
        year=2017,
        date="2017-06-12",
        venue="NeurIPS",
        arxiv_id="1706.03762",
        doi="10.5555/3295222.3295349",
        url="https://arxiv.org/abs/1706.03762",
        code_url="https://github.com/tensorflow/tensor2tensor",
        pdf_path="/papers/attention.pdf",
        source="test",
        tags=("Transformers", "nlp"),
    )
    paper_id = store.ingest.add([record], now=T0).added[0]
    paper = store.papers.get_paper(paper_id)
    for name in (
        "title",
        "abstract",
        "authors",
        "year",
        "date",
        "venue",
        "arxiv_id",
        "doi",
        "url",
        "code_url",
        "pdf_path",
        "source",
    ):
        assert getattr(paper, name) == getattr(record, name), name
    assert paper.tags == ("nlp", "Transformers")
    assert paper.added_at == T0
    assert paper.status is Status.UNREAD and paper.stars is None


def test_same_arxiv_id_or_doi_is_not_inserted_twice(store: Repositories) -> None:
    first = add(store, title="One", arxiv_id="2401.00001", doi="10.1/abc")
    result = store.ingest.add(
        [
            PaperRecord(title="One again", arxiv_id="2401.00001"),
            PaperRecord(title="Published", doi="10.1/abc"),
            PaperRecord(title="Other", arxiv_id="2401.00002"),
        ],
        now=T0,
    )
    assert result.existing == [first, first]
    assert len(result.added) == 1
    assert store.papers.paper_count() == 2


def test_status_history_is_kept_and_latest_wins(store: Repositories) -> None:
    pid = add(store)
    store.reading.set_status(pid, Status.QUEUED, now=at(1))
    store.reading.set_status(pid, Status.READING, now=at(2))
    store.reading.set_status(pid, Status.READ, now=at(3))
    assert store.papers.get_paper(pid).status is Status.READ
    assert [(e.status, e.at) for e in store.reading.status_history(pid)] == [
        (Status.QUEUED, at(1)),
        (Status.READING, at(2)),
        (Status.READ, at(3)),
    ]
    assert store.reading.current_statuses() == {pid: Status.READ}


def test_rating_history_rerate_and_clear(store: Repositories) -> None:
    pid = add(store)
    store.reading.rate(pid, 3, now=at(1))
    store.reading.rate(pid, 5, now=at(2))
    assert store.papers.get_paper(pid).stars == 5
    assert store.reading.current_ratings() == {pid: 5}
    store.reading.rate(pid, None, now=at(3))
    assert store.papers.get_paper(pid).stars is None
    assert store.reading.current_ratings() == {}
    assert [(e.stars, e.at) for e in store.reading.rating_history(pid)] == [
        (3, at(1)),
        (5, at(2)),
        (None, at(3)),
    ]


@pytest.mark.parametrize(
    "stars", [0, 6, -1, 2.5, "4"], ids=["zero", "six", "negative", "float", "str"]
)
def test_bad_stars_are_refused_and_nothing_written(store: Repositories, stars) -> None:
    pid = add(store)
    with pytest.raises(StoreError):
        store.reading.rate(pid, stars, now=at(1))
    assert store.reading.rating_history(pid) == []


def test_notes_round_trip_update_and_delete(store: Repositories) -> None:
    pid = add(store)
    text = "# Key idea\n\n- **bold** claim\n- `code` and [link](http://x)\n\x1b[31m raw escape"
    note = store.reading.add_note(pid, text, now=at(1))
    second = store.reading.add_note(pid, "second", now=at(2))
    assert [n.text for n in store.reading.notes(pid)] == [text, "second"]
    updated = store.reading.update_note(note.id, "changed", now=at(5))
    assert updated.created_at == at(1) and updated.updated_at == at(5)
    store.reading.delete_note(second.id)
    assert [n.text for n in store.reading.notes(pid)] == ["changed"]
    with pytest.raises(NotFound):
        store.reading.update_note(second.id, "gone", now=at(6))


def test_tags_are_case_insensitive_and_renamable(store: Repositories) -> None:
    a, b = add(store, title="A"), add(store, title="B")
    store.tags.tag(a, ["ML", "  causal   inference "])
    store.tags.tag(b, ["ml"])
    assert store.papers.get_paper(b).tags == ("ML",)  # the existing spelling is kept
    assert [p.id for p in store.papers.list_papers(PaperQuery(tag="mL"))] == [a, b]
    store.tags.rename_tag("ml", "machine-learning")
    assert store.tags.all_tags() == [("causal inference", 1), ("machine-learning", 2)]
    # Renaming onto an existing tag merges them.
    store.tags.rename_tag("causal inference", "Machine-Learning")
    assert store.tags.all_tags() == [("machine-learning", 2)]
    store.tags.untag(a, ["MACHINE-LEARNING"])
    assert store.papers.get_paper(a).tags == ()


def test_tags_are_case_insensitive_outside_ascii_too(store: Repositories) -> None:
    """SQLite's NOCASE folds ASCII only: "Ünicode" and "ünicode" were two tags, and a
    filter by one missed the other's papers."""
    a, b, c = add(store, title="A"), add(store, title="B"), add(store, title="C")
    store.tags.tag(a, ["Ünicode"])
    store.tags.tag(b, ["ünicode"])
    assert store.papers.get_paper(b).tags == ("Ünicode",)  # the existing spelling is kept
    store.ingest.ingest([PaperRecord(title="D", tags=("ÜNICODE",))], now=at(1))
    assert store.tags.all_tags() == [("Ünicode", 3)]
    assert len(store.papers.list_papers(PaperQuery(tag="üNICODE"))) == 3
    store.tags.untag(a, ["ÜNICODE"])
    assert store.papers.get_paper(a).tags == ()
    store.tags.rename_tag("ünicode", "Ωmega")
    store.tags.tag(c, ["ωMEGA"])
    assert store.tags.all_tags() == [("Ωmega", 3)]


def test_list_filters_and_sorting(store: Repositories) -> None:
    ids = [add(store, title=t, year=y) for t, y in [("b", 2020), ("a", 2018), ("c", 2022)]]
    store.reading.rate(ids[0], 4, now=at(1))
    store.reading.rate(ids[2], 2, now=at(1))
    store.reading.set_status(ids[2], Status.READ, now=at(1))
    assert [p.title for p in store.papers.list_papers(PaperQuery(sort="title"))] == ["a", "b", "c"]
    assert [p.title for p in store.papers.list_papers(PaperQuery(sort="year", order="desc"))] == [
        "c",
        "b",
        "a",
    ]
    assert [p.id for p in store.papers.list_papers(PaperQuery(stars=3))] == [ids[0]]
    assert [p.id for p in store.papers.list_papers(PaperQuery(status=Status.READ))] == [ids[2]]
    assert [p.id for p in store.papers.list_papers(PaperQuery(status=Status.UNREAD))] == ids[:2]
    assert store.papers.count_papers(PaperQuery(status=Status.UNREAD)) == 2
    assert [
        p.title for p in store.papers.list_papers(PaperQuery(sort="title", limit=1, offset=1))
    ] == ["b"]


def test_search_ranks_title_matches_first_and_covers_notes(store: Repositories) -> None:
    in_abstract = add(store, title="Something else", abstract="about grokking in passing")
    in_title = add(store, title="Grokking explained", abstract="")
    by_author = add(store, title="Third", authors=("Ada Lovelace",))
    noted = add(store, title="Fourth")
    store.reading.add_note(noted, "reminds me of zebrafish", now=at(1))
    assert [p.id for p in store.papers.search("grokking")] == [in_title, in_abstract]
    assert [p.id for p in store.papers.search("lovelace")] == [by_author]
    assert [p.id for p in store.papers.search("zebrafish")] == [noted]
    assert [p.id for p in store.papers.search("grok")] == [
        in_title,
        in_abstract,
    ]  # prefix as you type


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unbalanced',
        "a AND",
        "OR",
        "NOT x",
        "title:foo",
        "(",
        "a)",
        "*",
        "**",
        "-",
        "x-y",
        "NEAR(a b)",
        "^",
        "{a}",
        "",
        "   ",
        "'; DROP TABLE papers; --",
        "\x00",
        "é ü ß",
        "🙂",
    ],
)
def test_search_never_raises(store: Repositories, query: str) -> None:
    add(store, title="x-y paper about a and title foo")
    assert isinstance(store.papers.search(query), list)
    assert store.papers.paper_count() == 1


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text())
def test_search_takes_any_text(store: Repositories, query: str) -> None:
    assert isinstance(store.papers.search(query), list)


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('title: "AND" (foo* -bar') == '"title" "AND" "foo" "bar"*'
    assert fts_query("  ") is None
    assert fts_query("graph n") == '"graph" "n"'  # short last words match whole words only
    assert fts_query("graph ne") == '"graph" "ne"'
    assert fts_query("graph neu") == '"graph" "neu"*'


def test_failing_batch_leaves_database_unchanged(store: Repositories) -> None:
    add(store, title="kept")
    good = PaperRecord(title="would be added")
    bad = PaperRecord(title="lone \ud800 surrogate")  # SQLite cannot store it: fails mid-batch
    with pytest.raises(StoreError):
        store.ingest.add([good, bad], now=T0)
    assert [p.title for p in store.papers.list_papers()] == ["kept"]


def test_unknown_ids_raise_not_found(store: Repositories) -> None:
    with pytest.raises(NotFound):
        store.papers.get_paper(42)
    with pytest.raises(NotFound):
        store.reading.set_status(42, Status.READ, now=T0)
    with pytest.raises(NotFound, match="not a paper id"):
        store.papers.resolve_id("banana")


def test_resolve_id_accepts_number_and_arxiv_forms(store: Repositories) -> None:
    pid = add(store, arxiv_id="2406.12345")
    for ref in (
        str(pid),
        "2406.12345",
        "2406.12345v3",
        "arXiv:2406.12345",
        "https://arxiv.org/abs/2406.12345v2",
    ):
        assert store.papers.resolve_id(ref) == pid


def test_deleting_a_paper_cascades(store: Repositories) -> None:
    pid = add(store)
    store.reading.rate(pid, 4, now=T0)
    store.reading.add_note(pid, "n", now=T0)
    store.tags.tag(pid, ["t"])
    store.db.execute("DELETE FROM papers WHERE id = ?", [pid])
    for table in ("rating_events", "notes", "paper_tags"):
        assert store.db[table].count == 0, table
    assert store.papers.search("paper") == []


def test_backup_is_a_consistent_copy(store: Repositories, tmp_path: Path) -> None:
    pid = add(store, title="backed up")
    store.reading.rate(pid, 5, now=T0)
    target = tmp_path / "copy" / "backup.db"
    store.files.backup(target)
    copy = open_db(target)
    assert copy.papers.get_paper(pid).stars == 5
    copy.close()
    with pytest.raises(StoreError, match="already exists"):
        store.files.backup(target)


def test_backup_is_one_self_contained_file(store: Repositories, tmp_path: Path) -> None:
    """`reader backup` goes through the one copy routine: a rollback-journal file (no -wal
    to carry along), written under a temporary name that does not outlive it."""
    add(store, title="backed up")
    target = tmp_path / "backups" / "backup.db"
    store.files.backup(target)
    assert [p.name for p in target.parent.iterdir()] == ["backup.db"]
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        copy.close()


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"just some text, not SQLite\n" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a reader database"):
        open_db(path)
    assert path.read_bytes() == before


def test_another_programs_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a reader database"):
        open_db(path)


def test_database_from_a_newer_version_is_refused(db_path: Path) -> None:
    open_db(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('reader', 'm999_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer version"):
        open_db(db_path)


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        open_db(tmp_path)


def test_catalog_version_changes_on_add_and_edit(store: Repositories) -> None:
    v0 = store.papers.catalog_version()
    pid = add(store)
    v1 = store.papers.catalog_version()
    with store.conn.write() as conn:  # an edit, as another program could make
        conn.execute("UPDATE papers SET title = ? WHERE id = ?", ["renamed", pid])
    v2 = store.papers.catalog_version()
    store.reading.rate(pid, 5, now=T0)  # the user's state is not catalog text
    assert len({v0, v1, v2}) == 3 and store.papers.catalog_version() == v2


def test_list_combines_search_filters_sorting_and_paging(store: Repositories) -> None:
    strong = add(store, title="Grokking explained", year=2021)
    weak = add(store, title="Other", abstract="mentions grokking once", year=2023)
    add(store, title="Unrelated", year=2022)
    store.reading.rate(weak, 5, now=T0)
    assert [
        p.id for p in store.papers.list_papers(PaperQuery(query="grokking", sort="relevance"))
    ] == [
        strong,
        weak,
    ]
    assert [
        p.id
        for p in store.papers.list_papers(PaperQuery(query="grokking", sort="year", order="desc"))
    ] == [
        weak,
        strong,
    ]
    assert [p.id for p in store.papers.list_papers(PaperQuery(query="grokking", stars=4))] == [weak]
    assert [
        p.id
        for p in store.papers.list_papers(
            PaperQuery(query="grok", sort="relevance", limit=1, offset=1)
        )
    ] == [weak]
    assert store.papers.count_papers(PaperQuery(query="grokking")) == 2
    assert store.papers.count_papers(PaperQuery(query="grokking", stars=4)) == 1
    assert [
        p.id for p in store.papers.list_papers(PaperQuery(sort="stars", order="desc", limit=1))
    ] == [weak]


@pytest.mark.parametrize("query", ["", "  ", '"', "AND (", "*", "title:"])
def test_list_with_any_query_text_never_raises(store: Repositories, query: str) -> None:
    add(store, title="title and more")
    assert isinstance(store.papers.list_papers(PaperQuery(query=query, sort="relevance")), list)
    assert store.papers.count_papers(PaperQuery(query=query)) >= 0


def test_an_existing_database_keeps_its_page_size(db_path: Path) -> None:
    old = db_path.with_name("old.db")
    conn = sqlite3.connect(old)
    conn.execute("PRAGMA page_size = 4096")
    conn.close()
    migrations.apply(Database(old))  # a database made before 16 KiB pages
    store = open_db(old)
    try:
        assert store.db.execute("PRAGMA page_size").fetchone()[0] == 4096
        add(store, title="Still works")
        assert [p.title for p in store.papers.list_papers()] == ["Still works"]
    finally:
        store.close()


def _count(store: Repositories, title: str) -> int:
    return store.db.execute("SELECT count(*) FROM papers WHERE title = ?", [title]).fetchone()[0]


@pytest.mark.parametrize("helper", ["transaction", "write"])
def test_a_failure_inside_a_nested_write_takes_back_only_its_own_work(
    store: Repositories, helper: str
) -> None:
    add(store, title="Outer paper")
    with getattr(store.conn, helper)():
        store.db.execute("UPDATE papers SET venue = 'kept' WHERE title = 'Outer paper'")
        with pytest.raises(StoreError, match="UNIQUE"):
            with getattr(store.conn, helper)():
                store.db.execute("UPDATE papers SET venue = 'gone' WHERE title = 'Outer paper'")
                store.db.execute("INSERT INTO tags (name) VALUES ('x'), ('X')")  # NOCASE
        add(store, title="After the inner failure")
    assert not store.db.conn.in_transaction
    venue = store.db.execute("SELECT venue FROM papers WHERE title = 'Outer paper'").fetchone()
    assert venue == ("kept",)
    assert _count(store, "After the inner failure") == 1
    assert store.db.execute("SELECT count(*) FROM tags").fetchone() == (0,)


@pytest.mark.parametrize("helper", ["transaction", "write"])
def test_a_failed_commit_rolls_back_and_leaves_no_transaction_open(
    store: Repositories, helper: str
) -> None:
    """A deferred foreign-key violation fails at COMMIT, which leaves SQLite's transaction
    open; the helper must end it, or the next write would nest inside it unseen."""
    with pytest.raises(StoreError, match="FOREIGN KEY"):
        with getattr(store.conn, helper)():
            store.db.execute("PRAGMA defer_foreign_keys = ON")
            store.db.execute("INSERT INTO paper_tags (paper_id, tag_id) VALUES (999, 999)")
            add(store, title="Taken back with the commit")
    assert not store.db.conn.in_transaction
    assert _count(store, "Taken back with the commit") == 0
    add(store, title="Written afterwards")
    reopened = open_db(store.path)
    try:
        assert _count(reopened, "Written afterwards") == 1
    finally:
        reopened.close()
