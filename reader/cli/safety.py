"""Data-safety commands: backups, restore, doctor. (``reader backup`` is in library.py.)"""

from __future__ import annotations

import sys

import click

from reader.paths import resolve_db_path
from reader.service import ServiceError, open_service
from reader.service.safety import backup_dir, list_backups, restore
from reader.units import human_size, plural

from .base import (
    _default_clock,
    confirm,
    db_option,
    echo_json,
    json_option,
    open_from,
    printable,
)


def _doctor_step(step: str) -> None:
    click.echo(f"{step}…", err=True)


def _db_path(ctx: click.Context, db_path: str | None):
    return resolve_db_path(db_path or ctx.ensure_object(dict).get("db_path"))


@click.command()
@json_option
@db_option
@click.pass_context
def backups(ctx, as_json, db_path):
    """List the database's backups, newest first (automatic ones: 7 daily + 4 weekly)."""
    path = _db_path(ctx, db_path)
    found = list_backups(path)
    if as_json:
        echo_json([{**vars(b), "path": str(b.path)} for b in found])
        return
    if not found:
        click.echo(f"No backups yet in {backup_dir(path)}.")
        return
    for b in found:
        when = b.when.strftime("%Y-%m-%d %H:%M") if b.when else "?"
        click.echo(f"{when}  {b.kind:<14} {human_size(b.size):>9}  {b.path.name}")
    click.echo(f"({len(found)} in {backup_dir(path)})")


@click.command("restore")
@click.argument("backup")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@db_option
@click.pass_context
def restore_cmd(ctx, backup, yes, db_path):
    """Replace the database with BACKUP (a name from `reader backups`, or a path).

    The current database is first copied to the backups folder, so a restore can itself
    be undone.
    """
    path = _db_path(ctx, db_path)
    if not yes:
        confirm(
            f"Replace {path} with {backup}? (the current state is kept as a backup)",
            what="nothing restored",
        )
    clock = ctx.ensure_object(dict).get("clock") or _default_clock()
    source, before = restore(path, backup, now=clock())
    # Open once, so a backup from an older version is migrated now, not on next use.
    open_service(path, clock=clock, seed=False).close()
    if before is not None:
        click.echo(f"the database before this restore is kept as {before}")
    click.echo(f"restored {source.name} to {path}")


@click.command()
@click.option("--repair", is_flag=True, help="Fix what can be fixed safely (after a backup).")
@json_option
@db_option
@click.pass_context
def doctor(ctx, repair, as_json, db_path):
    """Check the database (integrity, links, search index, duplicates, feature cache).

    Without --repair nothing is changed. --repair first copies the database to the
    backups folder, then rebuilds derived data (search index, feature cache, dangling
    tag links); your papers, ratings and notes are never deleted.
    """
    # The checks read every page and build a twin of the search index: a minute or two
    # at a million papers, so a terminal is told what is under way.
    report = open_from(ctx, db_path).doctor(
        repair=repair, progress=_doctor_step if sys.stderr.isatty() else None
    )
    if as_json:
        echo_json(
            {
                "healthy": report.healthy,
                "findings": report.findings,
                "repaired": report.repaired,
                "backup": str(report.backup) if report.backup else None,
            }
        )
    else:
        for finding in report.findings:
            state = "ok" if finding.ok else "PROBLEM"
            fix = "  (--repair fixes this)" if not finding.ok and finding.repairable else ""
            click.echo(f"{finding.check:<14} {state}{fix}")
            for line in finding.details:
                click.echo(f"    {printable(line)}")
        for line in report.repaired:
            click.echo(f"repaired: {printable(line)}")
        if report.backup is not None:
            click.echo(f"the database before repair is kept as {report.backup}")
        fixable = sum(1 for f in report.findings if not f.ok and f.repairable)
        if not repair and fixable:
            click.echo(
                f"Dry run: nothing changed. `reader doctor --repair` fixes {fixable} of these."
            )
        elif report.healthy:
            click.echo("The database is healthy.")
    if not report.healthy:
        # One closing line and exit code 1, so scripts notice.
        problems = sum(1 for f in report.findings if not f.ok)
        raise ServiceError(f"{plural(problems, 'check')} found problems (listed above)")


COMMANDS = [backups, restore_cmd, doctor]
