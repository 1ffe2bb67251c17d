"""The user's settings: JSON values by key."""

from __future__ import annotations

import json
from typing import Any

from .base import Connection, dumps


class Settings:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, key: str, default: Any = None) -> Any:
        value = self.conn.scalar("SELECT value FROM settings WHERE key = ?", [key])
        return default if value is None else json.loads(value)

    def set(self, key: str, value: Any) -> None:
        with self.conn.transaction() as db:
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, dumps(value)],
            )
