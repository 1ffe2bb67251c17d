"""The CLI through its real entry point: output, exit codes, one-line errors, persistence."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.db")


def test_list_shows_the_52_seed_papers(capsys, db) -> None:
    code, out, _ = run(capsys, "--db", db, "list")
    assert code == 0
    assert "OMEGA: Can LLMs Reason" in out
    assert out.strip().endswith("(52 papers)")
    code, out, _ = run(capsys, "list", "--db", db, "--json")
    assert code == 0 and len(json.loads(out)) == 52


def test_rate_status_note_tag_survive_a_restart(capsys, db) -> None:
    assert run(capsys, "--db", db, "rate", "3", "5")[0] == 0
    assert run(capsys, "--db", db, "status", "3", "reading")[0] == 0
    assert run(capsys, "--db", db, "status", "3", "READ")[0] == 0
    assert run(capsys, "--db", db, "note", "3", "Hierarchy", "helps", "transfer")[0] == 0
    assert run(capsys, "--db", db, "tag", "3", "robotics", "VLA")[0] == 0
    code, out, _ = run(capsys, "--db", db, "show", "3", "--json")
    shown = json.loads(out)
    assert shown["paper"]["stars"] == 5 and shown["paper"]["status"] == "read"
    assert shown["paper"]["tags"] == ["robotics", "VLA"]
    assert [n["text"] for n in shown["notes"]] == ["Hierarchy helps transfer"]
    assert [e["status"] for e in shown["status_history"]] == ["reading", "read"]
    code, out, _ = run(capsys, "--db", db, "list", "--tag", "ROBOTICS", "--min-stars", "4")
    assert "HAMSTER" in out and "(1 paper)" in out
    code, out, _ = run(capsys, "--db", db, "list", "--status", "read")
    assert "HAMSTER" in out
    assert run(capsys, "--db", db, "untag", "3", "vla")[0] == 0
    code, out, _ = run(capsys, "--db", db, "tags", "--json")
    assert json.loads(out) == [{"tag": "robotics", "papers": 1}]
    assert run(capsys, "--db", db, "rate", "3", "0")[0] == 0
    code, out, _ = run(capsys, "--db", db, "show", "3", "--json")
    assert json.loads(out)["paper"]["stars"] is None


def test_search_finds_by_words_and_notes(capsys, db) -> None:
    run(capsys, "--db", db, "note", "5", "unicorn-level insight")
    code, out, _ = run(capsys, "--db", db, "search", "unicorn")
    assert code == 0 and "COLOSSEUM" in out
    code, out, _ = run(capsys, "--db", db, "search", '"(AND:*')
    assert code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rate", "999", "3"], "no paper with id 999"),
        (["rate", "1", "7"], "stars must be a whole number 0 to 5, not 7"),
        (["rate", "1", "lots"], "stars must be a whole number"),
        (["status", "1", "finished"], "unknown status 'finished'"),
        (["show", "2406.99999"], "no paper with arXiv id 2406.99999"),
        (["note", "1", "   "], "the note is empty"),
    ],
    ids=["unknown-id", "stars-range", "stars-word", "status", "arxiv-id", "empty-note"],
)
def test_errors_are_one_line_with_exit_1(capsys, db, args, message) -> None:
    code, out, err = run(capsys, "--db", db, *args)
    assert code == 1
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_not_a_database_is_one_clear_line(capsys, tmp_path) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(b"%PDF-1.7 not sqlite" * 50)
    code, _, err = run(capsys, "--db", str(path), "list")
    assert code == 1
    assert err == (
        f"reader: error: {path}: not a reader database (the file is not SQLite or is "
        "damaged); point --db at another file or restore a backup\n"
    )


def test_locked_database_is_one_clear_line(capsys, db, monkeypatch) -> None:
    run(capsys, "--db", db, "list")
    monkeypatch.setattr("reader.store.base.BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(db)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, _, err = run(capsys, "--db", db, "rate", "1", "4")
    finally:
        holder.rollback()
        holder.close()
    assert code == 1 and "locked" in err and err.count("\n") == 1


def test_read_only_database_error_reads_clearly(db) -> None:
    # Root ignores file modes, so get SQLite's real read-only error from a read-only
    # connection and check the message the store turns it into.
    from reader.store.errors import user_error

    main(["--db", db, "list"])
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.execute("INSERT INTO settings (key, value) VALUES ('x', '1')")
    conn.close()
    message = str(user_error(Path(db), caught.value))
    assert message == f"{db}: the database is read-only; check the file's permissions"


def test_usage_errors_exit_2(capsys, db) -> None:
    code, _, err = run(capsys, "--db", db, "list", "--status", "bogus")
    assert code == 2 and "bogus" in err


def test_reader_db_environment_variable(capsys, tmp_path, monkeypatch) -> None:
    target = tmp_path / "from-env.db"
    monkeypatch.setenv("READER_DB", str(target))
    assert run(capsys, "seed")[0] == 0
    assert target.exists()


def test_a_db_path_in_a_missing_folder_is_refused(capsys, tmp_path, monkeypatch) -> None:
    """A typo in $READER_DB or --db made a new library in new folders, exit 0, and the
    notes written next went there instead of into the user's library."""
    monkeypatch.setenv("READER_DB", str(tmp_path / "Dropbx" / "reader.db"))
    code, _, err = run(capsys, "list")
    assert code == 1 and err == (
        f"reader: error: {tmp_path / 'Dropbx'}: no such folder (from --db or $READER_DB); "
        "create it first, or fix the path\n"
    )
    code, _, err = run(capsys, "--db", str(tmp_path / "nope" / "x.db"), "note", "1", "lost")
    assert code == 1 and "no such folder" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_note_without_text_opens_the_editor(capsys, db, tmp_path, monkeypatch) -> None:
    editor = tmp_path / "fake-editor"
    editor.write_text('#!/bin/sh\nprintf "Written in the editor\\n\\nSecond para\\n" > "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    code, out, err = run(capsys, "--db", db, "note", "2")
    assert code == 0, err
    code, out, _ = run(capsys, "--db", db, "show", "2", "--json")
    assert [n["text"] for n in json.loads(out)["notes"]] == ["Written in the editor\n\nSecond para"]


CODE_NOTE = "\n  \n    code line\n      indented more\n\nText with a break  \nafter.  \n\n"
"""A Markdown note that opens with a code block, between blank lines."""
CODE_NOTE_KEPT = "    code line\n      indented more\n\nText with a break  \nafter."


def test_a_note_from_stdin_keeps_its_first_line_indented(capsys, db, monkeypatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(CODE_NOTE))
    code, _, err = run(capsys, "--db", db, "note", "2", "-")
    assert code == 0, err
    code, out, _ = run(capsys, "--db", db, "show", "2", "--json")
    assert [n["text"] for n in json.loads(out)["notes"]] == [CODE_NOTE_KEPT]


def test_a_note_from_the_editor_keeps_its_first_line_indented(
    capsys, db, tmp_path, monkeypatch
) -> None:
    written = tmp_path / "note.md"
    written.write_text(CODE_NOTE)
    editor = tmp_path / "fake-editor"
    editor.write_text(f'#!/bin/sh\ncat "{written}" > "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    code, _, err = run(capsys, "--db", db, "note", "2")
    assert code == 0, err
    code, out, _ = run(capsys, "--db", db, "show", "2", "--json")
    assert [n["text"] for n in json.loads(out)["notes"]] == [CODE_NOTE_KEPT]


def test_an_empty_note_argument_is_refused_not_an_editor(capsys, db, tmp_path, monkeypatch):
    """`reader note 1 ""` (a script's empty variable) opened $EDITOR and hung the script."""
    opened = tmp_path / "opened"
    editor = tmp_path / "fake-editor"
    editor.write_text(f'#!/bin/sh\ntouch "{opened}"\nprintf "from the editor" > "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    code, _, err = run(capsys, "--db", db, "note", "2", "")
    assert code == 1 and "the note is empty" in err
    assert not opened.exists()


def test_an_empty_db_path_is_refused_not_the_default_library(capsys, tmp_path, monkeypatch):
    """`--db "$DB"` with DB unset used the default library: the user's own data."""
    monkeypatch.setenv("READER_DB", str(tmp_path / "default.db"))
    for args in (["--db", "", "seed"], ["seed", "--db", " "]):
        code, _, err = run(capsys, *args)
        assert code == 2 and "--db" in err and "empty path" in err
    assert not (tmp_path / "default.db").exists()


def test_backup_makes_a_usable_copy(capsys, db, tmp_path) -> None:
    run(capsys, "--db", db, "rate", "1", "4")
    target = tmp_path / "b" / "copy.db"
    target.parent.mkdir()  # a missing folder is refused (tests/test_cli_input.py)
    code, out, _ = run(capsys, "--db", db, "backup", str(target))
    assert code == 0 and str(target) in out
    code, out, _ = run(capsys, "--db", str(target), "show", "1", "--json")
    assert json.loads(out)["paper"]["stars"] == 4
    code, _, err = run(capsys, "--db", db, "backup", str(target))
    assert code == 1 and "already exists" in err


def test_hostile_text_is_printed_inert(capsys, db, monkeypatch) -> None:
    # click strips escape codes only when it writes to something that is not a terminal.
    monkeypatch.setattr("click.utils.should_strip_ansi", lambda stream=None, color=None: False)
    run(capsys, "--db", db, "note", "1", "bad \x1b[2J\x1b[31m escape")
    code, out, _ = run(capsys, "--db", db, "show", "1")
    assert "\x1b" not in out and "\\x1b[2J" in out
    # What tag, untag and an error say back: printed inert too.
    for args in (["tag", "1", "a\x1b[2Jb"], ["untag", "1", "a\x1b[2Jb"], ["tag", "1", "\x1b" * 50]):
        code, out, err = run(capsys, "--db", db, *args)
        assert "\x1b" not in out + err, args


def test_every_command_has_help(capsys) -> None:
    from reader.cli import cli

    for name in cli.commands:
        code, out, _ = run(capsys, name, "--help")
        assert code == 0 and "Usage:" in out and "--db" in out, name


def test_installed_console_script(tmp_path) -> None:
    script = Path(sys.executable).parent / "reader"
    db = tmp_path / "script.db"
    done = subprocess.run(
        [str(script), "--db", str(db), "list"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "(52 papers)" in done.stdout
    bad = subprocess.run(
        [str(script), "--db", str(db), "rate", "1", "9"], capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 1 and bad.stderr.startswith("reader: error: stars")
