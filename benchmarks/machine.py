"""One line describing the machine a benchmark ran on, for docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def describe() -> str:
    """CPUs, CPU model, Python, SQLite, OS and the load average right now (these machines
    are shared: a high load slows every row of a table alike, so compare ratios)."""
    load = " ".join(f"{n:.1f}" for n in os.getloadavg())
    return (
        f"nproc={os.cpu_count()}, CPU: {cpu_model()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}, "
        f"load average {load}"
    )
