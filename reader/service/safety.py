"""Data safety: automatic daily backups, listing and restoring them, and the doctor.

The rule for which automatic backups to keep is the pure :func:`reader.backups.backups_to_keep`;
the SQL is in :mod:`reader.store.maintenance` and the file copies in
:mod:`reader.store.files`. Restoring and listing work on paths, without opening the current
database, because the usual reason to restore is a database that no longer opens.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reader.backups import (
    BACKUP_DIR,
    auto_name,
    backups_to_keep,
    before_name,
    parse_name,
    unused,
)
from reader.store import Finding, StoreError
from reader.store.errors import AlreadyExists
from reader.store.files import check_backup, copy_aside, restore_database
from reader.when import local_date

if TYPE_CHECKING:
    pass

from .context import Context
from .suggest import Suggesting

Warn = Callable[[str], None]
STALE_PARTIAL_S = 3600
"""A backup's temporary file older than this was left by a process that was killed."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    kind: str
    """auto, manual, before-restore, before-repair or other."""
    when: datetime | None
    size: int


@dataclass(frozen=True)
class DoctorReport:
    findings: list[Finding]
    repaired: list[str]
    """What --repair did (empty on a dry run)."""
    backup: Path | None
    """The copy made before repairing."""

    @property
    def healthy(self) -> bool:
        return all(f.ok for f in self.findings)


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / BACKUP_DIR


def list_backups(db_path: Path) -> list[BackupFile]:
    """Every backup of the database at ``db_path``, newest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    found: list[BackupFile] = []
    for path in folder.glob(f"{db_path.stem}-*.db"):
        if not path.is_file():
            continue
        name = parse_name(db_path.stem, path.name)
        stat = path.stat()
        made = datetime.fromtimestamp(stat.st_mtime)
        when = name.when or made
        if name.kind == "auto" and when.date() == made.date():
            when = made  # its name has the day only; it was not made at midnight
        found.append(BackupFile(path, name.kind, when, stat.st_size))
    return sorted(found, key=lambda b: (b.when or datetime.min, b.path.name), reverse=True)


def find_backup(db_path: Path, ref: str) -> Path:
    """A backup from what the user typed: a path, or a file name in the backups folder."""
    as_path = Path(ref).expanduser()
    if as_path.is_file():
        return as_path
    in_folder = backup_dir(db_path) / ref
    if in_folder.is_file():
        return in_folder
    raise StoreError(f"{ref}: no such backup (see `reader backups`)")


def restore(db_path: Path, ref: str, *, now: datetime) -> tuple[Path, Path | None]:
    """Restore backup ``ref`` over the database at ``db_path``.

    The backup is checked first (a reader database, not from a newer version, passing
    SQLite's integrity check); then the current database is copied aside; then it is
    replaced. Returns (backup restored, copy of the state before).
    """
    source = find_backup(db_path, ref)
    check_backup(source)
    if source.resolve() == db_path.resolve():
        raise StoreError(f"{source}: that is the database itself, not a backup")
    before: Path | None = None
    if db_path.exists() and db_path.stat().st_size > 0:
        before = unused(backup_dir(db_path) / before_name(db_path.stem, "restore", now))
        copy_aside(db_path, before)
    restore_database(source, db_path)
    return source, before


class Safety:
    """Automatic backups and the doctor, over the open database. A repair that resets the
    feature cache also makes ``suggesting`` forget the features it holds."""

    def __init__(self, ctx: Context, suggesting: Suggesting) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.suggesting = suggesting

    def auto_backup(self) -> Path | None:
        """Today's automatic backup, unless it exists or the database holds nothing yet;
        then delete automatic backups the retention rule no longer keeps."""
        today = local_date(self.ctx.clock(), self.ctx.tz)
        folder = backup_dir(self.store.path)
        target = folder / auto_name(self.store.path.stem, today)
        if target.exists():  # the cheap check, first
            return None
        if self.store.papers.paper_count() == 0:
            return None
        try:
            self.store.files.backup(target)
        except AlreadyExists:
            return None  # another process made the day's backup between the check and here
        self._prune_auto_backups()
        return target

    def _prune_auto_backups(self) -> list[Path]:
        autos = {
            b.when.date(): b.path
            for b in list_backups(self.store.path)
            if b.kind == "auto" and b.when is not None
        }
        keep = backups_to_keep(autos)
        removed = []
        for day, path in autos.items():
            if day not in keep:
                path.unlink(missing_ok=True)
                removed.append(path)
        # What a killed backup left; a younger one may be another process's, being written.
        stale = time.time() - STALE_PARTIAL_S
        for path in backup_dir(self.store.path).glob("*.partial"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < stale:
                    path.unlink()
                    removed.append(path)
        return removed

    def backups(self) -> list[BackupFile]:
        return list_backups(self.store.path)

    def doctor(
        self, *, repair: bool = False, progress: Callable[[str], None] | None = None
    ) -> DoctorReport:
        """Check the database; with ``repair``, first copy it aside, then fix what can be
        fixed without touching the user's own data, then check again. ``progress`` is
        told what starts next ("checking integrity", "rebuilding the search index")."""
        step = progress or (lambda _: None)
        findings = self._check(step)
        if not repair:
            return DoctorReport(findings, [], None)
        needed = [f for f in findings if not f.ok and f.repairable]
        if not needed:
            return DoctorReport(findings, [], None)
        step("copying the database aside")
        copy = unused(
            backup_dir(self.store.path)
            / before_name(self.store.path.stem, "repair", self.ctx.clock())
        )
        self.store.files.backup(copy)
        done: list[str] = []
        names = {f.check for f in needed}
        if "search_index" in names:
            step("rebuilding the search index")
            rows = self.store.health.rebuild_search_index()
            done.append(f"rebuilt the search index ({rows} papers)")
        if names & {"orphans", "unused_tags"}:
            step("removing dangling links")
            rows = self.store.health.remove_derived_orphans()
            done.append(f"removed {rows} dangling tag link(s), suggestion(s) or unused tag(s)")
        if "feature_cache" in names:
            step("resetting the feature cache")
            rows = self.store.health.reset_feature_cache()
            done.append(f"reset the recommender's feature cache ({rows} entry(ies))")
        self.suggesting.forget_features()
        return DoctorReport(self._check(step), done, copy)

    def _check(self, step: Callable[[str], None]) -> list[Finding]:
        findings = self.store.health.check_health(lambda name: step(f"checking {name}"))
        step("checking feature_cache")
        findings.append(self._feature_cache_finding())
        return findings

    def _feature_cache_finding(self) -> Finding:
        bad: list[str] = []
        for name in self.store.health.feature_cache_names():
            cached = self.store.suggestions.cached_features(name)
            if cached is None:
                continue
            try:
                self.suggesting.load_index(cached[1])
            except Exception as error:  # any failure to load means: rebuild it
                bad.append(f"cache {name!r} cannot be loaded ({type(error).__name__})")
        return Finding("feature_cache", not bad, bad, repairable=bool(bad))


__all__ = [
    "BackupFile",
    "DoctorReport",
    "Safety",
    "Warn",
    "backup_dir",
    "find_backup",
    "list_backups",
    "restore",
]
