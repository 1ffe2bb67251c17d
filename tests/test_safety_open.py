"""Opening a file we cannot use gives one clear line naming the file, and overwrites
nothing: not a database, another program's database, a newer version, a read-only file
or folder, a full disk.

The suite runs as root here, and root ignores file modes. So read-only is made with the
immutable attribute (``chattr +i``), which root must obey too; as another user, plain
``chmod`` is used. A full disk is simulated twice: SQLite's ``max_page_count`` (SQLite's
own "database or disk is full") and ``RLIMIT_FSIZE`` in a child process (the kernel
refuses the write).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.cli import main
from reader.service import StoreError, open_service

ROOT = Path(__file__).resolve().parent.parent


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(args))
    return code, capsys.readouterr().err


def _one_line_naming(err: str, path: Path) -> None:
    assert err.startswith("reader: error: ") and err.count("\n") == 1, err
    assert str(path) in err


@pytest.mark.parametrize(
    "content",
    [
        b"just some text, not a database\n",
        os.urandom(8192),
        b"%PDF-1.7\n" + b"\x00" * 5000,
        b"SQLite format 3\x00" + b"\xff" * 4000,  # the right magic, then garbage
    ],
    ids=["text", "random", "pdf", "bad-header"],
)
def test_not_a_database(tmp_path: Path, capsys, content: bytes) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    code, err = _run(capsys, "--db", str(path), "list")
    assert code == 1
    _one_line_naming(err, path)
    assert "not a reader database" in err
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_another_programs_database(tmp_path: Path, capsys) -> None:
    path = tmp_path / "places.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (url TEXT)")
    conn.execute("INSERT INTO moz_places VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    before = _digest(path)
    code, err = _run(capsys, "--db", str(path), "list")
    assert code == 1
    _one_line_naming(err, path)
    assert "not a reader database; refusing to change it" in err
    assert _digest(path) == before


def test_a_database_from_a_newer_version(db_path: Path, capsys) -> None:
    open_service(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('reader', 'm042_from_the_future', 'x')"
    )
    conn.commit()
    conn.close()
    before = _digest(db_path)
    code, err = _run(capsys, "--db", str(db_path), "list")
    assert code == 1
    _one_line_naming(err, db_path)
    assert "newer version of reader" in err and "m042_from_the_future" in err
    assert _digest(db_path) == before


def test_a_folder_instead_of_a_file(tmp_path: Path, capsys) -> None:
    code, err = _run(capsys, "--db", str(tmp_path), "list")
    assert code != 0 and str(tmp_path) in err and "Traceback" not in err


# Read-only -------------------------------------------------------------------------------


def _set_read_only(path: Path, on: bool) -> None:
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod((mode & ~0o222) if on else (mode | 0o200))
        return
    done = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"root without chattr (CAP_LINUX_IMMUTABLE): {done.stderr.decode().strip()}")


@pytest.fixture
def read_only() -> Iterator:
    marked: list[Path] = []

    def mark(path: Path) -> None:
        _set_read_only(path, True)
        marked.append(path)

    yield mark
    for path in reversed(marked):
        _set_read_only(path, False)


def test_read_only_file(db_path: Path, capsys, read_only) -> None:
    service = open_service(db_path)
    service.rate(1, 3)
    service.close()
    read_only(db_path)
    before = _digest(db_path)
    with pytest.raises(PermissionError):
        db_path.open("ab")  # really read-only, even for root
    code, err = _run(capsys, "--db", str(db_path), "rate", "1", "5")
    assert code == 1
    _one_line_naming(err, db_path)
    assert "read-only" in err or "cannot open" in err
    assert _digest(db_path) == before


def test_read_only_folder(tmp_path: Path, capsys, read_only) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    existing = folder / "reader.db"
    service = open_service(existing)
    service.rate(1, 3)
    service.close()
    read_only(folder)
    before = _digest(existing)
    with pytest.raises(PermissionError):
        (folder / "probe").write_text("x")
    # A new database cannot be made there...
    code, err = _run(capsys, "--db", str(folder / "new.db"), "list")
    assert code == 1
    _one_line_naming(err, folder / "new.db")
    # ...and an existing one cannot get its -wal file: it says so, and is unchanged.
    code, err = _run(capsys, "--db", str(existing), "rate", "1", "5")
    assert code == 1
    _one_line_naming(err, existing)
    assert _digest(existing) == before


# Full disk -------------------------------------------------------------------------------


def test_database_full(db_path: Path) -> None:
    service = open_service(db_path)
    service.rate(1, 4)
    note = service.add_note(1, "kept")
    pages = service.store.conn.scalar("PRAGMA page_count")
    service.store.db.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(StoreError) as caught:
        service.add_note(2, "x" * 1_000_000)
    message = str(caught.value)
    assert str(db_path) in message and "disk is full" in message and "\n" not in message
    assert not service.store.db.conn.in_transaction
    # Nothing half-written; what was there is there; small writes still work.
    assert service.notes(2) == [] and service.store.reading.get_note(note.id).text == "kept"
    service.rate(2, 5)
    assert service.store.health.integrity_check() == ["ok"]
    service.close()


CHILD = """
import resource, signal, sys
sys.path.insert(0, {root!r})
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
from reader.cli import main
limit = {limit}
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.exit(main(["--db", {db!r}, "note", "2", "x" * 3_000_000]))
"""


def test_disk_full_at_the_os_level(db_path: Path) -> None:
    service = open_service(db_path)
    service.rate(1, 4)
    service.close()
    size = db_path.stat().st_size
    child = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), limit=size + 200_000, db=str(db_path))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 1, child.stderr
    assert child.stderr.startswith("reader: error: ") and child.stderr.count("\n") == 1, (
        child.stderr
    )
    assert str(db_path) in child.stderr and "Traceback" not in child.stderr
    service = open_service(db_path)
    assert service.store.health.integrity_check() == ["ok"]
    assert service.paper(1).stars == 4 and service.notes(2) == []
    service.close()
