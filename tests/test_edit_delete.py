"""Editing a paper's metadata (checked in the service) and deleting a paper (a JSON export
first, nothing orphaned, the deletion recorded). Real database files throughout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tui_helpers import open_db

from reader.service import ServiceError, StoreError, open_service

CHILD_TABLES = (
    "status_events",
    "rating_events",
    "notes",
    "paper_tags",
    "review_cards",
    "review_log",
    "feedback_events",
    "suggestions",
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reader.db"
    open_db(path).close()
    return path


def test_edit_sets_metadata_and_search_finds_the_new_title(db: Path) -> None:
    service = open_db(db, seed=False)
    paper = service.edit_paper(
        3,
        title="  A  Better   Title ",
        authors="Lovelace, Ada; Turing, Alan",
        year="2024",
        venue="NeurIPS",
        arxiv_id="https://arxiv.org/abs/2406.12345v2",
        doi="https://doi.org/10.1000/XYZ.1",
        url="https://example.org/paper",
    )
    assert paper.title == "A Better Title"
    assert paper.authors == ("Lovelace, Ada", "Turing, Alan")
    assert (paper.year, paper.venue, paper.arxiv_id) == (2024, "NeurIPS", "2406.12345")
    assert paper.doi == "10.1000/xyz.1"
    service.close()
    again = open_db(db, seed=False)
    assert [p.id for p in again.search("better title")] == [3]
    assert again.paper("2406.12345").id == 3
    again.close()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "  "}, "title: cannot be empty"),
        ({"year": "next year"}, "year: 'next year' is not a year"),
        ({"year": "99999"}, "out of range"),
        ({"arxiv_id": "not-an-id"}, "arxiv_id: 'not-an-id' is not an arXiv id"),
        ({"doi": "nope"}, "doi: 'nope' is not a DOI"),
        ({"url": "example.org"}, "url: 'example.org' is not a web address"),
        ({"abstract": "x"}, "abstract: not a field that can be edited"),
    ],
)
def test_bad_edits_are_one_line_and_change_nothing(
    db: Path, fields: dict[str, str], message: str
) -> None:
    service = open_db(db, seed=False)
    before = service.paper(3)
    with pytest.raises(ServiceError, match=message):
        service.edit_paper(3, **fields)
    assert service.paper(3) == before
    service.close()


def test_an_id_that_belongs_to_another_paper_is_refused(db: Path) -> None:
    service = open_db(db, seed=False)
    service.edit_paper(4, arxiv_id="2406.12345")
    before = service.paper(3).arxiv_id
    with pytest.raises(StoreError, match="belongs to paper 4"):
        service.edit_paper(3, arxiv_id="arXiv:2406.12345")
    assert service.paper(3).arxiv_id == before
    service.close()


def test_delete_exports_first_removes_everything_and_records_it(db: Path) -> None:
    service = open_db(db, seed=False)
    service.rate(3, 5)
    service.set_status(3, "read")  # a review card
    service.add_note(3, "the key idea")
    service.tag(3, ["keep"])
    service.dismiss(3)
    title = service.paper(3).title
    export = service.delete_paper(3)
    service.close()

    archive = json.loads(export.read_text())
    assert [p["title"] for p in archive["papers"]] == [title]
    assert "the key idea" in export.read_text()

    again = open_db(db, seed=False)
    conn = again.store.db
    for table in CHILD_TABLES:
        assert conn.execute(f"SELECT count(*) FROM {table} WHERE paper_id = 3").fetchone()[0] == 0
    assert 3 not in [p.id for p in again.search(title)]  # not left in the search index
    assert [(d.paper_id, d.title, d.export_path) for d in again.editing.deleted_papers()] == [
        (3, title, str(export))
    ]
    with pytest.raises(StoreError, match="no paper"):
        again.paper(3)
    assert "keep" not in dict(again.tags())  # the tag had only this paper
    # The export brings it back, note and all.
    again.import_files([export])
    restored = again.search("the key idea")
    assert [p.title for p in restored] == [title]
    again.close()


def test_the_copy_of_a_deleted_paper_brings_back_only_that_paper(db: Path) -> None:
    """The copy held the whole library's interests, settings and feeds: importing it to
    bring the paper back re-followed a feed unfollowed since, and put back a removed
    interest."""
    service = open_service(db)
    service.inbox.add(service.inbox.subscriptions_from(["cs.LG"], authors=["Jacot, Arthur"]))
    service.add_interests(["causal inference"])
    service.set_setting("suggest.per_day", "7")
    service.rate(3, 5)
    service.collecting.add("Chapter 2", 3)
    copy = service.delete_paper(3)
    service.inbox.remove(service.inbox.subscriptions_from(authors=["Arthur Jacot"]))
    service.remove_interests(["causal inference"])
    service.set_setting("suggest.per_day", "4")

    assert service.import_files([copy]).problem_count == 0
    assert service.paper(3).stars == 5
    assert [p.id for p in service.collecting.papers("Chapter 2")] == [3]
    assert [s.value for s in service.inbox.subscriptions()] == ["cs.LG"]
    assert service.interests() == []
    assert service.settings()["suggest.per_day"] == 4
    service.close()
