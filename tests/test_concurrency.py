"""Two writer processes and a reader on one database at once: no "database is locked",
no lost write. (benchmarks/stress.py --concurrency runs longer.)"""

from __future__ import annotations

from pathlib import Path

from reader.service import open_service
from tests.test_crash_safety import stress

SECONDS = 3.0


def test_two_writers_and_a_reader(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    result = stress.concurrency(db, SECONDS, seed=3)
    assert result.errors == []
    assert result.lost == []
    assert result.writes_reported > 50 and result.reads > 10


def test_an_open_service_sees_another_process_writes(tmp_path: Path) -> None:
    """What the TUI relies on for refresh: a long-open connection reads new commits."""
    db = tmp_path / "shared.db"
    app = open_service(db)
    before = app.count()
    out = stress._spawn("writer", str(db), "other", "0.5", "9").communicate(timeout=60)[0]
    reported = stress.Reported()
    reported.read(out.split("\n")[:-1])
    assert reported.batches
    assert app.count() == before + sum(reported.batches.values())
    paper_id, stars, _ = reported.ratings[-1]
    assert app.paper(paper_id).stars == stars
    app.rate(1, 2)  # and it can still write
    app.close()
