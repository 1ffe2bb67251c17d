"""Resident memory of ``build_features`` over time: this process and each worker, sampled
from /proc every 0.25 s, with a mark when each stage of the build starts and ends, so the
moment of the peak can be found (issue 15). Optionally saves the index.

    python benchmarks/build_memory.py --catalog /tmp/c1m.jsonl --log /tmp/mem.log \
        [--save /tmp/c1m.features]
    PYTHONPATH=<old checkout> python benchmarks/build_memory.py ...   # the old code

Prints the build's wall and CPU time and the peaks: this process, the process tree at
once, and the largest worker (VmHWM, read while it runs). The log has one line per
sample: seconds, this process's RSS, each child's RSS, their total (MB). Imports stay
inside ``main``: the workers are spawned and import this file as their main module.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time
from pathlib import Path
from typing import IO

STAGES = ["_count_catalog", "_apply_idf", "_reduce", "_project", "_clusters"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--save", type=Path)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from machine import describe
    from recommend import TreeMemory, stream_items

    import reader.recommend.features as features_module

    print(describe(), flush=True)
    start = time.perf_counter()
    log: IO[str] = args.log.open("w")
    lock = threading.Lock()

    def write(line: str) -> None:
        with lock:
            log.write(f"{time.perf_counter() - start:8.1f} {line}\n")

    def marked(name: str) -> None:
        inner = getattr(features_module, name)

        def wrapper(*a: object, **k: object) -> object:
            write(f"MARK enter {name}")
            try:
                return inner(*a, **k)
            finally:
                write(f"MARK exit {name}")

        setattr(features_module, name, wrapper)

    for name in STAGES:
        marked(name)
    stop = threading.Event()
    peaks = {"self": 0.0, "tree": 0.0, "worker": 0.0}

    def sample() -> None:
        me = os.getpid()
        while not stop.wait(0.25):
            kids = TreeMemory._children(me)
            mine = TreeMemory._status(me, "VmRSS")
            theirs = [TreeMemory._status(k, "VmRSS") for k in kids]
            peaks["self"] = max(peaks["self"], mine)
            peaks["tree"] = max(peaks["tree"], mine + sum(theirs))
            # Workers only: the short-lived vocabulary process runs alone, first.
            if len(kids) > 2:
                hwm = max(TreeMemory._status(k, "VmHWM") for k in kids)
                peaks["worker"] = max(peaks["worker"], hwm)
            shown = " ".join(f"{m:.0f}" for m in theirs)
            write(f"self {mine:7.0f} kids {shown} total {mine + sum(theirs):.0f}")

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    cpu = time.process_time()
    built = features_module.build_features(lambda: stream_items(args.catalog))
    wall = time.perf_counter() - start
    stop.set()
    thread.join()
    log.close()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"build_features: {len(built)} papers, {wall:.1f} s wall, CPU "
        f"{time.process_time() - cpu:.0f} s here + "
        f"{children.ru_utime + children.ru_stime:.0f} s in child processes"
    )
    print(
        f"peak RSS: this process {peaks['self']:.0f} MB (getrusage "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB), process tree "
        f"at once {peaks['tree']:.0f} MB, largest worker {peaks['worker']:.0f} MB (VmHWM); "
        f"load average at the end {os.getloadavg()}"
    )
    if args.save is not None:
        with args.save.open("wb") as stream:
            built.save(stream)


if __name__ == "__main__":
    main()
