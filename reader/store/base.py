"""Opening the database file safely, and the helpers every store module shares."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from reader.backups import BACKUP_DIR, before_name
from reader.migrations import MIGRATION_SET, migrations

BUSY_TIMEOUT_S = 10.0
"""How long a write waits for another process's write to finish before giving up."""
PAGE_SIZE = 16384
"""Page size of new databases (SQLite's default is 4,096). Rows here are large (an
abstract is ~1 KB) and an import writes gigabytes a page at a time: 16 KiB pages took a
million-paper import's commits from 13.4 s to 8.2 s and the whole from 48.9 s to 43.6 s
(32 KiB: no better)."""
DEFERRABLE_INDEXES = {
    "papers_title": "CREATE INDEX papers_title ON papers(title COLLATE NOCASE)",
}
"""Indexes (as m001 made them) that a large import drops and builds again at its end:
one sort instead of a random-order insert per paper. Only the library's sort by title
uses this one; nothing an import looks up depends on it. :func:`connect` builds any
that are missing, so an import killed half-way leaves nothing lasting behind."""


class StoreError(Exception):
    """A problem with the database a user can act on; its text is one clear line."""


class NotFound(StoreError):
    pass


def to_iso(moment: datetime) -> str:
    """Timestamps are stored as UTC ISO 8601 text, which also sorts correctly."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware (UTC) datetime")
    return moment.astimezone(UTC).isoformat()


def from_iso(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.fromisoformat(text)


def utc_now() -> datetime:
    return datetime.now(UTC)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _friendly(path: Path, error: sqlite3.Error) -> StoreError:
    message = str(error)
    if "not a database" in message or "malformed" in message:
        return StoreError(
            f"{path}: not a reader database (the file is not SQLite or is damaged); "
            "point --db at another file or restore a backup"
        )
    if "locked" in message or "busy" in message:
        return StoreError(f"{path}: the database is locked by another program; try again")
    if "readonly" in message or "read-only" in message:
        return StoreError(f"{path}: the database is read-only; check the file's permissions")
    if "unable to open" in message:
        return StoreError(
            f"{path}: cannot open the database file (a missing or read-only folder? "
            "SQLite needs to create files beside it); check the folder's permissions"
        )
    if "full" in message:
        return StoreError(
            f"{path}: the disk is full (or the database reached its size limit); "
            "nothing was saved: free some space and try again"
        )
    if "disk I/O" in message:
        return StoreError(
            f"{path}: the disk failed to read or write ({message}); "
            "check the disk, then run `reader doctor`"
        )
    return StoreError(f"{path}: database error: {message}")


def _bad_text(path: Path, error: UnicodeEncodeError) -> StoreError:
    """Python strings can hold lone surrogates (e.g. from JSON "\\ud800"); UTF-8 cannot."""
    return StoreError(
        f"{path}: text holds invalid Unicode (a lone surrogate at position {error.start}) "
        "that cannot be stored; nothing was saved"
    )


def connect(path: Path) -> Database:
    """Open (creating if needed) and migrate the database at ``path``.

    Raises :class:`StoreError` with a one-line message for every file we cannot use;
    nothing is written to a file that is not ours.
    """
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file")
    existed = path.exists()
    if not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"{path.parent}: cannot create the folder ({error.strerror})"
            ) from None
    try:
        # Threads: the TUI runs store calls from worker threads one at a time, so the
        # connection may be used from a thread other than the one that made it.
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        db = Database(conn)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        _check_ours(db, path)
        new = not db.table_names()
        if new and existed:
            # An existing file with nothing of ours in it (an empty file, say
            # `--db empty.bib`) is someone else's: never turn it into a database.
            conn.close()
            raise StoreError(
                f"{path}: exists but is not a reader database (it is empty); refusing to "
                "change it: give --db a path that does not exist yet, or delete the file"
            )
        if new:
            # Only a new file can take it (an existing one would need a VACUUM).
            db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        if not new and migrations.pending(db):
            _backup_before_upgrade(conn, path)
        migrations.apply(db)
        ensure_indexes(conn)
    except sqlite3.Error as error:
        raise _friendly(path, error) from None
    return db


def index_names(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def ensure_indexes(conn: sqlite3.Connection) -> list[str]:
    """Build those of :data:`DEFERRABLE_INDEXES` that are missing; returns their names.
    Writes nothing when none is (so a read-only file still opens)."""
    present = index_names(conn)
    missing = [name for name in DEFERRABLE_INDEXES if name not in present]
    if missing:
        with write_transaction(conn):
            for name in missing:
                conn.execute(DEFERRABLE_INDEXES[name])
    return missing


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction on ``conn`` (see :meth:`StoreBase._write`, which adds the
    error messages): BEGIN IMMEDIATE, or a savepoint when one is open already. Any
    exception, KeyboardInterrupt and a failed COMMIT included, rolls back what it covers.
    """
    if conn.in_transaction:
        conn.execute("SAVEPOINT reader_write")
        try:
            yield
        except BaseException:
            if conn.in_transaction:  # else SQLite has rolled back everything
                conn.execute("ROLLBACK TO SAVEPOINT reader_write")
                conn.execute("RELEASE SAVEPOINT reader_write")
            raise
        conn.execute("RELEASE SAVEPOINT reader_write")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")  # may fail (a deferred constraint, a full disk)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _backup_before_upgrade(conn: sqlite3.Connection, path: Path) -> None:
    """Each migration rolls back on failure, but a copy of the old file also guards
    against a migration that succeeds and is wrong."""
    folder = path.parent / BACKUP_DIR
    try:
        folder.mkdir(exist_ok=True)
        target = sqlite3.connect(str(folder / before_name(path.stem, "upgrade", datetime.now())))
        try:
            conn.backup(target)
        finally:
            target.close()
    except (OSError, sqlite3.Error) as error:
        raise StoreError(
            f"{path}: not upgraded: could not keep a copy of it first in {folder} ({error})"
        ) from None


