"""What the first paint costs, counted rather than timed: a load-independent companion to
``tui_startup.py``.

The real ``reader`` command (and the bare Textual app of ``tui_startup.py``) is started in
a 120x40 pseudo-terminal as that script does, from the current directory (run it from
the checkout being measured: ``python -c`` puts the current directory first on the path),
and ends itself the moment the first frame holding "Today" (the marker
``tui_startup.py`` waits for) reaches the terminal. Under ``valgrind --tool=callgrind``
the instructions executed up to then are counted, for the main thread (the one that
paints) and for all threads; the counts hardly move with the machine's load, so two
versions can be compared on a busy machine. ``--cpu N`` instead alternates N launches of
each and compares the CPU time they used (all threads), and ``--profile`` writes a
cProfile of the launch (``<dir>/paint-<n>.prof``) to see where the time goes.

    .venv/bin/python benchmarks/first_paint_cost.py --dir /tmp/reader-bench --sizes 50 10000
    .venv/bin/python benchmarks/first_paint_cost.py --sizes 10000 100000 --cpu 5
    .venv/bin/python benchmarks/first_paint_cost.py --sizes 10000 --profile

The databases are the ones ``tui_startup.py`` builds in ``--dir`` (built here if missing).
An installed reader has its modules compiled (``__pycache__``); with
``PYTHONDONTWRITEBYTECODE`` set, a checkout has none and every launch compiles them again
(about 0.15 G instructions): run ``python -m compileall -q reader tui`` first.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

from tui_startup import BARE_APP, database, load_average, machine

STOP_AT_PAINT = """
import os, sys
class _StopAtPaint:
    def __init__(self, stream):
        self._stream = stream
    def write(self, text):
        if "Today" in text:
            {stop}
        return self._stream.write(text)
    def __getattr__(self, name):
        return getattr(self._stream, name)
