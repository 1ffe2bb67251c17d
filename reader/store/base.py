"""Opening the database file safely, and the helpers every store module shares."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.backups import BACKUP_DIR, before_name

from .errors import NotFound, StoreError, user_error

if TYPE_CHECKING:
    from sqlite_utils import Database

# sqlite-utils (which loads numpy) and the migrations are imported by ``connect`` when a
# database is opened, not with this module: the app reads what its first screen shows
# through ``reader.store.glance`` before either is needed (docs/benchmarks.md).

BUSY_TIMEOUT_S = 10.0
"""How long a write waits for another process's write to finish before giving up."""
PAGE_SIZE = 16384
"""Page size of new databases (SQLite's default is 4,096): rows are large (an abstract is
~1 KB), and larger pages make a big import's commits cheaper (docs/benchmarks.md)."""
DEFERRABLE_INDEXES = {
    "papers_title": "CREATE INDEX papers_title ON papers(title COLLATE NOCASE)",
}
"""Indexes (as m001 made them) that a large import drops and builds again at its end:
one sort instead of a random-order insert per paper. Only the library's sort by title
uses this one; nothing an import looks up depends on it. :func:`connect` builds any
that are missing, so an import killed half-way leaves nothing lasting behind."""


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


def connect(path: Path) -> Database:
    """Open (creating if needed) and migrate the database at ``path``.

    Raises :class:`StoreError` with a one-line message for every file we cannot use;
    nothing is written to a file that is not ours.
    """
    from sqlite_utils import Database

    from reader.migrations import migrations

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
        check_ours(db, path)
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
        raise user_error(path, error) from None
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
    """One write transaction on ``conn`` (see :meth:`Connection.write`, which adds the
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
    from .files import copy_database  # files checks backups with check_ours, below

    folder = path.parent / BACKUP_DIR
    try:
        copy_database(conn, folder / before_name(path.stem, "upgrade", datetime.now()))
    except StoreError as error:
        raise StoreError(
            f"{path}: not upgraded: could not keep a copy of it first in {folder} ({error})"
        ) from None


def check_ours(db: Database, path: Path) -> None:
    from reader.migrations import MIGRATION_SET, migrations

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


def require_paper(db: Database, paper_id: int) -> None:
    if not db.execute("SELECT 1 FROM papers WHERE id = ?", [paper_id]).fetchone():
        raise NotFound(f"no paper with id {paper_id}")


class Connection:
    """The open database and its path, with the transaction and error handling every
    repository shares (each repository takes one of these)."""

    def __init__(self, db: Database, path: Path) -> None:
        self.db = db
        self.path = path

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Database errors (and text SQLite cannot store) inside become one-line
        StoreErrors (see :func:`reader.store.errors.user_error`)."""
        try:
            yield
        except (sqlite3.Error, UnicodeEncodeError) as error:
            raise user_error(self.path, error) from None

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
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
        with self.errors(), write_transaction(conn):
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """:meth:`write` for code that writes through sqlite-utils' table helpers."""
        with self.write():
            yield self.db

    def remove_if_latest(
        self, table: str, paper_id: int, event_id: int, *, kind: str | None = None
    ) -> bool:
        """Delete event ``event_id`` of a paper's history ``table`` (of ``kind``, in
        ``feedback_events``) if it is still the paper's latest there, so the history is
        exactly what it was before it (an undo). False, nothing removed, when a later
        event exists or it is gone; the paper is checked too, as an id freed by a
        deletion may be given to another paper's event."""
        where = "paper_id = ?" if kind is None else "paper_id = ? AND kind = ?"
        params: list[int | str] = [paper_id] if kind is None else [paper_id, kind]
        with self.write() as db:
            latest = db.execute(f"SELECT max(id) FROM {table} WHERE {where}", params).fetchone()[0]
            if latest != event_id:
                return False
            db.execute(f"DELETE FROM {table} WHERE id = ?", [event_id])
        return True

    def data_version(self) -> int:
        """A number that changes when another connection (another of the app's, an
        import's, the command line's) commits a change: a list kept on screen was read
        before it, and may be out of date, when this differs from the number read with it."""
        with self.errors():
            version: int = self.db.execute("PRAGMA data_version").fetchone()[0]
        return version

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        with self.errors():
            return list(self.db.query(sql, params))

    def scalar(self, sql: str, params: Any = ()) -> Any:
        with self.errors():
            row = self.db.execute(sql, params).fetchone()
        return None if row is None else row[0]
