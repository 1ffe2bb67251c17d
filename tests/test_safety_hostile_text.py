"""Hostile text survives a store round-trip byte for byte, and is shown as text.

Decision on lone surrogates (``"\\ud800"``; Python strings can hold them, e.g. from JSON,
UTF-8 cannot): they are refused with one clear line and nothing is saved; we do not
silently replace the user's text.
"""

from __future__ import annotations

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


def test_lone_surrogate_in_an_import_is_one_clean_line(tmp_path: Path, db_path: Path, capsys):
    data = tmp_path / "bad.jsonl"
    data.write_text(
        '{"id": "2401.00001", "title": "bad \\ud800 title", "abstract": "x", '
        '"authors": "A B", "categories": "cs.LG", "update_date": "2024-01-01"}\n'
    )
    assert main(["--db", str(db_path), "list", "--limit", "1"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "import", str(data)]) == 1
    err = capsys.readouterr().err
    assert "lone surrogate" in err and "Traceback" not in err


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
