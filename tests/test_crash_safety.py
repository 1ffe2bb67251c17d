"""SIGKILL a writing process at random moments, again and again: nothing committed is lost,
nothing is half written, the file stays healthy. (benchmarks/stress.py runs more rounds.)"""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from pathlib import Path

import pytest

ROUNDS = 20


def _stress():
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "stress.py"
    spec = importlib.util.spec_from_file_location("reader_stress", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


stress = _stress()


def test_killed_writers_lose_nothing_committed(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    result = stress.crash_rounds(db, ROUNDS, seed=20260302, max_delay=0.3)
    assert result.problems == []
    assert (result.rounds, result.kills) == (ROUNDS, ROUNDS)
    # The kills landed while it was writing: there is work to lose.
    assert result.writes_reported > ROUNDS * 5
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM papers WHERE title LIKE 'stress %'").fetchone()[0]
    conn.close()


def test_the_checker_sees_lost_and_half_written_data(tmp_path: Path) -> None:
    """The check above can fail: remove one committed paper's tag, one reported rating and
    one note, and each is reported."""
    db = tmp_path / "crash.db"
    stress.prepare(db)
    out = stress._spawn("writer", str(db), "probe", "1.0", "5").communicate(timeout=60)[0]
    reported = stress.Reported()
    reported.read(out.split("\n")[:-1])
    assert reported.batches and reported.ratings and reported.notes
    assert stress.lost_writes(db, reported) == []
    paper_id, stars, at = reported.ratings[0]
    note_id = next(iter(reported.notes))
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM rating_events WHERE paper_id = ? AND at = ?", [paper_id, at])
    conn.execute("DELETE FROM notes WHERE id = ?", [note_id])
    conn.execute(
        "DELETE FROM paper_tags WHERE paper_id = (SELECT min(id) FROM papers"
        " WHERE title LIKE 'stress %')"
    )
    conn.commit()
    conn.close()
    problems = stress.lost_writes(db, reported)
    assert any("rating" in p for p in problems)
    assert any(f"note {note_id}" in p for p in problems)
    assert any("has tags" in p for p in problems)


@pytest.mark.parametrize("size", [1, 37])
def test_a_half_batch_is_detected(tmp_path: Path, size: int) -> None:
    db = tmp_path / "crash.db"
    stress.prepare(db)
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO papers (title, added_at) VALUES (?, '2026-01-01')",
        [f"stress x-1 0/{size + 1}"],
    )
    conn.commit()
    conn.close()
    assert any("batch x-1" in p for p in stress.lost_writes(db, stress.Reported()))
