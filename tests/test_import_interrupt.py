"""An import killed with SIGKILL mid-way leaves a sound database holding whole batches
only; running it again finishes the job without duplicates, and the title index that
a large import builds only at its end is back as soon as the database is opened."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from import_speed import generate  # noqa: E402

from reader.cli import main  # noqa: E402

LINES = 120_000  # the import commits every 2 s or 50,000 papers: several commits


def stored(db: Path) -> int:
    if not db.exists():  # never create it: reader refuses an existing empty file
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def workers_for(data: Path) -> list[int]:
    """Pids of live import worker processes reading ``data``."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if b"reader.import_worker" in args and str(data).encode() in args and state != "Z":
            pids.append(int(proc.name))
    return pids


def test_sigkill_mid_import_then_rerun(tmp_path: Path, capsys) -> None:
    data = tmp_path / "snapshot.jsonl"
    generate(data, LINES)
    db = tmp_path / "kill.db"
    cmd = [sys.executable, "-m", "reader.cli", "--db", str(db), "import", str(data), "-q"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while stored(db) < 5000 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None, "the import finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    # The parsing child process (reader.import_worker) notices and exits by itself.
    deadline = time.monotonic() + 30
    while workers_for(data) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert workers_for(data) == []

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    count = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    seeds = conn.execute("SELECT count(*) FROM papers WHERE source LIKE 'seed:%'").fetchone()[0]
    assert 0 < count - seeds < LINES
    assert (count - seeds) % 5000 == 0  # whole batches only
    # No half-written paper: each has its search row and its category tags.
    assert (
        conn.execute(
            "SELECT count(*) FROM papers p WHERE p.source NOT LIKE 'seed:%' AND ("
            " NOT EXISTS (SELECT 1 FROM search WHERE rowid = p.id)"
            " OR NOT EXISTS (SELECT 1 FROM paper_tags WHERE paper_id = p.id))"
        ).fetchone()[0]
        == 0
    )
    # The import dropped the title index to build it at the end, which it never reached.
    assert not conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'papers_title'"
    ).fetchone()
    conn.close()

    assert main(["--db", str(db), "import", str(data), "-q"]) == 0
    out = capsys.readouterr().out
    assert f"added {LINES - (count - seeds)}," in out
    assert f"{count - seeds} already in the library" in out
    conn = sqlite3.connect(db)
    assert (
        conn.execute("SELECT count(*) FROM papers WHERE source NOT LIKE 'seed:%'").fetchone()[0]
        == LINES
    )
    assert (
        conn.execute(
            "SELECT count(*) FROM (SELECT title_key FROM papers WHERE title_key != ''"
            " GROUP BY title_key HAVING count(*) > 1)"
        ).fetchone()[0]
        == 0
    )
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'papers_title'"
    ).fetchone() == ("CREATE INDEX papers_title ON papers(title COLLATE NOCASE)",)
    conn.close()