sys.__stderr__ = _StopAtPaint(sys.__stderr__)
"""
"""Prepended to the launch: leave the process as the first frame with "Today" is written.
Textual's driver writes the screen to ``sys.__stderr__`` (from a thread of its own); the
stream is wrapped rather than Textual patched, so that nothing is imported ahead of the
launch."""

REALLY_STOP = "sys.stdout.flush(); os._exit(0)"
PROFILE_STOP = "_profile.disable(); _profile.dump_stats(os.environ['PAINT_PROFILE']); os._exit(0)"
READER = "from tui.launch import main; main()"


def run_in_pty(argv: list[str], env: dict[str, str], *, timeout: float = 600.0) -> float:
    """Run ``argv`` in a 120x40 pty until it exits; the CPU seconds it used (user and
    system, all its threads)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(env)
        os.environ["TERM"] = "xterm-256color"
        os.execv(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    started = time.perf_counter()
    deadline = started + timeout
    try:
        while time.perf_counter() < deadline:
            done, _status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                return usage.ru_utime + usage.ru_stime
            try:
                if select.select([fd], [], [], 0.05)[0]:
                    os.read(fd, 65536)
            except OSError:
                time.sleep(0.01)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        raise RuntimeError(f"{argv} did not paint within {timeout} s")
    finally:
        os.close(fd)


def instructions(code: str, env: dict[str, str]) -> tuple[int, int]:
    """Instructions executed by ``python -c code`` up to the first paint: by the main
    thread (the one that paints), and by every thread together."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        argv = [
            "/usr/bin/valgrind",
            "--tool=callgrind",
            "--separate-threads=yes",
            f"--callgrind-out-file={out}",
            f"--log-file={tmp}/valgrind.log",
            sys.executable,
            "-c",
            STOP_AT_PAINT.format(stop=REALLY_STOP) + code,
        ]
        run_in_pty(argv, env)
        counts = {}
        for part in Path(tmp).glob("callgrind.out-*"):
            text = part.read_text(errors="replace")
            thread = re.search(r"^thread: (\d+)", text, re.MULTILINE)
            found = re.search(r"^(?:totals|summary): (\d+)", text, re.MULTILINE)
            if thread is None or found is None:
                raise RuntimeError(f"no thread or totals in {part.name}")
            counts[int(thread.group(1))] = int(found.group(1))
    return counts[1], sum(counts.values())


def cpu_seconds(code: str, env: dict[str, str]) -> float:
    """CPU seconds (all threads) ``python -c code`` uses up to the first paint."""
    return run_in_pty([sys.executable, "-c", STOP_AT_PAINT.format(stop=REALLY_STOP) + code], env)


def profile(code: str, env: dict[str, str], dest: Path) -> None:
    """A cProfile of ``python -c code`` up to the first paint, saved to ``dest``."""
    start = "import cProfile; _profile = cProfile.Profile(); _profile.enable()\n"
    argv = [sys.executable, "-c", start + STOP_AT_PAINT.format(stop=PROFILE_STOP) + code]
    run_in_pty(argv, {**env, "PAINT_PROFILE": str(dest)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 10_000, 100_000])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/reader-bench"))
    parser.add_argument("--profile", action="store_true", help="cProfile instead of counting")
    parser.add_argument(
        "--cpu",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="CPU time instead of instructions: ROUNDS launches of each, alternated",
    )
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    env: dict[str, str] = {}  # the child inherits PYTHONPATH and the rest
    if args.profile:
        for n in args.sizes:
            dest = args.dir / f"paint-{n}.prof"
            profile(READER, {**env, "READER_DB": str(database(args.dir, n))}, dest)
            print(f"{n:>8,} papers: {dest}")
        return
    print(machine())
    print(f"load average before: {load_average()}")
    if args.cpu:
        cpu_ratios(args.dir, args.sizes, args.cpu)
        print(f"load average after: {load_average()}")
        return
    bare, bare_all = instructions(BARE_APP, {**env, "READER_DB": "/dev/null"})
    print(
        f"bare Textual app, M instructions to first paint: {bare / 1e6:,.0f} in the main"
        f" thread, {bare_all / 1e6:,.0f} in all"
    )
    print(f"{'papers':>8} {'main thread':>12} {'x bare':>7} {'all threads':>12} {'x bare':>7}")
    for n in args.sizes:
        main_thread, every = instructions(READER, {**env, "READER_DB": str(database(args.dir, n))})
        print(
            f"{n:>8,} {main_thread / 1e6:12,.0f} {main_thread / bare:7.2f}"
            f" {every / 1e6:12,.0f} {every / bare_all:7.2f}",
            flush=True,
        )
    print(f"load average after: {load_average()}")


def cpu_ratios(directory: Path, sizes: list[int], rounds: int) -> None:
    """Median CPU time to first paint, the bare app and reader alternated ``rounds``
    times, and the median of the per-round ratios."""
    dbs = {n: database(directory, n) for n in sizes}
    bare: list[float] = []
    ratios: dict[int, list[float]] = {n: [] for n in sizes}
    seconds: dict[int, list[float]] = {n: [] for n in sizes}
    for _ in range(rounds):
        bare.append(cpu_seconds(BARE_APP, {"READER_DB": "/dev/null"}))
        for n in sizes:
            seconds[n].append(cpu_seconds(READER, {"READER_DB": str(dbs[n])}))
            ratios[n].append(seconds[n][-1] / bare[-1])
    print(f"bare Textual app: {statistics.median(bare):.3f} s CPU to first paint")
    print(f"{'papers':>8} {'CPU s':>7} {'x bare':>7}  per round")
    for n in sizes:
        each = " ".join(f"{r:.2f}" for r in ratios[n])
        print(
            f"{n:>8,} {statistics.median(seconds[n]):7.3f} "
            f"{statistics.median(ratios[n]):7.2f}  {each}"
        )


if __name__ == "__main__":
    main()
