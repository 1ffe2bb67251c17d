"""``reader undo`` and ``reader collection ...`` through the CLI's entry point, on real
database files read back with plain sqlite3."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from reader.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "cli.db")
    assert run(capsys, "--db", path, "seed")[0] == 0  # made, seeded, backed up once
    return path


def dump(path: str) -> list[str]:
    """Every table's rows and the schema, as SQL (the file's whole state)."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_a_rating_then_undo_restores_the_database_exactly(capsys, db) -> None:
    assert run(capsys, "--db", db, "rate", "3", "2")[0] == 0
    before = dump(db)
    code, out, _ = run(capsys, "--db", db, "rate", "3", "5")
    assert code == 0 and dump(db) != before
    code, out, _ = run(capsys, "--db", db, "undo")
    assert code == 0 and out.startswith("undone: rated 5★")
    assert dump(db) == before
    # The rating before is there again, and the next undo takes it back in turn.
    assert "undone: rated 2★" in run(capsys, "--db", db, "undo")[1]
    code, _, err = run(capsys, "--db", db, "undo")
    assert code == 1 and err == "reader: error: nothing to undo\n"


def test_undo_of_marking_read_puts_the_card_back(capsys, db) -> None:
    assert run(capsys, "--db", db, "status", "4", "reading")[0] == 0
    before = dump(db)
    assert run(capsys, "--db", db, "status", "4", "read")[0] == 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM review_cards WHERE paper_id = 4").fetchone()[0]
    conn.close()
    code, out, _ = run(capsys, "--db", db, "undo", "--show")
    assert code == 0 and out.startswith("would undo: marked") and out.rstrip().endswith("read")
    assert run(capsys, "--db", db, "undo")[0] == 0
    assert dump(db) == before


def test_undo_of_marking_read_never_loses_the_re_reads_graded_since(capsys, db) -> None:
    """Grades were not undoable, "marked read" was: undone after re-reads, it put back the
    card it had replaced (none) and deleted the paper's whole schedule. A grade is undone
    first now (tests/test_undo.py); one given before that (no entry in the log) still
    keeps an older "marked read" from being undone."""
    assert run(capsys, "--db", db, "status", "4", "read")[0] == 0
    assert run(capsys, "--db", db, "review", "grade", "4", "good")[0] == 0
    conn = sqlite3.connect(db)
    with conn:  # as a grade from before grades could be undone
        conn.execute("DELETE FROM undo_log WHERE kind = 'grade'")
    conn.close()
    before = dump(db)
    code, _, err = run(capsys, "--db", db, "undo")
    assert code == 1 and "the paper was re-read since" in err and err.count("\n") == 1
    log = [line for line in dump(db) if "undo_log" not in line]
    assert log == [line for line in before if "undo_log" not in line]  # card and status kept
    assert run(capsys, "--db", db, "undo")[2] == "reader: error: nothing to undo\n"


def test_undo_refuses_when_the_paper_changed_since(capsys, db) -> None:
    """A snooze taken back (the Hidden view's b) is no longer there to undo: refused in
    one line, the database unchanged, the entry gone from the log."""
    assert run(capsys, "--db", db, "snooze", "8", "3", "days")[0] == 0
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DELETE FROM feedback_events WHERE paper_id = 8")
    conn.close()
    before = dump(db)
    code, _, err = run(capsys, "--db", db, "undo")
    assert code == 1
    assert err.startswith("reader: error: cannot undo: snoozed") and err.count("\n") == 1
    log = [line for line in dump(db) if "undo_log" not in line]
    assert log == [line for line in before if "undo_log" not in line]
    assert run(capsys, "--db", db, "undo")[2] == "reader: error: nothing to undo\n"


