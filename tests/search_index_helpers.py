"""Reading what the full-text index holds. It keeps no copy of the text since m006, so
reading its columns back only reads the papers again: compare entries and words instead."""

from __future__ import annotations

import sqlite3


def index_contents(conn: sqlite3.Connection) -> list[list[tuple]]:
    """What the index holds: each entry's per-column sizes, and every word occurrence."""
    conn.execute("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, search, instance)")
    try:
        return [
            conn.execute("SELECT id, sz FROM search_docsize ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM temp.words").fetchall(),
        ]
    finally:
        conn.execute("DROP TABLE temp.words")


def rebuilt_contents(conn: sqlite3.Connection) -> list[list[tuple]]:
    """What a rebuild from the papers and notes makes (what per-row triggers would have
    written), on an in-memory copy."""
    copy = sqlite3.connect(":memory:")
    try:
        conn.backup(copy)
        copy.execute("INSERT INTO search(search) VALUES ('rebuild')")
        return index_contents(copy)
    finally:
        copy.close()
