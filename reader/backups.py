"""Backup file names and the retention rule. Pure: no files, no clock, no database.

Backups live in a ``backups/`` folder beside the database, named after it:

- ``reader-auto-2026-03-02.db``: the automatic backup of that day (at most one a day);
  only these are ever deleted, by :func:`backups_to_keep`.
- ``reader-20260302-093000.db``: made by ``reader backup``.
- ``reader-before-restore-20260302-093000.db``, ``reader-before-repair-...``,
  ``reader-before-upgrade-...``: the state just before ``reader restore``, ``reader doctor
  --repair`` or a schema upgrade by a newer reader changed the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

DAILY = 7
"""Automatic backups kept: the newest seven days that have one..."""
WEEKLY = 4
"""...and, before those, the newest backup of each of four more weeks."""

BACKUP_DIR = "backups"

_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class BackupName:
    """What a backup's file name says about it."""

    kind: str
    """auto, manual, before-restore, before-repair, or other (a file we did not name)."""
    when: datetime | None
    """Naive local time (auto backups: midnight of their day); None for other files."""


def auto_name(stem: str, day: date) -> str:
    return f"{stem}-auto-{day.isoformat()}.db"


def manual_name(stem: str, moment: datetime) -> str:
    return f"{stem}-{moment.strftime(_STAMP)}.db"


def unused(path: Path) -> Path:
    """``path``, or the same name with "-2", "-3", ... before ``.db`` when it is taken: two
    restores within one second were refused ("already exists; choose another name")."""
    first, n = path, 2
    while path.exists():
        path = first.with_name(f"{first.stem}-{n}.db")
        n += 1
    return path


def before_name(stem: str, action: str, moment: datetime) -> str:
    """``action`` is ``restore``, ``repair`` or ``upgrade``."""
    return f"{stem}-before-{action}-{moment.strftime(_STAMP)}.db"


def parse_name(stem: str, name: str) -> BackupName:
    """Read a backup's kind and time from its file name (see the module docstring)."""
    prefix = re.escape(stem)
    if m := re.fullmatch(rf"{prefix}-auto-(\d{{4}}-\d{{2}}-\d{{2}})\.db", name):
        try:
            return BackupName("auto", datetime.fromisoformat(m.group(1)))
        except ValueError:
            return BackupName("other", None)
    if m := re.fullmatch(
        rf"{prefix}-(?:before-(restore|repair|upgrade)-)?(\d{{8}}-\d{{6}})(?:-\d+)?\.db", name
    ):
        try:
            when = datetime.strptime(m.group(2), _STAMP)
        except ValueError:
            return BackupName("other", None)
        return BackupName(f"before-{m.group(1)}" if m.group(1) else "manual", when)
    return BackupName("other", None)


_ANY_BACKUP = re.compile(
    r".+-(?:auto-\d{4}-\d{2}-\d{2}|(?:before-(?:restore|repair|upgrade)-)?\d{8}-\d{6}(?:-\d+)?)\.db"
)


def is_backup_file(path: Path) -> bool:
    """A file named as a backup in a ``backups`` folder: one of some database's backups."""
    return path.parent.name == BACKUP_DIR and _ANY_BACKUP.fullmatch(path.name) is not None


def backups_to_keep(days: Iterable[date], *, daily: int = DAILY, weekly: int = WEEKLY) -> set[date]:
    """The automatic backups (one per day) to keep; the others may be deleted.

    Keeps the newest ``daily`` days, then, going back from there, the newest backup of
    each of ``weekly`` ISO weeks (Monday to Sunday) that hold no daily one. With a backup
    every day, that is eleven files reaching back about five weeks; with gaps (days the
    tool was not used) it reaches further, so a long holiday never empties the folder.
    """
    newest_first = sorted(set(days), reverse=True)
    keep = set(newest_first[:daily])
    covered_weeks = {day.isocalendar()[:2] for day in keep}
    oldest_daily = min(keep) if keep else None
    weeks_kept = 0
    for day in newest_first[daily:]:
        if weeks_kept >= weekly:
            break
        week = day.isocalendar()[:2]
        if week in covered_weeks or (oldest_daily is not None and day >= oldest_daily):
            continue
        keep.add(day)
        covered_weeks.add(week)
        weeks_kept += 1
    return keep
