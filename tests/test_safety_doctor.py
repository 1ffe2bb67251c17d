"""`reader doctor`: each kind of damage is found, the dry run changes nothing, --repair
fixes derived data after a backup and never deletes the user's own rows."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.cli import main
from reader.service import open_service
from reader.service.safety import list_backups


def _raw(db_path: Path, *sql: str) -> None:
    """Damage the database behind the store's back (foreign keys off, no triggers help)."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


def _findings(db_path: Path, *, repair: bool = False):
    service = open_service(db_path, seed=False)
    try:
        report = service.doctor(repair=repair)
    finally:
        service.close()
    return report, {f.check: f for f in report.findings}


@pytest.fixture
def seeded(db_path: Path) -> Path:
    service = open_service(db_path)
    service.add_note(1, "a note about grokking")
    service.tag(2, ["theory"])
    service.rate(2, 5)
    service.close()
    return db_path


def test_a_healthy_database_is_healthy(seeded: Path, capsys) -> None:
    report, _ = _findings(seeded)
    assert report.healthy and report.repaired == [] and report.backup is None
    assert main(["--db", str(seeded), "doctor"]) == 0
    assert "The database is healthy." in capsys.readouterr().out


# FTS5's 'delete' with the exact text indexed takes paper 3's entry out of the index.
_FORGET_3 = (
    "INSERT INTO search (search, rowid, title, abstract, authors, notes)"
    " SELECT 'delete', id, title, abstract, authors, notes FROM search_source WHERE id = 3"
)


def _without_search_triggers(*sql: str) -> Callable[[Path], None]:
    """Damage that runs ``sql`` with the triggers that keep the index in step dropped
    (as a program with an old copy of the schema might), then puts them back."""

    def damage(db_path: Path) -> None:
        conn = sqlite3.connect(db_path)
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%search%'"
        ).fetchall()
        assert triggers
        for name, _ in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        for statement in sql:
            conn.execute(statement)
        for _, create in triggers:
            conn.execute(create)
        conn.commit()
        conn.close()

    return damage


