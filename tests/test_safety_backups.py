"""Automatic daily backups, the retention rule, listing and restoring."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from reader.backups import auto_name, backups_to_keep, before_name, manual_name, parse_name
from reader.cli import main
from reader.service import StoreError, open_service
from reader.service.safety import list_backups, restore
from reader.store.files import check_backup
from tests.conftest import TickingClock

# The retention rule -----------------------------------------------------------------------


def _days(start: date, count: int) -> list[date]:
    return [start - timedelta(days=n) for n in range(count)]


TUESDAY = date(2026, 3, 3)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        pytest.param([], set(), id="none"),
        pytest.param([TUESDAY], {TUESDAY}, id="one"),
        pytest.param(_days(TUESDAY, 7), set(_days(TUESDAY, 7)), id="a-week-all-kept"),
        pytest.param(
            _days(TUESDAY, 60),
            # Dailies: Tue 3 Mar back to Wed 25 Feb. That week (23 Feb - 1 Mar) holds a
            # daily, so weeklies are the Sundays of the four weeks before it.
            set(_days(TUESDAY, 7))
            | {date(2026, 2, 22), date(2026, 2, 15), date(2026, 2, 8), date(2026, 2, 1)},
            id="every-day-for-60-days",
        ),
        pytest.param(
            # Used only on Mondays for three months: 7 dailies are 7 Mondays, then four
            # more Mondays as weeklies.
            [TUESDAY - timedelta(days=1 + 7 * n) for n in range(13)],
            {TUESDAY - timedelta(days=1 + 7 * n) for n in range(11)},
            id="weekly-use",
        ),
        pytest.param(
            # A long holiday: the newest backups are old, but kept all the same.
            [date(2025, 12, 20) - timedelta(days=n) for n in range(3)],
            {date(2025, 12, 20), date(2025, 12, 19), date(2025, 12, 18)},
            id="after-a-holiday",
        ),
    ],
)
def test_retention_rule(days: list[date], expected: set[date]) -> None:
    assert backups_to_keep(days) == expected


def test_retention_keeps_at_most_eleven_and_never_the_oldest_over_the_newest() -> None:
    days = _days(TUESDAY, 400)
    kept = backups_to_keep(days)
    assert len(kept) == 11
    assert max(days) in kept
    assert backups_to_keep(kept) == kept  # applying it again deletes nothing more


@pytest.mark.parametrize(
    ("name", "kind", "when"),
    [
        (auto_name("reader", date(2026, 3, 2)), "auto", datetime(2026, 3, 2)),
        (
            manual_name("reader", datetime(2026, 3, 2, 9, 30, 1)),
            "manual",
            datetime(2026, 3, 2, 9, 30, 1),
        ),
        (
            before_name("reader", "restore", datetime(2026, 3, 2, 9, 30)),
            "before-restore",
            datetime(2026, 3, 2, 9, 30),
        ),
        (
            before_name("reader", "repair", datetime(2026, 3, 2, 9, 30)),
            "before-repair",
            datetime(2026, 3, 2, 9, 30),
        ),
        ("reader-auto-2026-13-45.db", "other", None),
        ("other-auto-2026-03-02.db", "other", None),
        ("reader-notes.db", "other", None),
    ],
)
def test_backup_names(name: str, kind: str, when: datetime | None) -> None:
    parsed = parse_name("reader", name)
    assert (parsed.kind, parsed.when) == (kind, when)


# Automatic backups on open ----------------------------------------------------------------


def _clock_at(day: date) -> TickingClock:
    return TickingClock(datetime(day.year, day.month, day.day, 12, tzinfo=UTC))


def test_no_backup_of_a_brand_new_database(db_path: Path) -> None:
    open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC).close()
    assert list_backups(db_path) == []


def test_one_automatic_backup_a_day_with_the_data_in_it(db_path: Path) -> None:
    service = open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC)
    service.rate(1, 4)
    service.close()
    for _ in range(3):
        open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC).close()
    found = list_backups(db_path)
    assert [(b.kind, b.path.name) for b in found] == [("auto", "reader-auto-2026-03-03.db")]
    copy = sqlite3.connect(found[0].path)
    assert copy.execute("SELECT stars FROM rating_events WHERE paper_id = 1").fetchall() == [(4,)]
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
    copy.close()


def test_sixty_days_of_use_keep_seven_daily_and_four_weekly(db_path: Path) -> None:
    open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC, seed=True).close()
    for day in reversed(_days(TUESDAY, 60)):
        open_service(db_path, clock=_clock_at(day), tz=UTC).close()
    autos = sorted(b.when.date() for b in list_backups(db_path) if b.kind == "auto")
    assert autos == sorted(backups_to_keep(_days(TUESDAY, 60)))
    assert len(autos) == 11


def test_manual_and_before_backups_are_never_pruned(db_path: Path) -> None:
    service = open_service(db_path, clock=_clock_at(TUESDAY - timedelta(days=90)), tz=UTC)
    manual = service.backup()
    service.close()
    for day in reversed(_days(TUESDAY, 30)):
        open_service(db_path, clock=_clock_at(day), tz=UTC).close()
    assert manual.exists()


def test_a_failing_backup_warns_and_the_app_still_opens(db_path: Path) -> None:
    open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC).close()
    (db_path.parent / "backups").write_text("a file where the folder should be")
    warnings: list[str] = []
    service = open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC, warn=warnings.append)
    assert service.paper(1).id == 1
    service.close()
    assert len(warnings) == 1 and "automatic backup skipped" in warnings[0]
    assert "\n" not in warnings[0]


def test_a_failing_backup_prints_one_warning_line_in_the_cli(db_path: Path, capsys) -> None:
    assert main(["--db", str(db_path), "list", "--limit", "1"]) == 0
    (db_path.parent / "backups").write_text("not a folder")
    capsys.readouterr()
    assert main(["--db", str(db_path), "list", "--limit", "1"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("reader: warning: automatic backup skipped") and err.count("\n") == 1


def test_a_crash_during_a_backup_leaves_no_file_under_the_real_name(db_path: Path) -> None:
    open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC).close()
    folder = db_path.parent / "backups"
    folder.mkdir()
    # What a killed backup leaves: a partial file. It must neither count as today's
    # backup nor block it, and is removed once old (a young one may be another process's).
    left = folder / (auto_name("reader", TUESDAY) + ".partial")
    left.write_bytes(b"half")
    young = folder / ".young.partial"
    young.write_bytes(b"being written")
    two_hours_ago = time.time() - 7200
    os.utime(left, (two_hours_ago, two_hours_ago))
    open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC).close()
    assert [b.kind for b in list_backups(db_path)] == ["auto"]
    assert not left.exists() and young.exists()


def test_processes_making_the_days_backup_at_once_leave_one_good_backup(
    db_path: Path,
) -> None:
    """Every process wrote the same "….partial" file and deleted or renamed the others':
    "backup failed (disk I/O error)" warnings, days with no backup, and once a 0-byte
    backup that stopped the day's real one."""
    import subprocess
    import sys

    open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC).close()
    folder = db_path.parent / "backups"
    for _ in range(3):
        shutil.rmtree(folder, ignore_errors=True)
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "reader.cli", "--db", str(db_path), "tag", "1", f"t{k}"],
                stderr=subprocess.PIPE,
                text=True,
            )
            for k in range(8)
        ]
        errors = [p.communicate()[1] for p in procs]
        assert not [e for e in errors if "backup" in e]
        (backup,) = [b for b in list_backups(db_path) if b.kind == "auto"]
        assert backup.size > 0
        check_backup(backup.path)
        assert not list(folder.glob("*.partial"))