def test_collections_from_the_command_line(capsys, db, tmp_path: Path, monkeypatch) -> None:
    assert run(capsys, "--db", db, "collection")[1].startswith("No collections yet")
    assert run(capsys, "--db", db, "collection", "new", "Chapter 2")[0] == 0
    code, _, err = run(capsys, "--db", db, "collection", "new", "chapter 2")
    assert code == 1 and "exists already" in err
    code, out, _ = run(capsys, "--db", db, "collection", "add", "chapter 2", "3", "5", "7")
    assert code == 0 and out.count("added to") == 3
    assert "already in" in run(capsys, "--db", db, "collection", "add", "Chapter 2", "5")[1]
    assert run(capsys, "--db", db, "collection", "move", "Chapter 2", "7", "1")[0] == 0
    code, out, _ = run(capsys, "--db", db, "collection", "show", "Chapter 2", "--json")
    assert [p["id"] for p in json.loads(out)] == [7, 3, 5]
    assert run(capsys, "--db", db, "collection", "rename", "Chapter 2", "ch2")[0] == 0
    code, out, _ = run(capsys, "--db", db, "collection", "list", "--json")
    assert json.loads(out) == [{"name": "ch2", "papers": 3}]

    bib = tmp_path / "ch2.bib"
    assert run(capsys, "--db", db, "collection", "export", "ch2", "-o", str(bib))[0] == 0
    conn = sqlite3.connect(db)
    eprints = [
        conn.execute("SELECT arxiv_id FROM papers WHERE id = ?", [i]).fetchone()[0]
        for i in (7, 3, 5)
    ]
    conn.close()
    text = bib.read_text()
    assert sorted(eprints, key=text.index) == eprints  # BibTeX in the collection's order
    assert run(capsys, "--db", db, "collection", "export", "ch2")[1] == text

    assert run(capsys, "--db", db, "collection", "remove", "ch2", "3")[0] == 0
    code, out, _ = run(capsys, "--db", db, "collection", "show", "ch2", "--json")
    assert [p["id"] for p in json.loads(out)] == [7, 5]
    # Asked, and the input ends (a script): not deleted, exit 1 (it was 130, as for Ctrl+C).
    for answer in ("", "\n", "n\n"):
        monkeypatch.setattr("sys.stdin", io.StringIO(answer))
        code, _, err = run(capsys, "--db", db, "collection", "delete", "ch2")
        assert code == 1 and "not confirmed: the collection is kept" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert run(capsys, "--db", db, "collection", "delete", "ch2")[0] == 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM collections").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 52  # papers stay
    conn.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "nope"], "no collection named 'nope'"),
        (["export", "nope"], "no collection named 'nope'"),
        (["remove", "nope", "3"], "no collection named 'nope'"),
        (["delete", "nope", "-y"], "no collection named 'nope'"),
        (["rename", "nope", "other"], "no collection named 'nope'"),
        (["move", "nope", "3", "1"], "no collection named 'nope'"),
        (["add", "x", "99999"], "no paper with id 99999"),
        (["remove", "x", "5"], "paper 5 is not in 'x'"),
        (["move", "x", "5", "1"], "paper 5 is not in 'x'"),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, list) else None,
)
def test_collection_errors_are_one_line(capsys, db, args, message) -> None:
    assert run(capsys, "--db", db, "collection", "add", "x", "3")[0] == 0
    code, _, err = run(capsys, "--db", db, "collection", *args)
    assert code == 1 and err == f"reader: error: {message}\n"


def test_more_like_this_then_undo_restores_the_database_exactly(capsys, db) -> None:
    """Steering (m013) shares the persistent log (m014) with ratings and snoozes."""
    before = dump(db)
    assert run(capsys, "--db", db, "more", "4")[0] == 0
    assert dump(db) != before
    code, out, _ = run(capsys, "--db", db, "undo")
    assert code == 0, out
    assert "more like this" in out.lower()
    assert dump(db) == before


def test_an_unknown_id_among_several_adds_none_of_them(capsys, db) -> None:
    """`collection add NAME 3 99999 4` refuses the command whole: 3 is not added first."""
    code, _, err = run(capsys, "--db", db, "collection", "add", "thesis", "3", "99999", "4")
    assert code == 1 and "no paper with id 99999" in err
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM collection_papers").fetchone()[0] == 0
    finally:
        conn.close()
