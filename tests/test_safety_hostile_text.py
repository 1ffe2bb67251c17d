"""Hostile text survives a store round-trip byte for byte, and is shown as text.

Decision on lone surrogates (``"\\ud800"``; Python strings can hold them, e.g. from JSON,
UTF-8 cannot): they are refused with one clear line and the change that held them is not
saved; we do not silently replace the user's text. An import skips the record that holds
one and reports it as ``file:line: field: reason``, as any bad record.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from reader.cli import main
from reader.models import PaperRecord
from reader.service import StoreError, open_service
from tests.conftest import FIXED_NOW

HOSTILE = {
    "markup": "[bold red]Not bold[/] [link=http://x]click[/link] <b>html</b> **md** {\\em tex}",
    "ansi": "\x1b[31mred\x1b[0m \x1b]0;window title\x07 \x1b[2J\x1b[H cleared?",
    "nul": "before\x00after\x00",
    "controls": "".join(chr(c) for c in range(1, 32)) + "\x7f\x85\u2028\u2029",
    "bidi": "\u202eevil\u202c \u200b\ufeff zero-width",
    "combining": "e\u0301 \U0001f468\u200d\U0001f469\u200d\U0001f467 \U0001f600",
    "sql": "'); DROP TABLE papers; -- \" ` \\",
    "fts": 'NEAR("a" b) OR title:* AND NOT ^x "unclosed',
    "huge": ("0123456789abcdef" * 65536) + "end",  # 1 MiB
}


@pytest.fixture
def service(db_path: Path, clock):
    svc = open_service(db_path, clock=clock)
    yield svc
    svc.close()


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_notes_round_trip_exactly(service, db_path: Path, text: str) -> None:
    note = service.add_note(1, text)
    assert service.store.reading.get_note(note.id).text == text
    # Byte for byte, from a connection that is not ours.
    conn = sqlite3.connect(db_path)
    stored = conn.execute(
        "SELECT CAST(text AS BLOB) FROM notes WHERE id = ?", [note.id]
    ).fetchone()[0]
    conn.close()
    assert stored == text.encode("utf-8")
    updated = service.save_note(1, note.id, text + text[:10])
    assert updated is not None and updated.text == text + text[:10]


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_titles_abstracts_and_authors_round_trip_exactly(service, text: str) -> None:
    record = PaperRecord(
        title="T " + text, abstract=text, authors=(text, "Plain Name"), venue=text, tags=("ok",)
    )
    for store_it in (service.store.ingest.add, service.store.ingest.ingest):
        result = store_it([record], now=FIXED_NOW)
        paper_id = result.added[0] if hasattr(result, "added") else result[0][1]
        paper = service.paper(paper_id)
        assert (paper.title, paper.abstract, paper.authors, paper.venue) == (
            "T " + text,
            text,
            (text, "Plain Name"),
            text,
        )
        service.store.db.execute("DELETE FROM papers WHERE id = ?", [paper_id])
        service.store.db.conn.commit()


def test_searching_hostile_text_is_safe(service) -> None:
    for name, text in HOSTILE.items():
        service.add_note(2, f"{name} {text}")
    for text in HOSTILE.values():
        service.search(text)  # never an FTS syntax error
    assert [p.id for p in service.search("cleared")] == [2]


@pytest.mark.parametrize("where", ["note", "title", "tag", "search"])
def test_lone_surrogates_are_refused_with_one_line(service, db_path: Path, where: str) -> None:
    bad = "half a pair: \ud800 here"
    count = (
        service.store.conn.scalar("SELECT count(*) FROM notes") + service.store.papers.paper_count()
    )
    with pytest.raises(StoreError) as caught:
        if where == "note":
            service.add_note(1, bad)
        elif where == "title":
            service.store.ingest.add([PaperRecord(title=bad)], now=FIXED_NOW)
        elif where == "tag":
            service.tag(1, [bad])
        else:
            service.store.conn.query("SELECT id FROM papers WHERE title = ?", [bad])
    message = str(caught.value)
    assert "lone surrogate" in message and "\n" not in message and str(db_path) in message
    assert (
        service.store.conn.scalar("SELECT count(*) FROM notes") + service.store.papers.paper_count()
        == count
    )
    assert not service.store.db.conn.in_transaction


def test_lone_surrogate_in_an_import_skips_that_record_only(tmp_path: Path, db_path: Path, capsys):
    data = tmp_path / "bad.jsonl"
    line = (
        '{{"id": "2401.0000{n}", "title": "{title}", "abstract": "x", '
        '"authors": "A B", "categories": "cs.LG", "update_date": "2024-01-01"}}\n'
    )
    data.write_text(
        line.format(n=1, title="Good one")
        + line.format(n=2, title="bad \\ud800 title")
        + line.format(n=3, title="Good \\ud83d\\ude00 three")  # a pair is fine
    )
    assert main(["--db", str(db_path), "list", "--limit", "1"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "import", str(data)]) == 1
    captured = capsys.readouterr()
    assert (
        f"{data}:2: title: holds a lone surrogate (\\ud800) at character 4, which is not "
        "valid Unicode and cannot be stored; skipped" in captured.err
    )
    assert "Traceback" not in captured.err and "nothing was saved" not in captured.err
    assert "added 2," in captured.out
    service = open_service(db_path)
    try:
        assert service.store.papers.lookup_ids("2401.00001", None) is not None
        assert service.store.papers.lookup_ids("2401.00002", None) is None
        assert service.store.papers.lookup_ids("2401.00003", None) is not None
    finally:
        service.close()


def test_lone_surrogate_in_an_export_skips_that_paper_only(
    tmp_path: Path, db_path: Path, capsys
) -> None:
    service = open_service(db_path)
    service.add_note(1, "a good note")
    service.add_note(2, "a note that will be spoilt")
    service.close()
    export = tmp_path / "all.json"
    assert main(["--db", str(db_path), "export", "--format", "json", "-o", str(export)]) == 0
    data = json.loads(export.read_text())
    spoilt = next(n for n, p in enumerate(data["papers"]) if p["notes"] and p["id"] == 2)
    data["papers"][spoilt]["notes"][0]["text"] = "spoilt \ud800"
    export.write_text(json.dumps(data))  # json writes it back as the escape
    assert "\\ud800" in export.read_text()
    restored = tmp_path / "restored.db"
    capsys.readouterr()

    assert main(["--db", str(restored), "import", str(export)]) == 1

    captured = capsys.readouterr()
    assert (
        f"{export}: papers[{spoilt}].notes[0].text: holds a lone surrogate (\\ud800) at "
        "character 7, which is not valid Unicode and cannot be stored; skipped"
    ) in captured.err
    assert "Traceback" not in captured.err and "nothing was saved" not in captured.err
    service = open_service(restored, seed=False)
    try:
        assert service.count() == len(data["papers"]) - 1
        assert [n.text for n in service.notes(1)] == ["a good note"]
    finally:
        service.close()


def test_the_store_never_claims_nothing_was_saved(tmp_path: Path) -> None:
    """It cannot know: a bulk import may have committed batches before the one that
    failed. It says what it knows, that the change holding the text was not saved."""
    from reader.store import user_error

    try:
        "x\ud800".encode()
    except UnicodeEncodeError as error:
        message = str(user_error(tmp_path / "r.db", error))
    assert "nothing was saved" not in message
    assert message.endswith("the change that held it was not saved")
    full = str(user_error(tmp_path / "r.db", sqlite3.OperationalError("database or disk is full")))
    assert "nothing was saved" not in full


def test_the_cli_shows_escapes_as_text(service, db_path: Path, capsys) -> None:
    with service.store.conn.write() as conn:  # an edit, as another program could make
        conn.execute("UPDATE papers SET title = ? WHERE id = ?", ["Evil " + HOSTILE["ansi"], 1])
    service.add_note(1, HOSTILE["ansi"])
    capsys.readouterr()
    for command in (["show", "1"], ["list", "--limit", "3"], ["search", "cleared"]):
        assert main(["--db", str(db_path), *command]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\x07" not in out, command
        assert "\\x1b" in out, command
