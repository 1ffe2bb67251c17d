"""Collections: named, ordered reading lists; their order survives a JSON export and import
into a fresh database, and they export to BibTeX in that order. Real database files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tui_helpers import open_db

from reader.service import ServiceError, StoreError


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reader.db"
    open_db(path).close()
    return path


def test_order_is_kept_and_can_be_changed(db: Path) -> None:
    service = open_db(db, seed=False)
    chapter = service.collecting
    for paper_id in (9, 3, 12):
        assert chapter.add("Thesis ch. 2", paper_id)
    assert not chapter.add("thesis CH. 2", 3)  # names are case-insensitive; no duplicates
    assert [p.id for p in chapter.papers("Thesis ch. 2")] == [9, 3, 12]
    assert [p.id for p in chapter.move("Thesis ch. 2", 12, -2)] == [12, 9, 3]
    assert [p.id for p in chapter.move("Thesis ch. 2", 12, -1)] == [12, 9, 3]  # at the top
    chapter.remove("Thesis ch. 2", 9)
    assert [p.id for p in chapter.papers("Thesis ch. 2")] == [12, 3]
    assert [(c.name, c.size) for c in chapter.collections()] == [("Thesis ch. 2", 2)]
    assert chapter.of_paper(3) == ["Thesis ch. 2"]
    with pytest.raises(ServiceError, match="needs a name"):
        chapter.add("  ", 3)
    with pytest.raises(StoreError, match="no collection named 'nope'"):
        chapter.papers("nope")
    service.close()


def test_collections_keep_their_order_across_a_json_round_trip(db: Path, tmp_path: Path) -> None:
    service = open_db(db, seed=False)
    for paper_id in (30, 2, 17, 5):
        service.collecting.add("reading group", paper_id)
    service.collecting.add("empty later", 2)
    service.collecting.remove("empty later", 2)
    titles = [p.title for p in service.collecting.papers("reading group")]
    export = tmp_path / "all.json"
    service.export_to("json", export)
    service.close()

    fresh = open_db(tmp_path / "fresh.db", seed=False)
    fresh.import_files([export])
    assert [p.title for p in fresh.collecting.papers("reading group")] == titles
    assert {c.name for c in fresh.collecting.collections()} == {"reading group", "empty later"}
    # Importing the same file again adds nothing twice.
    fresh.import_files([export])
    assert [p.title for p in fresh.collecting.papers("reading group")] == titles
    fresh.close()


def test_export_a_collection_to_bibtex_in_its_order(db: Path, tmp_path: Path) -> None:
    service = open_db(db, seed=False)
    for paper_id in (12, 3, 9):
        service.collecting.add("chapter", paper_id)
    out = service.collecting.export_bibtex("chapter", tmp_path / "chapter.bib")
    keys = re.findall(r"^@\w+\{([^,]+),", out.read_text(), flags=re.M)
    assert keys == [service.citation(i).key for i in (12, 3, 9)]
    with pytest.raises(ServiceError, match="already exists"):
        service.collecting.export_bibtex("chapter", out)
    service.close()


def test_deleting_a_paper_takes_it_out_of_its_collections(db: Path) -> None:
    service = open_db(db, seed=False)
    service.collecting.add("chapter", 3)
    service.collecting.add("chapter", 4)
    service.delete_paper(3)
    assert [p.id for p in service.collecting.papers("chapter")] == [4]
    assert service.store.db.execute("SELECT count(*) FROM collection_papers").fetchone()[0] == 1
    service.close()
