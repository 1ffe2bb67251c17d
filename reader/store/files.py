"""Whole database files: the one copy routine (backups, copies aside, restores) and the
checks a file must pass before it replaces the database."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from .base import BUSY_TIMEOUT_S, Connection, check_ours
from .errors import AlreadyExists, StoreError, user_error


class Files:
    """Copies of the open database."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def backup(self, destination: Path) -> None:
        """A consistent single-file copy of this database, safe while others write (see
        :func:`copy_database`), and one that can be restored: a copy of a damaged database
        is not kept (restore refuses it, and it would push a good backup out of the
        retention rule)."""
        copy_database(self.conn.db.conn, Path(destination), checked=True)


def copy_database(source: sqlite3.Connection, destination: Path, *, checked: bool = False) -> None:
    """A consistent copy of ``source`` through SQLite's online backup API (safe while
    other processes write), as one self-contained file (rollback journal, no -wal).

    It is written under a temporary name of its own and renamed at the end, so a crash
    never leaves a half-written file under the real name, and processes making the day's
    backup at once never share one (they deleted and renamed each other's, and left a
    0-byte backup that stopped the day's real one). ``destination`` must not exist.
    ``checked``: SQLite's quick check of the copy must pass, or nothing is written.
    """
    if destination.exists():
        raise AlreadyExists(f"{destination}: already exists; choose another name")
    partial: Path | None = None
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(
            dir=destination.parent, prefix=f".{destination.name}.", suffix=".partial"
        )
        os.close(descriptor)
        partial = Path(name)
        target = sqlite3.connect(str(partial))
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
            problem = target.execute("PRAGMA quick_check").fetchone()[0] if checked else "ok"
        finally:
            target.close()
        if problem != "ok":
            raise sqlite3.DatabaseError(f"database disk image is malformed: {problem}")
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, destination)
    except (sqlite3.Error, OSError) as error:
        if partial is not None:
            partial.unlink(missing_ok=True)
        if "malformed" in str(error):
            raise StoreError(
                f"{destination}: not written: the database is damaged ({error}); "
                "run `reader doctor --repair`; earlier backups are kept"
            ) from None
        raise StoreError(f"{destination}: backup failed ({error})") from None


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)


def check_backup(path: Path) -> None:
    """Raise :class:`StoreError` unless ``path`` is a healthy reader database that this
    version can open. Reads only."""
    if not path.is_file():
        raise StoreError(f"{path}: no such backup file")
    try:
        conn = _open_read_only(path)
    except sqlite3.Error as error:
        raise user_error(path, error) from None
    try:
        db = Database(conn)
        if not db.table_names():
            raise StoreError(f"{path}: empty, not a reader database; not restored")
        check_ours(db, path)
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise StoreError(f"{path}: the backup is damaged ({problems[0]}); pick another")
    except sqlite3.Error as error:
        raise user_error(path, error) from None
    finally:
        conn.close()


def database_state(path: Path) -> str:
    """``missing``, ``healthy`` (a reader database SQLite can read), ``damaged`` (not
    SQLite, or failing its quick check) or ``foreign`` (another program's database)."""
    if not path.exists():
        return "missing"
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error:
        return "damaged"
    try:
        db = Database(conn)
        if not db.table_names():
            return "missing"
        try:
            check_ours(db, path)
        except StoreError as error:
            return "foreign" if "not a reader database" in str(error) else "healthy"
        quick = conn.execute("PRAGMA quick_check").fetchone()[0]
        return "healthy" if quick == "ok" else "damaged"
    except sqlite3.Error:
        return "damaged"
    finally:
        conn.close()


def copy_aside(path: Path, destination: Path) -> None:
    """Keep a copy of the database at ``path`` as it is, before it is replaced: through
    the backup API when SQLite can read it, else the raw files (with its -wal)."""
    if database_state(path) == "healthy":
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
        try:
            copy_database(conn, destination)
        finally:
            conn.close()
        return
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            shutil.copy2(wal, destination.with_name(destination.name + "-wal"))
    except OSError as error:
        raise StoreError(
            f"{destination}: cannot keep a copy of the current database ({error})"
        ) from None


def restore_database(backup: Path, target: Path) -> None:
    """Replace the database at ``target`` with ``backup`` (checked first).

    A healthy target is overwritten page by page through the backup API, under SQLite's
    locks, so another process that has it open (the app) sees the restored data on its
    next read. A damaged one is replaced as a file: close other programs first. The
    caller keeps a copy of the current state before calling this.
    """
    check_backup(backup)
    state = database_state(target)
    if state == "foreign":
        raise StoreError(
            f"{target}: this SQLite file is not a reader database; refusing to replace it"
        )
    source = _open_read_only(backup)
    try:
        if state == "healthy":
            conn = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_S)
            try:
                source.backup(conn)
            finally:
                conn.close()
            return
        fresh = target.with_name(target.name + ".restoring")
        fresh.unlink(missing_ok=True)
        copy_database(source, fresh)
        for suffix in ("-wal", "-shm", "-journal"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(fresh, target)
    except sqlite3.Error as error:
        raise user_error(target, error) from None
    except OSError as error:
        raise StoreError(f"{target}: restore failed ({error})") from None
    finally:
        source.close()