def test_a_backup_another_process_finishes_first_is_not_a_failure(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race the test above hit once in CI: another process renamed its finished backup
    into place after this one saw no backup and before it began to copy; the day was
    reported as "automatic backup skipped: … already exists"."""
    open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC).close()  # the seeds
    service = open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC, warn=pytest.fail)
    shutil.rmtree(db_path.parent / "backups")
    papers = service.safety.store.papers
    real_count = papers.paper_count

    def count_while_another_process_finishes() -> int:
        service.safety.store.files.backup(
            db_path.parent / "backups" / auto_name(db_path.stem, TUESDAY)
        )
        return real_count()

    monkeypatch.setattr(papers, "paper_count", count_while_another_process_finishes)
    try:
        assert service.auto_backup() is None
    finally:
        service.close()
    (backup,) = list_backups(db_path)
    check_backup(backup.path)


# Restore --------------------------------------------------------------------------------


def _stars(db: Path, paper_id: int = 1) -> int | None:
    service = open_service(db, seed=False)
    try:
        return service.paper(paper_id).stars
    finally:
        service.close()


def test_restore_brings_back_the_backup_and_keeps_the_state_before(db_path: Path) -> None:
    service = open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC)
    service.rate(1, 2)
    kept = service.backup()
    service.rate(1, 5)
    service.add_note(1, "written after the backup")
    service.close()

    source, before = restore(db_path, kept.name, now=datetime(2026, 3, 3, 13))
    assert source == kept and before is not None
    assert _stars(db_path) == 2
    # The state before the restore is itself a backup that can be restored.
    restore(db_path, str(before), now=datetime(2026, 3, 3, 14))
    assert _stars(db_path) == 5


def test_restore_while_another_process_has_the_database_open(db_path: Path) -> None:
    app = open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC)
    app.rate(1, 3)
    kept = app.backup()
    app.rate(1, 1)
    restore(db_path, str(kept), now=datetime(2026, 3, 3, 13))
    # The open connection sees the restored data on its next read, and can keep writing.
    assert app.paper(1).stars == 3
    app.rate(2, 4)
    app.close()
    assert _stars(db_path, 2) == 4


def test_restore_over_a_damaged_database(db_path: Path) -> None:
    service = open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC)
    service.rate(1, 4)
    kept = service.backup()
    service.close()
    damaged = b"this used to be a database" * 100
    db_path.write_bytes(damaged)
    assert main(["--db", str(db_path), "list"]) == 1
    assert main(["--db", str(db_path), "restore", kept.name, "--yes"]) == 0
    assert _stars(db_path) == 4
    before = [b for b in list_backups(db_path) if b.kind == "before-restore"]
    assert len(before) == 1 and before[0].path.read_bytes() == damaged


EXPECTED_REFUSAL = {
    "missing": "no such backup",
    "not-sqlite": "not a reader database",
    "foreign": "not a reader database",
    "newer": "newer version of reader",
    "damaged": "damaged",
}


@pytest.mark.parametrize("problem", ["missing", "not-sqlite", "foreign", "newer", "damaged"])
def test_restore_refuses_a_bad_backup_and_changes_nothing(
    db_path: Path, tmp_path: Path, problem: str
) -> None:
    service = open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC)
    service.rate(1, 4)
    good = service.backup()
    service.close()
    bad = tmp_path / "bad.db"
    if problem == "not-sqlite":
        bad.write_text("hello")
    elif problem == "foreign":
        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE other (x)")
        conn.commit()
        conn.close()
    elif problem in ("newer", "damaged"):
        bad.write_bytes(good.read_bytes())
        conn = sqlite3.connect(bad)
        if problem == "newer":
            conn.execute(
                "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                "VALUES ('reader', 'm999_future', 'x')"
            )
        else:
            conn.execute("PRAGMA writable_schema = ON")
            conn.execute("UPDATE sqlite_master SET rootpage = 2 WHERE name = 'papers_title'")
        conn.commit()
        conn.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError) as caught:
        restore(db_path, str(bad), now=datetime(2026, 3, 3, 13))
    message = str(caught.value)
    assert "\n" not in message and "bad.db" in message
    assert EXPECTED_REFUSAL[problem] in message
    assert db_path.read_bytes() == before
    assert [b.kind for b in list_backups(db_path)] == ["manual"]


def test_restore_refuses_to_replace_another_programs_database(tmp_path: Path) -> None:
    reader_db = tmp_path / "reader.db"
    service = open_service(reader_db)
    good = service.backup()
    service.close()
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE precious (x)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(StoreError, match="not a reader database"):
        restore(other, str(good), now=datetime(2026, 3, 3, 13))
    assert other.read_bytes() == before


def test_cli_backups_and_restore(db_path: Path, capsys) -> None:
    db = str(db_path)
    assert main(["--db", db, "rate", "1", "3"]) == 0
    assert main(["--db", db, "backup"]) == 0
    assert main(["--db", db, "rate", "1", "5"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "backups"]) == 0
    listing = capsys.readouterr().out.splitlines()
    manual = next(line.split()[-1] for line in listing if " manual " in line)
    assert main(["--db", db, "restore", manual, "--yes"]) == 0
    out = capsys.readouterr().out
    assert f"restored {manual}" in out and "before this restore" in out
    assert _stars(db_path) == 3
    assert main(["--db", db, "restore", "no-such-backup.db", "--yes"]) == 1
    assert "no such backup" in capsys.readouterr().err


def test_an_automatic_backup_is_listed_at_the_time_it_was_made(db_path: Path) -> None:
    """Its name has the day only, and the list said 00:00 for a backup made at 08:06."""
    for _ in range(2):  # made, then backed up at the next opening
        open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC).close()
    (backup,) = list_backups(db_path)
    at_eight = datetime(TUESDAY.year, TUESDAY.month, TUESDAY.day, 8, 6).timestamp()
    os.utime(backup.path, (at_eight, at_eight))
    (listed,) = list_backups(db_path)
    assert (listed.when.hour, listed.when.minute) == (8, 6)  # type: ignore[union-attr]
    elsewhen = datetime(2020, 1, 1, 9, 0).timestamp()  # copied in on another day: the name's
    os.utime(backup.path, (elsewhen, elsewhen))
    (listed,) = list_backups(db_path)
    assert listed.when == datetime(TUESDAY.year, TUESDAY.month, TUESDAY.day)


def test_two_restores_within_a_second_keep_both_states(db_path: Path) -> None:
    """The copy made before a restore is named by the second: a second restore within it
    was refused ("already exists; choose another name"), which the user cannot act on."""
    service = open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC)
    backup = service.backup()
    service.close()
    now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    first = restore(db_path, backup.name, now=now)[1]
    second = restore(db_path, backup.name, now=now)[1]
    assert first is not None and second is not None and first != second
    assert second.name.endswith("-2.db") and first.exists() and second.exists()
    kinds = {b.path.name: b.kind for b in list_backups(db_path)}
    assert kinds[first.name] == kinds[second.name] == "before-restore"


def test_a_damaged_database_makes_no_backup_and_keeps_the_old_ones(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A copy of a damaged database was kept as the day's backup (restore refuses it) and
    counted by the retention rule, so good backups were pruned for it."""
    service = open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC)
    damaged = service.backup(tmp_path / "damaged.db")
    service.close()
    with open(damaged, "r+b") as handle:  # two b-tree pages overwritten with junk
        for page in (10, 12):
            handle.seek((page - 1) * 16384)
            handle.write(b"\x0d\x00\xff\xff" + b"\xab" * 200)
    folder = tmp_path / "backups"
    folder.mkdir()
    older = folder / auto_name("damaged", TUESDAY - timedelta(days=1))
    shutil.copy(db_path, older)

    assert main(["--db", str(damaged), "backup"]) == 1
    err = capsys.readouterr().err
    assert "not written: the database is damaged" in err and "reader doctor --repair" in err
    assert [b.path for b in list_backups(damaged)] == [older]
    assert not list(folder.glob("*.partial"))


