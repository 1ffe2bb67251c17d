"""Does reading a day's arrivals closely order them better for the user?

    python benchmarks/arrivals_lab.py --papers DIR/papers.jsonl --users DIR/users-dev.jsonl \
        [--half tune|holdout] [--n-users 300] [--seed 0] [--pools 50 100 200]

The inbox (and the head of Today) ranks one day's arrivals with :func:`rank_among`, not the
whole catalog. This simulates such days on the protocol of `benchmarks/recommend.py` (same
users, same 80/20 splits): for each user, a "day" is 500 random papers the user has not
rated plus a quarter of the user's hidden papers (the ones the day brings that the user
will want). Each day is ranked by the blend alone and by the blend with its best papers read
closely (pools of `--pools` papers; the encoder's rows come from ``--vectors`` as in
`recommend.py`). Printed: nDCG@10 and recall@5 (the day's first picks) per variant, and each
read-closely variant's ratio to the blend alone with a 95% bootstrap interval of the paired
difference. Tune on ``--half tune`` only.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
from recommend import (
    bootstrap_ci,
    encoded_catalog,
    load_items,
    load_libraries,
    make_splits,
)

from reader.recommend import build_features
from reader.recommend import rank as production

DAY = 500
"""Papers of a day the user has not rated, besides the ones the user will want."""


def day_metrics(order: list[int], wanted: set[int]) -> tuple[float, float]:
    """(nDCG@10, recall@5) of a day's order (paper ids, best first)."""
    hit = np.array([pid in wanted for pid in order[:10]], float)
    dcg = float((hit / np.log2(np.arange(2, 2 + len(hit)))).sum())
    idcg = float((1 / np.log2(np.arange(2, 2 + min(10, len(wanted))))).sum())
    return dcg / idcg, hit[:5].sum() / min(5, len(wanted))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=Path, required=True)
    parser.add_argument("--users", type=Path, required=True)
    parser.add_argument("--half", choices=["all", "tune", "holdout"], default="tune")
    parser.add_argument("--n-users", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pools", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument(
        "--vectors", type=Path, default=Path(tempfile.gettempdir()) / "reader-benchmark-vectors"
    )
    args = parser.parse_args()
    items = load_items(args.papers)
    features = build_features(lambda: items)
    vectors = encoded_catalog(items, args.papers, args.vectors)
    row = {item.id: i for i, item in enumerate(items)}
    libraries = load_libraries(args.users, args.half)
    splits = make_splits(libraries, row, n_users=args.n_users, seed=args.seed, cold=False)
    rng = np.random.default_rng(args.seed)

    def read(ids: list[int]) -> np.ndarray:
        return vectors[features.rows(ids)]

    variants = ["blend", *(f"read closely, pool {p}" for p in args.pools)]
    results: dict[str, list[tuple[float, float]]] = {v: [] for v in variants}
    for rated, hidden in splits:
        unrated = np.setdiff1d(rng.choice(len(items), DAY, replace=False), rated)
        wanted = hidden[rng.permutation(len(hidden))[: max(1, len(hidden) // 4)]]
        day = [int(features.ids[r]) for r in np.union1d(unrated, wanted)]
        wanted_ids = {int(features.ids[r]) for r in wanted}
        weights = {int(features.ids[r]): 1.0 for r in rated}
        plain = production.rank_among(features, weights, day, explain=0)
        results["blend"].append(day_metrics([s.paper_id for s in plain], wanted_ids))
        for pool in args.pools:
            production.ARRIVALS_CLOSE_READING_POOL = pool
            ranked = production.rank_among(features, weights, day, explain=0, read_closely=read)
            order = [s.paper_id for s in ranked]
            results[f"read closely, pool {pool}"].append(day_metrics(order, wanted_ids))
    print(
        f"{args.papers}: {args.half} half, {len(splits)} users, seed {args.seed}, "
        f"days of {DAY} papers + a quarter of each user's hidden ones"
    )
    print(
        "| variant | nDCG@10 | recall@5 | nDCG@10 vs blend (95% CI) | recall@5 vs blend (95% CI) |"
    )
    print("|---|---|---|---|---|")
    base = np.array(results["blend"])
    for name in variants:
        m = np.array(results[name])
        cells = []
        for col in (0, 1):
            d = m[:, col] - base[:, col]
            lo, hi = bootstrap_ci(d, args.seed)
            mean = base[:, col].mean()
            cells.append(f"x{1 + d.mean() / mean:.3f} ({lo / mean:+.1%} .. {hi / mean:+.1%})")
        print(f"| {name} | {m[:, 0].mean():.4f} | {m[:, 1].mean():.4f} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