def _check_ours(db: Database, path: Path) -> None:
    tables = set(db.table_names())
    if not tables:
        return
    if "_sqlite_migrations" not in tables or "papers" not in tables:
        raise StoreError(
            f"{path}: this SQLite file is not a reader database; refusing to change it"
        )
    applied = {
        row[0]
        for row in db.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
        )
    }
    known = {m.name for m in migrations._migrations}
    newer = applied - known
    if newer:
        raise StoreError(
            f"{path}: made by a newer version of reader (schema {sorted(newer)[-1]}); "
            "upgrade reader to open it"
        )


class StoreBase:
    """The connection and transaction helpers the store's parts share."""

    def __init__(self, db: Database, path: Path) -> None:
        self.db = db
        self.path = path

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Database errors (and text SQLite cannot store) inside become one-line
        StoreErrors."""
        try:
            yield
        except sqlite3.Error as error:
            raise _friendly(self.path, error) from None
        except UnicodeEncodeError as error:
            raise _bad_text(self.path, error) from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; database errors become StoreError.

        It takes the write lock up front (BEGIN IMMEDIATE): a deferred transaction that
        reads and then writes cannot wait for another process's write to end and fails
        at once with "database is locked"; an immediate one waits (busy timeout), and
        what it read stays true until it commits. Nested use becomes a savepoint, and a
        failure inside one takes back only the savepoint's work. Any exception,
        KeyboardInterrupt and a failed COMMIT included, rolls back what it covers.
        """
        conn = self.db.conn
        # The rollback happens inside, before a lone surrogate's error is mapped here.
        with self._errors(), write_transaction(conn):
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """:meth:`_write` for code that writes through sqlite-utils' table helpers."""
        with self._write():
            yield self.db

    def _query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        try:
            return list(self.db.query(sql, params))
        except sqlite3.Error as error:
            raise _friendly(self.path, error) from None
        except UnicodeEncodeError as error:
            raise _bad_text(self.path, error) from None

    def _scalar(self, sql: str, params: Any = ()) -> Any:
        try:
            row = self.db.execute(sql, params).fetchone()
        except sqlite3.Error as error:
            raise _friendly(self.path, error) from None
        except UnicodeEncodeError as error:
            raise _bad_text(self.path, error) from None
        return None if row is None else row[0]