def test_a_backup_opened_as_the_library_is_refused_and_left_as_it_was(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`reader --db backups/reader-auto-….db list` changed the backup (its journal mode)
    and made backups of it in backups/backups/."""
    import hashlib

    open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC).close()
    kept = open_service(db_path, clock=_clock_at(TUESDAY), tz=UTC).backup()
    before = hashlib.sha256(kept.read_bytes()).hexdigest()
    assert main(["--db", str(kept), "list"]) == 1
    assert f"{kept}: is a backup; `reader restore {kept.name}` brings it back" in (
        capsys.readouterr().err
    )
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == before
    assert not (kept.parent / "backups").exists()
    elsewhere = db_path.parent / "copy.db"
    shutil.copy(kept, elsewhere)
    assert main(["--db", str(elsewhere), "list"]) == 0


@pytest.mark.parametrize(
    ("path", "backup"),
    [
        ("lib/backups/reader-auto-2026-03-02.db", True),
        ("lib/backups/my-papers-20260302-101010-2.db", True),
        ("lib/backups/reader-before-upgrade-20260302-101010.db", True),
        ("lib/backups/reading.db", False),
        ("lib/reader-auto-2026-03-02.db", False),
    ],
)
def test_what_is_a_backup_file(path: str, backup: bool) -> None:
    from reader.backups import is_backup_file

    assert is_backup_file(Path(path)) is backup
