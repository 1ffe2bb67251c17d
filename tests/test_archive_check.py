"""A reader JSON export is checked field by field before anything is stored: a bad field
skips its paper (or setting) with a line that names it, and never breaks the library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main
from reader.parse.fields import FieldError
from reader.service import open_service
from reader.service.archive_check import checked_globals, checked_paper

GOOD = {
    "id": 7,
    "title": "A good paper",
    "authors": ["Ada Lovelace"],
    "year": 2020,
    "added_at": "2024-01-01T10:00:00Z",
    "tags": ["theory"],
    "status_history": [{"status": "read", "at": "2024-01-02T10:00:00+02:00"}],
    "rating_history": [{"stars": 5, "at": "2024-01-02T10:00:00+00:00"}],
    "notes": [{"text": "kept", "created_at": "2024-01-02T10:00:00+00:00", "updated_at": None}],
}


def test_a_good_paper_passes_with_its_times_in_the_stores_form() -> None:
    checked = checked_paper(GOOD)
    assert checked["added_at"] == "2024-01-01T10:00:00+00:00"
    assert checked["status_history"] == [{"status": "read", "at": "2024-01-02T08:00:00+00:00"}]
    assert checked["notes"][0]["updated_at"] == checked["notes"][0]["created_at"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"added_at": "2024-01-01 garbage"}, "added_at"),
        ({"added_at": "2024-01-01T10:00:00"}, "added_at"),  # no time zone
        ({"authors": "Smith, John and Doe, Jane"}, "authors"),  # not split into letters
        ({"tags": "theory"}, "tags"),
        ({"tags": [1]}, "tags[0]"),
        ({"tags": ["x" * 41]}, "tags[0]"),
        ({"year": "abc"}, "year"),
        ({"year": 10**30}, "year"),
        ({"doi": 12345}, "doi"),
        ({"notes": ["plain string"]}, "notes[0]"),
        ({"notes": [{"text": "t"}]}, "notes[0].created_at"),
        ({"status_history": [{"status": "skimmed", "at": "2024-01-01T00:00:00Z"}]}, None),
        ({"rating_history": [{"stars": 7, "at": "2024-01-01T00:00:00Z"}]}, None),
        ({"rating_history": [{"stars": 4}]}, "rating_history[0].at"),
        ({"feedback": [{"kind": "snooze", "at": "2024-01-01T00:00:00Z", "until": "x"}]}, None),
        ({"steering_history": [{"direction": "sideways", "at": "2024-01-01T00:00:00Z"}]}, None),
        ({"review_card": "soon"}, "review_card"),
        ({"review_card": {"enabled": True, "due": "2024-01-01T00:00:00Z", "card": {}}}, None),
        (
            {
                "review_card": {
                    "enabled": True,
                    "due": "2024-01-01T00:00:00Z",
                    "card": {"paper_id": 7, "due": "soon", "state": 2},
                }
            },
            "review_card.card",
        ),
        ({"review_log": [{"grade": 3}]}, "review_log[0].reviewed_at"),
        ({"title_edited": "yes"}, "title_edited"),
    ],
)
def test_a_bad_field_is_named(change: dict, field: str | None) -> None:
    item = {**GOOD, **change}
    if field is None and "review_card" in change:  # an empty card: kept out of re-reads
        assert checked_paper(item)["review_card"]["card"] == {}
        return
    with pytest.raises(FieldError) as caught:
        checked_paper(item)
    if field is not None:
        assert caught.value.field == field
    else:
        assert caught.value.field.split(".")[0].split("[")[0] in change


def test_settings_are_checked_as_reader_config_checks_them() -> None:
    data = {
        "settings": {
            "review.desired_retention": 5,
            "suggest.per_day": "lots",
            "review.daily_limit": 4,
            "seeded": True,
            "nonsense": 1,
        },
        "interests": [{"term": "causal inference", "added_at": "garbage"}],
    }
    kept, problems = checked_globals(data)
    assert kept["settings"] == {"review.daily_limit": 4, "seeded": True}
    assert [field for field, _ in problems] == [
        "interests[0].added_at",
        "settings.review.desired_retention",
        "settings.suggest.per_day",
        "settings.nonsense",
    ]


def test_followed_feeds_are_checked() -> None:
    at = "2024-01-01T00:00:00Z"
    data = {
        "feeds": [
            {"kind": "category", "value": "cs.LG", "added_at": at},
            {"kind": "journal", "value": "Nature", "added_at": at},
            {"kind": "query", "value": " ", "added_at": at},
            {"kind": "author", "value": "Jacot, Arthur"},
        ]
    }
    kept, problems = checked_globals(data)
    assert kept["feeds"] == [
        {"kind": "category", "value": "cs.LG", "added_at": "2024-01-01T00:00:00+00:00"}
    ]
    assert [field for field, _ in problems] == [
        "feeds[1].kind",
        "feeds[2].value",
        "feeds[3].added_at",
    ]


def _export(path: Path, papers: list, **more: object) -> Path:
    path.write_text(json.dumps({"format": "reader-export", "version": 1, "papers": papers, **more}))
    return path


def test_an_import_with_bad_fields_leaves_a_library_every_command_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One timestamp that was not ISO 8601 was stored as it was: then `list`, `search`,
    `suggest` and `export` failed with an internal error, and `doctor` called it healthy.
    A bad setting made `due` fail. Now those entries are skipped and named; the good
    paper in the same file and a good file beside it are imported."""
    db = str(tmp_path / "r.db")
    assert main(["--db", db, "rate", "1", "5"]) == 0
    bad = _export(
        tmp_path / "old.json",
        [
            {"title": "Some paper", "added_at": "2024-01-01 garbage"},
            {"title": "Two", "notes": ["plain string"]},
            {"title": "Five", "authors": "Smith, John"},
            {**GOOD, "id": 900},
        ],
        settings={"review.desired_retention": 5, "suggest.per_day": "lots"},
    )
    good = tmp_path / "good.bib"
    good.write_text("@article{a, title={A good BibTeX paper}, author={Doe, Jane}, year=2020}\n")
    capsys.readouterr()
    code = main(["--db", db, "import", str(good), str(bad)])
    err = capsys.readouterr().err
    assert code == 1  # bad records: said, and the exit code tells a script
    # Counted from 0, as jq counts and as the lists inside a paper were already counted:
    # `jq '.papers[1]'` is the paper named papers[1].
    assert "papers[0].added_at: not an ISO 8601 time" in err
    assert "papers[1].notes[0]: expected an object, got text" in err
    assert "papers[2].authors: expected a list of text, got text" in err
    assert "settings.review.desired_retention: expected a number 0.7 to 0.97" in err
    assert "internal error" not in err
    for command in (
        ["list"],
        ["search", "paper"],
        ["due"],
        ["forecast"],
        ["suggest"],
        ["export", "--format", "bibtex", "-o", str(tmp_path / "a.bib")],
    ):
        assert main(["--db", db, *command]) == 0, command
    service = open_service(Path(db), seed=False)
    try:
        titles = {p.title for p in service.papers(limit=1000)}
        assert {"A good BibTeX paper", "A good paper"} <= titles
        assert not {"Some paper", "Two", "Five"} & titles
        assert service.paper(1).stars == 5
        assert service.settings()["review.desired_retention"] == 0.85
    finally:
        service.close()


def test_a_collection_that_loses_papers_on_import_says_which(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A skipped paper quietly left its collections, and a collection naming ids the
    file does not hold was made empty without a word."""
    db = str(tmp_path / "r.db")
    at = "2024-01-01T00:00:00+00:00"
    export = _export(
        tmp_path / "e.json",
        [{**GOOD, "id": 900}, {"id": 901, "title": "Broken", "added_at": "garbage"}],
        collections=[
            {"name": "Chapter 2", "created_at": at, "papers": [900, 901]},
            {"name": "Bad", "created_at": at, "papers": [9999]},
        ],
    )
    capsys.readouterr()
    assert main(["--db", db, "import", str(export)]) == 1  # the broken paper was skipped
    err = capsys.readouterr().err
    assert f"{export}: collections[0]: 'Chapter 2' imported without paper(s) 901 skipped" in err
    assert f"{export}: collections[1]: 'Bad' imported without paper(s) 9999 not in the file" in err
