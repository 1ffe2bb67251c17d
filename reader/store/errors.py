"""The one place SQLite's errors become messages a user can act on."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class StoreError(Exception):
    """A problem with the database a user can act on; its text is one clear line."""


class NotFound(StoreError):
    pass


class AlreadyExists(StoreError):
    """A copy's destination exists (another process may have just written it)."""


def user_error(path: Path, error: sqlite3.Error | UnicodeEncodeError) -> StoreError:
    """The one-line :class:`StoreError` for a database error on the file at ``path``."""
    if isinstance(error, UnicodeEncodeError):
        # Python strings can hold lone surrogates (e.g. from JSON "\ud800"); UTF-8 cannot.
        return StoreError(
            f"{path}: text holds invalid Unicode (a lone surrogate at position {error.start}) "
            "that cannot be stored; the change that held it was not saved"
        )
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
            "the change in progress was not saved: free some space and try again"
        )
    if "disk I/O" in message:
        return StoreError(
            f"{path}: the disk failed to read or write ({message}); "
            "check the disk, then run `reader doctor`"
        )
    return StoreError(f"{path}: database error: {message}")
