"""CPU time of ``rank.suggest`` on a saved index: this checkout's ranking against another
``rank.py`` (e.g. main's), in alternated rounds on the same loaded index (issue 15).

    git show main:reader/recommend/rank.py > /tmp/rank_main.py
    python benchmarks/suggest_rounds.py --catalog /tmp/c1m.jsonl --index /tmp/c1m.features \
        --old /tmp/rank_main.py [--rounds 5] [--users 6]

The index is built from the catalog (``benchmarks/gen_catalog.py``) with this checkout's
code and saved the first time, then only loaded. The old ``rank.py`` is imported under
another module name beside this checkout's package, so both rank the same ``Features``.
Users rate random catalog papers: 30 liked and 10 disliked (as ``recommend.py --scale``),
and one user each with 10 and with 200 ratings. Each round times every user once with
each code, the order of the two codes alternating between rounds; the CPU seconds
(``time.process_time``: user + system) are reported per user as the median over rounds,
with the ratio new / old. Before timing, both codes' suggestion lists are compared
(ids, reasons, terms, exploration pick) and their ``score_catalog`` scores.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType

import numpy as np
from machine import describe  # benchmarks/machine.py, beside this script
from recommend import stream_items

from reader.recommend import rank
from reader.recommend.features import Features, build_features

DAY = datetime.date(2026, 12, 1)


def load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("rank_old", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["rank_old"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def index(catalog: Path, file: Path) -> Features:
    if not file.exists():
        t0 = time.perf_counter()
        built = build_features(lambda: stream_items(catalog))
        with open(file, "wb") as stream:
            built.save(stream)
        print(f"built and saved the index in {time.perf_counter() - t0:.0f} s", flush=True)
        del built
    t0 = time.perf_counter()
    with open(file, "rb") as stream:
        features = Features.load(stream)
    print(f"loaded {len(features)} papers in {time.perf_counter() - t0:.1f} s", flush=True)
    return features


def make_users(features: Features, count: int, seed: int) -> list[dict[int, float]]:
    users = []
    sizes = [(30, 10)] * max(0, count - 2) + [(8, 2), (150, 50)][: min(2, count)]
    for k, (liked, disliked) in enumerate(sizes):
        rng = np.random.default_rng([seed, k])
        ids = rng.choice(features.ids, liked + disliked, replace=False).tolist()
        users.append({int(p): 1.0 for p in ids[:liked]} | {int(p): -1.0 for p in ids[liked:]})
    return users


def same_lists(a: list[rank.Suggestion], b: list[rank.Suggestion], tol: float) -> bool:
    return len(a) == len(b) and all(
        x.paper_id == y.paper_id
        and x.because_of == y.because_of
        and x.terms == y.terms
        and x.exploration == y.exploration
        and abs(x.score - y.score) <= tol
        for x, y in zip(a, b, strict=True)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--old", type=Path, required=True, help="the old rank.py")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--users", type=int, default=6)
    parser.add_argument("--n", type=int, default=10, help="suggestions per call")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(describe())
    features = index(args.catalog, args.index)
    old = load_module(args.old)
    users = make_users(features, args.users, args.seed)
    codes = {"old": old, "new": rank}

    def call(module: ModuleType, weights: dict[int, float]) -> list[rank.Suggestion]:
        return module.suggest(features, weights, n=args.n, exclude=(), day=DAY, seed=args.seed)

    worst = 0.0
    for k, weights in enumerate(users):
        a = old.score_catalog(features, weights)
        b = rank.score_catalog(features, weights)
        diff = float(np.abs(a.astype(np.float64) - b).max())
        worst = max(worst, diff)
        lists = same_lists(call(old, weights), call(rank, weights), 1e-4)
        print(
            f"user {k} ({len(weights)} rated): scores differ by at most {diff:.2e}; "
            f"same suggestions: {lists}",
            flush=True,
        )
    times: dict[str, list[list[float]]] = {name: [[] for _ in users] for name in codes}
    system = dict.fromkeys(codes, 0.0)
    wall: dict[str, list[float]] = {name: [] for name in codes}
    for r in range(args.rounds):
        order = ["old", "new"] if r % 2 == 0 else ["new", "old"]
        for name in order:
            for k, weights in enumerate(users):
                before = os.times()
                c0, w0 = time.process_time(), time.perf_counter()
                call(codes[name], weights)
                times[name][k].append(time.process_time() - c0)
                wall[name].append(time.perf_counter() - w0)
                after = os.times()
                system[name] += after.system - before.system
        print(f"round {r + 1}/{args.rounds} done, load {os.getloadavg()[0]:.1f}", flush=True)
    print(
        f"\nCPU seconds per suggest(n={args.n}) call, median of {args.rounds} rounds "
        f"(min-max); load average at the end {os.getloadavg()}:"
    )
    for k, weights in enumerate(users):
        o, n = times["old"][k], times["new"][k]
        mo, mn = statistics.median(o), statistics.median(n)
        print(
            f"user {k} ({len(weights)} rated): old {mo:.3f} ({min(o):.3f}-{max(o):.3f}), "
            f"new {mn:.3f} ({min(n):.3f}-{max(n):.3f}), new/old {mn / mo:.2f}"
        )
    total_old = sum(statistics.median(t) for t in times["old"])
    total_new = sum(statistics.median(t) for t in times["new"])
    print(
        f"wall clock per call, median over all users and rounds: old "
        f"{statistics.median(wall['old']):.3f} s, new {statistics.median(wall['new']):.3f} s"
    )
    print(
        f"system time (part of the CPU time): old {system['old']:.2f} s, new {system['new']:.2f} s "
        f"over all rounds"
    )
    print(
        f"all users: old {total_old:.2f} s, new {total_new:.2f} s, "
        f"new/old {total_new / total_old:.2f}; scores differ by at most {worst:.2e}"
    )


if __name__ == "__main__":
    sys.exit(main())