DAMAGE: dict[str, tuple[list[str] | Callable[[Path], None], str, str]] = {
    # name: (SQL that damages, check that must fail, text of its detail)
    # The index (m006) reads its text from papers and notes, so damage to it is an entry
    # taken out or put in by hand, or text changed while the triggers were gone.
    "search row missing": ([_FORGET_3], "search_index", "missing"),
    "search row for no paper": (
        [
            "INSERT INTO search (rowid, title, abstract, authors, notes) "
            "VALUES (99999, 'x', '', '[]', '')"
        ],
        "search_index",
        "no longer exist",
    ),
    "search row stale": (
        _without_search_triggers("UPDATE papers SET title = 'wrong' WHERE id = 2"),
        "search_index",
        "out of date",
    ),
    "search notes stale": (
        # The index holds a note text the user no longer has.
        _without_search_triggers(
            "UPDATE notes SET text = 'an older note' WHERE paper_id = 1",
            "INSERT INTO search(search) VALUES ('rebuild')",
            "UPDATE notes SET text = 'a note about grokking' WHERE paper_id = 1",
        ),
        "search_index",
        "out of date",
    ),
    "search rows swapped": (
        # Same words and lengths overall, in the wrong papers: only a word-by-word
        # comparison sees it.
        _without_search_triggers(
            "UPDATE papers SET title = CASE id WHEN 2 THEN 'alpha beta' ELSE 'gamma delta'"
            " END WHERE id IN (2, 3)",
            "INSERT INTO search(search) VALUES ('rebuild')",
            "UPDATE papers SET title = CASE id WHEN 2 THEN 'gamma delta' ELSE 'alpha beta'"
            " END WHERE id IN (2, 3)",
        ),
        "search_index",
        "2 search entry(ies) out of date",
    ),
    "search records lost": (
        # FTS5's own records gone: it cannot even be opened ("vtable constructor failed"),
        # so search and every note failed, and the check itself failed.
        ["DELETE FROM search_data"],
        "search_index",
        "the check itself failed",
    ),
    "bulk marker left behind": (
        [
            # The importer's table (m005); made here too so the test stands on its own.
            "CREATE TABLE IF NOT EXISTS bulk_insert (id INTEGER PRIMARY KEY CHECK (id = 1))",
            "INSERT INTO bulk_insert (id) VALUES (1)",
        ],
        "search_index",
        "marker row",
    ),
    "tag link to no paper": (
        ["INSERT INTO paper_tags (paper_id, tag_id) VALUES (99999, 1)"],
        "orphans",
        "paper_tags",
    ),
    "unused tag": (["INSERT INTO tags (name) VALUES ('lonely')"], "unused_tags", "lonely"),
    "bad feature cache": (
        [
            # A row naming a features file (token "badf00d1") whose bytes are garbage;
            # the test writes that file below.
            "INSERT INTO feature_cache (name, version, built_at, data) "
            "VALUES ('catalog', '1:1:0', 'x', CAST('badf00d1' AS BLOB))"
        ],
        "feature_cache",
        "cannot be loaded",
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_damage_to_derived_data_is_found_and_repaired(seeded: Path, damage: str) -> None:
    sql, check, detail = DAMAGE[damage]
    if callable(sql):
        sql(seeded)
    else:
        _raw(seeded, *sql)
    if check == "feature_cache":
        seeded.with_name(f"{seeded.stem}.catalog-badf00d1.features").write_bytes(b"\x00garbage")
    before = seeded.read_bytes()
    report, found = _findings(seeded)
    assert not found[check].ok and found[check].repairable
    assert any(detail in line for line in found[check].details)
    assert seeded.read_bytes() == before, "the dry run changed the file"
    assert not [b for b in list_backups(seeded) if b.kind == "before-repair"]

    report, found = _findings(seeded, repair=True)
    assert report.healthy, [f for f in report.findings if not f.ok]
    assert report.repaired and report.backup is not None and report.backup.exists()
    # The copy taken before the repair still has the damage (it is the state before).
    copy = sqlite3.connect(report.backup)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copy.close()
    # The user's data is as it was, and search works again.
    service = open_service(seeded, seed=False)
    assert service.paper(2).stars == 5 and service.paper(2).tags == ("theory",)
    assert [n.text for n in service.notes(1)] == ["a note about grokking"]
    assert 1 in [p.id for p in service.search("grokking")]
    service.close()


def test_orphaned_user_data_is_reported_and_kept(seeded: Path) -> None:
    _raw(
        seeded,
        "INSERT INTO notes (paper_id, text, created_at, updated_at) "
        "VALUES (99999, 'keep me', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')",
        "INSERT INTO rating_events (paper_id, stars, at) VALUES (99999, 4, '2026-01-01')",
    )
    report, found = _findings(seeded)
    assert not found["orphans"].ok and not found["orphans"].repairable
    assert not found["foreign_keys"].ok
    assert any("notes" in line and "kept" in line for line in found["orphans"].details)
    report, found = _findings(seeded, repair=True)
    assert not report.healthy and report.repaired == []
    conn = sqlite3.connect(seeded)
    assert conn.execute("SELECT text FROM notes WHERE paper_id = 99999").fetchall() == [
        ("keep me",)
    ]
    conn.close()


def test_duplicates_are_reported_not_merged(seeded: Path) -> None:
    _raw(
        seeded,
        "INSERT INTO papers (id, title, added_at) SELECT 5000, upper(title), added_at "
        "FROM papers WHERE id = 4",
    )
    report, found = _findings(seeded, repair=True)
    assert not found["duplicates"].ok and not found["duplicates"].repairable
    assert found["duplicates"].details == [
        "papers 4, 5000 are the same paper (`reader dedupe --apply` merges them)"
    ]


def _corrupt_index_page(db_path: Path) -> None:
    """Overwrite one page of the title index with garbage: real on-disk damage."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'papers_title'"
    ).fetchone()[0]
    conn.close()
    with open(db_path, "r+b") as handle:
        handle.seek((root - 1) * page_size + 8)
        handle.write(bytes(range(256)) * 8)


def test_on_disk_damage_is_reported_with_exit_code_1(seeded: Path, capsys) -> None:
    _corrupt_index_page(seeded)
    report, found = _findings(seeded)
    assert not found["integrity"].ok and found["integrity"].details
    capsys.readouterr()
    assert main(["--db", str(seeded), "doctor"]) == 1
    out = capsys.readouterr().out
    assert "integrity      PROBLEM" in out


def test_cli_dry_run_then_repair(seeded: Path, capsys) -> None:
    _raw(seeded, _FORGET_3.replace("id = 3", "id IN (1, 2, 3)"))
    capsys.readouterr()
    assert main(["--db", str(seeded), "doctor"]) == 1
    out = capsys.readouterr().out
    assert "search_index   PROBLEM  (--repair fixes this)" in out
    assert "Dry run: nothing changed." in out
    assert main(["--db", str(seeded), "doctor", "--repair"]) == 0
    out = capsys.readouterr().out
    assert "repaired: rebuilt the search index" in out and "before repair is kept as" in out
    assert main(["--db", str(seeded), "doctor"]) == 0


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.health.integrity_check(),
        lambda s: s.health.search_index_problems(),
        lambda s: s.health.check_health(),
    ],
)
def test_checks_leave_no_transaction_open(seeded: Path, call: Callable) -> None:
    service = open_service(seeded, seed=False)
    call(service.store)
    assert not service.store.db.conn.in_transaction
    service.close()


def test_cli_json_for_scripts(seeded: Path, capsys) -> None:
    _raw(seeded, _FORGET_3.replace("id = 3", "id = 2"))
    capsys.readouterr()
    assert main(["--db", str(seeded), "doctor", "--repair", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["healthy"] is True and report["backup"].endswith(".db")
    assert {f["check"] for f in report["findings"]} >= {"integrity", "search_index"}
    assert main(["--db", str(seeded), "backups", "--json"]) == 0
    kinds = [b["kind"] for b in json.loads(capsys.readouterr().out)]
    assert "before-repair" in kinds


def test_doctor_tells_each_step_as_it_starts(seeded: Path) -> None:
    """At a million papers the checks take minutes; the CLI shows these on a terminal."""
    _raw(seeded, "INSERT INTO paper_tags (paper_id, tag_id) VALUES (99999, 1)")
    steps: list[str] = []
    service = open_service(seeded, seed=False)
    try:
        dry = service.doctor(progress=steps.append)
        checks = [f"checking {f.check}" for f in dry.findings]
        assert steps == checks
        assert checks[:3] == [
            "checking integrity",
            "checking foreign_keys",
            "checking search_index",
        ]
        steps.clear()
        service.doctor(repair=True, progress=steps.append)
    finally:
        service.close()
    assert steps == [
        *checks,
        "copying the database aside",
        "removing dangling links",
        *checks,
    ]


def test_the_search_index_check_of_a_read_only_file_finds_nothing_false(db_path: Path) -> None:
    """FTS5's own check is an INSERT: on a file SQLite may not write it failed, doctor
    called the index a PROBLEM, and the --repair it advised could not run."""
    from sqlite_utils import Database

    from reader.store.base import Connection
    from reader.store.maintenance import Health

    open_service(db_path).close()
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        health = Health(Connection(Database(conn), db_path), merges=None)  # type: ignore[arg-type]
        assert health.search_index_problems() == []
    finally:
        conn.close()
