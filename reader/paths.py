"""Where the database lives: an explicit path, the READER_DB variable, or the user data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "reader"
DB_FILENAME = "reader.db"
ENV_VAR = "READER_DB"


def default_db_path() -> Path:
    """The database in the platform's user data directory (e.g. ~/.local/share/reader)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DB_FILENAME


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Pick the database file: ``--db`` first, then ``$READER_DB``, then the data dir."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    return default_db_path()
