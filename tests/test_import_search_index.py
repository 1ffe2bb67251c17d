"""The full-text index stays exactly in step with papers when imports index it per batch
(m005): bulk imports are searchable, single inserts still index themselves, notes still
reach the index, and a failed batch leaves the index as it was."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from search_index_helpers import index_contents, rebuilt_contents

from reader.models import PaperRecord
from reader.service import Service
from reader.store import StoreError

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _line(n: int, title: str, abstract: str, cats: str = "cs.LG") -> str:
    return json.dumps(
        {
            "id": f"2401.{n:05d}",
            "title": title,
            "abstract": abstract,
            "authors_parsed": [["Lovelace", "Ada", ""]],
            "categories": cats,
            "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 10:00:00 GMT"}],
        }
    )


def _search_rows(db: Path) -> list[list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        return index_contents(conn)
    finally:
        conn.close()


def _expected_rows(db: Path) -> list[list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        return rebuilt_contents(conn)
    finally:
        conn.close()


def _bulk_flag_rows(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM bulk_insert").fetchone()[0]
    finally:
        conn.close()


def test_bulk_import_is_searchable_and_in_step(
    service: Service, db_path: Path, tmp_path: Path
) -> None:
    data = tmp_path / "snap.jsonl"
    lines = [_line(n, f"Paper number {n}", f"abstract word{n} zebrafish") for n in range(1, 13)]
    lines.append(_line(99, "Grokking modular arithmetic", "delayed generalization"))
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = service.import_files([data])
    assert report.added == 13
    assert len(service.search("zebrafish")) == 12
    assert [p.arxiv_id for p in service.search("grokking modular")] == ["2401.00099"]
    assert [p.arxiv_id for p in service.search("word7")] == ["2401.00007"]
    assert _search_rows(db_path) == _expected_rows(db_path)
    assert service.store.health.search_index_problems() == []
    assert _bulk_flag_rows(db_path) == 0

    # A note on an imported paper reaches the index through the notes triggers.
    paper = service.search("grokking modular")[0]
    service.add_note(paper.id, "remember the weight decay trick")
    assert [p.id for p in service.search("weight decay trick")] == [paper.id]
    assert _search_rows(db_path) == _expected_rows(db_path)


def test_rerun_adds_no_search_rows(service: Service, db_path: Path, tmp_path: Path) -> None:
    data = tmp_path / "snap.jsonl"
    data.write_text("\n".join(_line(n, f"Title {n}", "text") for n in range(1, 6)) + "\n")
    service.import_files([data])
    before = _search_rows(db_path)
    again = service.import_files([data])
    assert (again.added, again.present) == (0, 5)
    assert _search_rows(db_path) == before == _expected_rows(db_path)


def test_single_inserts_still_index_themselves(service: Service, db_path: Path) -> None:
    added = service.store.ingest.add(
        [PaperRecord(title="Single insert about axolotls", authors=("Ada Lovelace",))],
        now=NOW,
    ).added
    assert [p.id for p in service.search("axolotls")] == added
    # Another program writing to the file (no importer involved) is indexed too.
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO papers (title, added_at) VALUES ('Written by hand about narwhals', ?)",
        [NOW.isoformat()],
    )
    conn.commit()
    conn.close()
    assert len(service.search("narwhals")) == 1
    assert _search_rows(db_path) == _expected_rows(db_path)


def test_ingest_of_one_record_is_indexed(service: Service) -> None:
    """``reader add`` stores through the same batch path."""
    [(outcome, paper_id)] = service.store.ingest.ingest(
        [PaperRecord(title="Okapi behaviour", arxiv_id="2402.00001", authors=("B. Okapi",))],
        now=NOW,
    )
    assert outcome == "added"
    assert [p.id for p in service.search("okapi behaviour")] == [paper_id]


def test_failed_batch_leaves_papers_and_index_unchanged(service: Service, db_path: Path) -> None:
    before_rows = _search_rows(db_path)
    before_papers = service.store.papers.paper_count()
    good = [
        PaperRecord(title=f"Fine paper {n}", arxiv_id=f"2403.{n:05d}", authors=("C. D",))
        for n in range(1, 50)
    ]
    bad = PaperRecord(title="Broken \ud800 text", arxiv_id="2403.09999", authors=("E. F",))
    with pytest.raises(StoreError):
        service.store.ingest.ingest([*good, bad], now=NOW)
    assert service.store.papers.paper_count() == before_papers
    assert _search_rows(db_path) == before_rows
    assert _bulk_flag_rows(db_path) == 0
    # The connection is usable and single inserts index themselves afterwards.
    added = service.store.ingest.add([PaperRecord(title="After the failure")], now=NOW)
    assert [p.id for p in service.search("after the failure")] == added.added
    assert _search_rows(db_path) == _expected_rows(db_path)


def test_import_puts_the_page_cache_back(service: Service, tmp_path: Path) -> None:
    data = tmp_path / "snap.jsonl"
    data.write_text(_line(1, "Cache title", "text") + "\n")
    before = service.store.db.execute("PRAGMA cache_size").fetchone()[0]
    service.import_files([data])
    assert service.store.db.execute("PRAGMA cache_size").fetchone()[0] == before
