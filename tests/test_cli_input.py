"""Issue 13, "Input and files": what a new user types or points reader at gets a clear
one-line answer; numbers are bounded, ids are accepted as the app shows them, and files
are neither taken over nor written when there is nothing to write."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.cli import main
from reader.service import ServiceError
from reader.service.review import parse_grade
from reader.units import whole_number
from reader.when import WhenError, parse_period

HUGE = "9" * 5000


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.db")


# Every number from a user is bounded ---------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", HUGE], "no paper with id 99999999999999999999… (5,000 digits)"),
        (["snooze", "8", HUGE, "days"], "too long for a period"),
        (["schedule", "8", "in", HUGE, "days"], "too long for a period"),
        (["schedule", "8", HUGE], "a bare number needs a unit"),
        (["vacation", HUGE, "days"], "too long for a period"),
        (["rate", "8", HUGE], "stars must be a whole number 0 to 5"),
        (["config", "review.daily_limit", HUGE], "whole number 1 to 100"),
        (["status", "8", HUGE], "unknown status"),
        (["note", HUGE, "text"], "no paper with id"),
        (["show", "²"], "not a paper id: '²'"),
        (["list", "--limit", HUGE], "Invalid value for '--limit'"),
    ],
    ids=[
        "show", "snooze", "schedule-in", "schedule-bare", "vacation", "rate",
        "config", "status", "note", "superscript", "click-option",
    ],
)  # fmt: skip
def test_huge_numbers_get_a_short_clear_error(capsys, db, args, message) -> None:
    code, _, err = run(capsys, "--db", db, *args)
    assert code in (1, 2)
    assert message in err
    assert "internal error" not in err and "Exceeds the limit" not in err
    assert max(len(line) for line in err.splitlines()) <= 450  # "Error: ..." + 400


def test_whole_number_and_period_refuse_long_digit_strings() -> None:
    assert whole_number(" 42 ", low=1, high=50) == 42
    for bad in (HUGE, "²", "4.5", ""):
        with pytest.raises(ValueError, match="whole number 1 to 50"):
            whole_number(bad, low=1, high=50)
    with pytest.raises(WhenError, match="too long"):
        parse_period(f"{HUGE} days")
    assert parse_period("0003 days").days == 3
    with pytest.raises(ServiceError, match="unknown grade"):
        parse_grade(HUGE)


def test_paper_named_as_the_app_shows_it(capsys, db) -> None:
    code, out, err = run(capsys, "--db", db, "show", "#8")
    assert code == 0, err
    assert out.startswith("[8] ")
    assert run(capsys, "--db", db, "rate", "# 8", "4")[0] == 0
    assert "★★★★☆" in run(capsys, "--db", db, "show", "8")[1]


# --db: only a new path or reader's own database ---------------------------------------


def test_an_existing_empty_file_is_refused_and_left_alone(capsys, tmp_path) -> None:
    path = tmp_path / "empty.bib"
    path.write_bytes(b"")
    code, out, err = run(capsys, "--db", str(path), "list")
    assert code == 1 and out == ""
    assert err == (
        f"reader: error: {path}: exists but is not a reader database (it is empty); refusing"
        " to change it: give --db a path that does not exist yet, or delete the file\n"
    )
    assert path.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.bib"]
    # A path that does not exist yet becomes a database, and opens again afterwards.
    new = tmp_path / "new.db"
    assert run(capsys, "--db", str(new), "list")[0] == 0
    assert run(capsys, "--db", str(new), "list")[0] == 0


# Export files -----------------------------------------------------------------------


def test_export_file_gets_the_umask_mode_or_keeps_the_replaced_files(capsys, db, tmp_path) -> None:
    import os

    old = os.umask(0o027)
    try:
        out = tmp_path / "all.bib"
        assert run(capsys, "--db", db, "export", "--format", "bibtex", "-o", str(out))[0] == 0
        assert out.stat().st_mode & 0o777 == 0o640
        out.chmod(0o604)
        args = ["--db", db, "export", "--format", "ris", "-o", str(out), "--force"]
        assert run(capsys, *args)[0] == 0
        assert out.stat().st_mode & 0o777 == 0o604
    finally:
        os.umask(old)


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "bibtex", "-o", "{missing}/t.bib"],
        ["export", "--format", "markdown", "-o", "{missing}/notes"],
        ["backup", "{missing}/copy.db"],
    ],
    ids=["export", "export-markdown", "backup"],
)
def test_missing_parent_folders_are_refused_not_created(capsys, db, tmp_path, args) -> None:
    missing = tmp_path / "no" / "such"
    run(capsys, "--db", db, "list")
    code, _, err = run(capsys, "--db", db, *[a.format(missing=missing) for a in args])
    assert code == 1
    assert err == (
        f"reader: error: {missing}: no such folder; create it first, or give another path\n"
    )
    assert not (tmp_path / "no").exists()


def test_export_of_no_matching_paper_writes_nothing(capsys, db, tmp_path) -> None:
    out = tmp_path / "t.bib"
    code, stdout, err = run(
        capsys, "--db", db, "export", "--format", "bibtex", "--tag", "thesis", "-o", str(out)
    )
    assert code == 1 and stdout == ""
    assert err == (
        "reader: error: 0 papers to export; nothing written. No papers match --tag thesis.\n"
    )
    assert not out.exists() and list(tmp_path.glob(".t.bib*")) == []
    code, stdout, err = run(capsys, "--db", db, "export", "--format", "csv", "--tag", "thesis")
    assert code == 1 and stdout == ""
    run(capsys, "--db", db, "tag", "3", "thesis")
    code, _, err = run(
        capsys, "--db", db, "export", "--format", "bibtex", "--tag", "thesis", "-o", str(out)
    )
    assert code == 0 and err == f"Exported 1 paper to {out}\n"


# Empty states name the filter that emptied them ---------------------------------------


def test_empty_states_match_the_filter(capsys, db) -> None:
    assert run(capsys, "--db", db, "list", "--tag", "")[1] == "No papers match --tag ''.\n"
    out = run(capsys, "--db", db, "list", "--status", "read", "--min-stars", "4")[1]
    assert out == "No papers match --status read --min-stars 4.\n"
    assert run(capsys, "--db", db, "search", "zzzqqq")[1] == (
        "No papers match the search zzzqqq.\n"
    )
    assert run(capsys, "--db", db, "search")[1].startswith("Give words to search for")


def test_empty_library_says_so_everywhere(capsys, tmp_path) -> None:
    from reader.service import open_service

    path = tmp_path / "empty.db"
    service = open_service(path, seed=False)
    service.store.settings.set("seeded", True)  # the user removed every paper
    service.close()
    empty = "No papers yet: try `reader seed` or `reader import FILE`.\n"
    for args in (["list"], ["list", "--tag", "x"], ["search", "grokking"], ["suggest"]):
        code, out, err = run(capsys, "--db", str(path), *args)
        assert (code, out) == (0, empty), (args, err)


def test_note_dash_reads_standard_input(capsys, db, monkeypatch) -> None:
    import io
    import json

    monkeypatch.setattr("sys.stdin", io.StringIO("From a pipe.\n\nSecond paragraph.\n"))
    code, _, err = run(capsys, "--db", db, "note", "#8", "-")
    assert code == 0, err
    shown = json.loads(run(capsys, "--db", db, "show", "8", "--json")[1])
    assert [n["text"] for n in shown["notes"]] == ["From a pipe.\n\nSecond paragraph."]
    monkeypatch.setattr("sys.stdin", io.StringIO("  \n"))
    code, _, err = run(capsys, "--db", db, "note", "8", "-")
    assert code == 1 and "the note is empty" in err


# Tags and interests are short labels ------------------------------------------------


def test_long_tags_and_interests_are_refused(capsys, db) -> None:
    long = "x" * 5000
    for args in (["tag", "8", long], ["tags", "--rename", "a", long]):
        if args[0] == "tags":
            run(capsys, "--db", db, "tag", "8", "a")
        code, _, err = run(capsys, "--db", db, *args)
        assert code == 1
        assert err == (
            "reader: error: tag 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'…"
            " is too long (5,000 characters; at most 40)\n"
        )
    code, _, err = run(capsys, "--db", db, "interests", "y" * 101)
    assert code == 1 and "is too long (101 characters; at most 100)" in err
    assert run(capsys, "--db", db, "tag", "8", "z" * 40)[0] == 0


def test_zotero_arxiv_subjects_become_short_tags(capsys, db, tmp_path) -> None:
    bib = tmp_path / "zotero.bib"
    bib.write_text(
        "@misc{minegishi_grokking_2023,\n"
        "  title = {Grokking {Tickets}: {Lottery} {Tickets} {Accelerate} {Grokking}},\n"
        "  author = {Minegishi, Gouki and Iwasawa, Yusuke and Matsuo, Yutaka},\n"
        "  year = {2023},\n"
        "  keywords = {Computer Science - Machine Learning, Statistics - Machine Learning,"
        " Computer Science - Artificial Intelligence, grokking,"
        " a keyword phrase far longer than any tag should ever be}\n"
        "}\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "--db", db, "import", str(bib), "--quiet")
    assert code == 0, err
    tags = dict(json_tags(capsys, db))
    assert tags == {"cs.LG": 1, "stat.ML": 1, "cs.AI": 1, "grokking": 1}


def json_tags(capsys, db) -> list[tuple[str, int]]:
    import json

    found = json.loads(run(capsys, "--db", db, "tags", "--json")[1])
    return [(t["tag"], t["papers"]) for t in found]


def test_list_never_squeezes_titles_for_tags(capsys, db, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    run(capsys, "--db", db, "tag", "8", *[f"topic-{n}-with-a-longish-name" for n in range(6)])
    line = next(
        line for line in run(capsys, "--db", db, "list")[1].splitlines() if line.startswith("    8")
    )
    assert "Towards Exact Computation of Inductive Bias" in line and "+" in line
    assert len(line) <= 100


# Import messages ------------------------------------------------------------------


def test_broken_bibtex_names_the_entry_that_was_skipped(capsys, db) -> None:
    bib = Path(__file__).parent / "data" / "broken.bib"
    code, out, err = run(capsys, "--db", db, "import", str(bib), "--quiet")
    assert code == 1
    assert (
        f"{bib}:22: entry 'unclosed2018' (@book) is not closed (a '}}' is missing); skipped."
        " Reading went on with the @misc entry on line 26\n"
    ) in err
    assert "Unexpected block start" not in err
    assert "5 bad records" in out and err.endswith(
        "reader: error: 5 bad records, 0 unreadable files (listed above)\n"
    )
    assert "Still found after the broken one" in run(capsys, "--db", db, "search", "broken")[1]


def test_truncated_json_is_called_cut_off_and_counts_are_plural_right(
    capsys, db, tmp_path
) -> None:
    lines = tmp_path / "cut.jsonl"
    lines.write_text(
        '{"id": "2401.00002", "title": "A whole record here", "authors": "A. B"}\n'
        '{"id": "2401.00001", "title": "A paper", "abstract": "the download stopp\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--db", db, "import", str(lines), "--quiet")
    assert code == 1
    assert f"{lines}:2: the line is cut off: it ends before its JSON is complete\n" in err
    assert "(1 bad record)" in out
    assert err.endswith("reader: error: 1 bad record, 0 unreadable files (listed above)\n")
    archive = tmp_path / "export.json"
    assert run(capsys, "--db", db, "export", "--format", "json", "-o", str(archive))[0] == 0
    archive.write_text(archive.read_text(encoding="utf-8")[:500], encoding="utf-8")
    code, _, err = run(capsys, "--db", db, "import", str(archive))
    assert code == 1
    assert err == (
        f"reader: error: {archive}: the file is cut off: it ends before its JSON is complete\n"
    )


def test_empty_category_is_refused(capsys, db, tmp_path) -> None:
    lines = tmp_path / "one.jsonl"
    lines.write_text(
        '{"id": "2401.00002", "title": "A whole record", "categories": "cs.LG"}\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, "--db", db, "import", str(lines), "--category", " ")
    assert code == 1
    assert err == "reader: error: a category cannot be empty: give one like 'cs' or 'cs.LG'\n"


def test_numbers_in_files_are_bounded_too() -> None:
    import json

    from reader.parse.arxiv_jsonl import parse_arxiv_jsonl
    from reader.parse.bibtex import parse_bibtex

    for month in (HUGE, "²", "1²"):
        result = parse_bibtex(f"@article{{k, title={{T}}, year={{2020}}, month={{{month}}}}}")
        assert [r.date for r in result.records] == [None] and result.problems == []
    for created in (f"Mon, {HUGE} Apr 2007 1", "Mon, ² Apr 2007 1", "Mon, 2 Apr ²007 1"):
        line = json.dumps({"id": "2401.00001", "title": "T", "versions": [{"created": created}]})
        result = parse_arxiv_jsonl(line)
        assert [r.date for r in result.records] == [None] and result.problems == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rate", "1", "-1"], "stars must be a whole number 0 to 5, not -1"),
        (["snooze", "1", "-3", "days"], "did not understand '-3 days'"),
        (["config", "review.daily_limit", "-5"], "whole number 1 to 100, not -5"),
        (["vacation", "-1", "week"], "did not understand '-1 week'"),
    ],
)
def test_a_negative_number_gets_the_commands_own_message(capsys, db, args, message) -> None:
    """Not click's "No such option '-1'"."""
    code, _, err = run(capsys, "--db", db, *args)
    assert code == 1 and message in err and "No such option" not in err


def test_config_lines_up_its_columns_for_any_value(capsys, db) -> None:
    """A theme's name ("textual-dark") is longer than a number: it pushed its help out of line."""
    assert run(capsys, "--db", db, "config", "ui.theme", "textual-dark")[0] == 0
    code, out, _ = run(capsys, "--db", db, "config")
    rows = out.splitlines()[:-1]  # the last says where the database is
    helps = {
        "suggest.per_day": "papers suggested each day",
        "ui.theme": "the app's colour theme",
    }
    starts = {row.index(helps[row.split()[0]]) for row in rows if row.split()[0] in helps}
    assert code == 0 and len(rows) >= 5 and len(starts) == 1
