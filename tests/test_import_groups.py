"""A bulk import writes several batches to a transaction and may build the title index
only at its end: what it reports is what it kept, and the index is always back."""

from __future__ import annotations

import gc
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest

import reader.service.importing as importing
import reader.store.bulk as bulk
from reader.models import PaperQuery, PaperRecord
from reader.service import Service
from reader.store import StoreError, open_db

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from import_speed import generate  # noqa: E402

TITLE_INDEX = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'papers_title'"


def _rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """What another program reading the file sees: committed data only."""
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchall()


def _has_title_index(db: Path) -> bool:
    return bool(_rows(db, TITLE_INDEX))


def _arxiv_papers(db: Path) -> int:
    return _rows(db, "SELECT count(*) FROM papers WHERE arxiv_id IS NOT NULL")[0][0]


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    path = tmp_path / "snapshot.jsonl"
    generate(path, 12_000)
    return path


def test_interrupted_import_reports_only_committed_batches(
    empty_service: Service, db_path: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Commits by count only, every second batch, so the test does not race the clock.
    monkeypatch.setattr(bulk, "GROUP_RECORDS", 2 * importing.BATCH_SIZE)
    monkeypatch.setattr(bulk, "GROUP_SECONDS", 3600.0)
    calls = []

    def progress(read: int) -> None:
        calls.append(read)
        if len(calls) == 3:  # batch 3 is stored but its transaction is still open
            raise KeyboardInterrupt

    report = importing.ImportReport()
    with pytest.raises(KeyboardInterrupt):
        empty_service.import_files([snapshot], progress=progress, report=report)
    assert report.files[0].added == 2 * importing.BATCH_SIZE
    assert _arxiv_papers(db_path) == 2 * importing.BATCH_SIZE

    # Running it again adds the rest, once.
    again = empty_service.import_files([snapshot])
    assert again.files[0].added == 12_000 - 2 * importing.BATCH_SIZE
    assert again.files[0].present == 2 * importing.BATCH_SIZE
    assert _arxiv_papers(db_path) == 12_000


def test_large_import_builds_title_index_at_the_end(
    empty_service: Service, db_path: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "DEFER_INDEXES_AT", 1_000)
    seen: list[bool] = []
    empty_service.import_files(
        [snapshot], progress=lambda _: seen.append(_has_title_index(db_path))
    )
    assert seen and not any(seen)  # dropped while the import ran
    assert _has_title_index(db_path)
    sorted_titles = [
        p.title for p in empty_service.store.papers.list_papers(PaperQuery(sort="title", limit=5))
    ]
    assert sorted_titles == sorted(sorted_titles, key=str.lower)


def test_small_import_into_a_large_library_keeps_the_index(
    empty_service: Service, db_path: Path, snapshot: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(importing, "DEFER_INDEXES_AT", 100)
    empty_service.import_files([snapshot])
    small = tmp_path / "small.jsonl"
    generate(small, 500, seed=7)  # ~0.8 MB: ~800 papers expected, under a tenth of 12,000
    seen: list[bool] = []
    empty_service.import_files([small], progress=lambda _: seen.append(_has_title_index(db_path)))
    assert seen and all(seen)


def test_opening_rebuilds_a_missing_title_index(db_path: Path) -> None:
    open_db(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("DROP INDEX papers_title")
    conn.commit()
    conn.close()
    assert not _has_title_index(db_path)
    store = open_db(db_path)
    try:
        assert _has_title_index(db_path)
    finally:
        store.close()


def test_opening_a_read_only_database_with_its_indexes_writes_nothing(db_path: Path) -> None:
    open_db(db_path).close()
    before = db_path.read_bytes()
    db_path.chmod(0o444)
    try:
        open_db(db_path).close()
    finally:
        db_path.chmod(0o644)
    assert db_path.read_bytes() == before


def test_interrupted_large_import_puts_the_title_index_back(
    empty_service: Service, db_path: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "DEFER_INDEXES_AT", 1_000)
    seen: list[bool] = []

    def progress(_: int) -> None:
        seen.append(_has_title_index(db_path))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        empty_service.import_files([snapshot], progress=progress)
    assert seen == [False]
    assert _has_title_index(db_path)  # at once, not only when the file is next opened


def _automerge(db: Path) -> int | None:
    rows = _rows(db, "SELECT v FROM search_config WHERE k = 'automerge'")
    return rows[0][0] if rows else None


def test_import_merges_search_segments_less_often_then_as_before(
    empty_service: Service, db_path: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "GROUP_RECORDS", importing.BATCH_SIZE)  # visible at once
    before = _automerge(db_path)
    assert before in (None, bulk.FTS_DEFAULT_AUTOMERGE)
    seen: list[int | None] = []
    empty_service.import_files([snapshot], progress=lambda _: seen.append(_automerge(db_path)))
    assert seen and set(seen) == {bulk.IMPORT_AUTOMERGE}
    assert _automerge(db_path) == before
    assert [p.id for p in empty_service.search("generalization")]  # still searchable


INSERT_TRIGGER = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?"


def _insert_trigger(db: Path) -> str | None:
    rows = _rows(db, INSERT_TRIGGER, (bulk.SEARCH_INSERT_TRIGGER,))
    return rows[0][0] if rows else None


def test_no_committed_state_lacks_the_search_insert_trigger(
    empty_service: Service, db_path: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches insert with the trigger dropped; other programs only ever see it there."""
    original = _insert_trigger(db_path)
    assert original is not None and "INSERT INTO search" in original
    monkeypatch.setattr(bulk, "GROUP_RECORDS", 2 * importing.BATCH_SIZE)
    monkeypatch.setattr(bulk, "GROUP_SECONDS", 3600.0)
    seen: list[str | None] = []

    def progress(_: int) -> None:
        seen.append(_insert_trigger(db_path))
        if len(seen) == 3:  # batch 3 is stored, its transaction still open
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        empty_service.import_files([snapshot], progress=progress)
    assert seen == [original] * 3
    assert _insert_trigger(db_path) == original
    empty_service.import_files([snapshot])
    assert _insert_trigger(db_path) == original

    # Another program's insert still indexes itself.
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO papers (title, added_at) VALUES ('Hand-made quokka', ?)",
        ["2026-11-25T09:00:00+00:00"],
    )
    conn.commit()
    conn.close()
    assert [p.title for p in empty_service.search("quokka")] == ["Hand-made quokka"]


@pytest.mark.parametrize("enabled", [True, False])
def test_import_turns_the_cycle_collector_off_and_back_as_it_was(
    empty_service: Service, snapshot: Path, enabled: bool
) -> None:
    seen: list[bool] = []
    (gc.enable if enabled else gc.disable)()
    try:
        empty_service.import_files([snapshot], progress=lambda _: seen.append(gc.isenabled()))
        assert seen and not any(seen)
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def _index_internals(db: Path) -> list[tuple]:
    return _rows(db, "SELECT 'data', * FROM search_data ORDER BY id") + _rows(
        db, "SELECT 'config', * FROM search_config ORDER BY k"
    )


def test_a_failed_import_leaves_the_index_records_as_they_were(
    empty_service: Service, db_path: Path, tmp_path: Path
) -> None:
    """The automerge change goes with the rolled-back transaction; putting it back by hand
    would write the index's structure record (its cookie) although nothing was stored.
    The write fails in the store (a lone surrogate SQLite cannot encode): the importers
    now refuse such a record before it gets there."""
    data = tmp_path / "bad.jsonl"
    good = '{"id": "2401.00001", "title": "Good paper", "abstract": "x", "authors": "A. Bee"}'
    records = [
        PaperRecord(title="Good paper", arxiv_id="2401.00001"),
        PaperRecord(title="Bad \ud800 paper", arxiv_id="2401.00002"),
    ]
    before = _index_internals(db_path)
    ingest = empty_service.store.ingest
    with pytest.raises(StoreError, match="lone surrogate"), ingest.bulk_import() as load:
        ingest.ingest(records, now=empty_service.clock(), within=load)
    assert _index_internals(db_path) == before
    assert _automerge(db_path) in (None, bulk.FTS_DEFAULT_AUTOMERGE)

    data.write_text(f"{good}\n")
    assert empty_service.import_files([data]).files[0].added == 1
    assert _automerge(db_path) in (None, bulk.FTS_DEFAULT_AUTOMERGE)
    assert [p.title for p in empty_service.search("good paper")] == ["Good paper"]
