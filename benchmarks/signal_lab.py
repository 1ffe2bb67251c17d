"""Try new ways of blending the recommender's signals in seconds, not hours.

    python benchmarks/signal_lab.py cache --papers DIR/papers.jsonl --users DIR/users-dev.jsonl \
        --half tune --n-users 150 --seed 0 --out /tmp/lab/t0
    python benchmarks/signal_lab.py fuse /tmp/lab/t0 /tmp/lab/a0 ...

`cache` runs the protocol of `benchmarks/recommend.py` (same users, same splits) once and
saves, per user, the catalog-wide z-scores of each of the production ranking's signals
(TF-IDF centroid, LSA, embedding, the per-user classifier), the classifier's trust, and the
two baselines' scores (arxiv-sanity-lite's SVM, Rocchio). `fuse` reads one or more such
folders and prints recall@50 and nDCG@10 as ratios to the best baseline of each folder for:
the production blend, each signal alone, and reciprocal-rank fusion (Cormack et al. 2009)
added to the blend at several weights. Blends are evaluated on the cached scores, so a new
idea costs seconds; the winner must then be written into ``reader/recommend/rank.py`` and
checked with `benchmarks/recommend.py` on the held-out half. Tune on ``--half tune`` only.
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

import numpy as np
from recommend import (
    baseline_matrix,
    baselines,
    load_items,
    load_libraries,
    make_splits,
    user_metrics,
)
from threadpoolctl import threadpool_limits

from reader.recommend import build_features
from reader.recommend import rank as production

SIGNALS = ("sparse", "lsa", "semantic", "classifier", "knn_sparse", "knn_semantic")
"""The production ranking's four signals, then two it lacks: each paper's closest rated
paper (its highest cosine to any of them), by TF-IDF and by embedding."""
BASELINES = ("svm", "rocchio")


def _z(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64).ravel()
    std = v.std()
    return ((v - v.mean()) / std if std > 0 else v - v.mean()).astype(np.float32)


def cache(args: argparse.Namespace) -> None:
    items = load_items(args.papers)
    libraries = load_libraries(args.users, args.half)
    features = build_features(lambda: items)
    row = {item.id: i for i, item in enumerate(items)}
    splits = make_splits(libraries, row, n_users=args.n_users, seed=args.seed, cold=args.cold)
    rivals = baselines(baseline_matrix(items), args.seed)
    n = len(features)
    signals = np.zeros((len(splits), len(SIGNALS), n), np.float32)
    rival_scores = np.zeros((len(splits), len(BASELINES), n), np.float32)
    trust = np.zeros(len(splits))
    t0 = time.perf_counter()
    for u, (rated, _hidden) in enumerate(splits):
        profile = production.build_profile(features, {int(features.ids[r]): 1.0 for r in rated})
        with threadpool_limits(1, user_api="blas"):
            fitted = production._classifier(features, profile)
        signals[u, 0] = _z(features.matrix @ profile.sparse)
        signals[u, 1] = _z(features.dense @ profile.dense)
        signals[u, 2] = _z(features.semantic @ profile.semantic)
        if fitted is not None:
            signals[u, 3] = _z(features.matrix @ fitted[0] + features.semantic @ fitted[1])
        liked = np.asarray(rated)
        signals[u, 4] = _z((features.matrix @ features.matrix[liked].T).max(axis=1).toarray())
        signals[u, 5] = _z((features.semantic @ features.semantic[liked].T).max(axis=1))
        trust[u] = production._classifier_trust(profile)
        rival_scores[u, 0] = _z(rivals["arxiv-sanity-lite SVM"](rated))
        rival_scores[u, 1] = _z(rivals["Rocchio"](rated))
        if u % 25 == 0:
            print(f"{u}/{len(splits)} users, {time.perf_counter() - t0:.0f} s", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    rated_rows = np.array([r for r, _ in splits], dtype=object)
    hidden_rows = np.array([h for _, h in splits], dtype=object)
    np.savez(
        args.out / "lab.npz",
        signals=signals,
        rivals=rival_scores,
        trust=trust,
        rated=rated_rows,
        hidden=hidden_rows,
    )
    print(f"saved {args.out / 'lab.npz'}: {len(splits)} users x {n} papers")


def rank_bonus(v: np.ndarray, depth: int = 2000, k: float = 10.0) -> np.ndarray:
    """k / (k + rank) over the top `depth` rows of `v` (rank 0 the best, tied values sharing
    the better rank), 0 below them: reciprocal-rank fusion's term, scaled to 1 at the top."""
    out = np.zeros(len(v), np.float32)
    d = min(depth, len(v))
    top = np.argpartition(-v, d - 1)[:d] if d < len(v) else np.arange(len(v))
    rank = np.searchsorted(np.sort(-v[top]), -v[top], side="left")
    out[top] = k / (k + rank)
    return out


class Folder:
    def __init__(self, path: Path) -> None:
        z = np.load(path / "lab.npz", allow_pickle=True)
        self.name = path.name
        self.signals, self.rivals, self.trust = z["signals"], z["rivals"], z["trust"]
        self.splits = list(zip(z["rated"], z["hidden"], strict=True))
        rival_means = [self.metrics(self.rivals[:, i]).mean(axis=0) for i in range(2)]
        self.best = np.maximum(rival_means[0], rival_means[1])
        self.bonus = np.array([[rank_bonus(s) for s in user] for user in self.signals])

    def metrics(self, scores: np.ndarray) -> np.ndarray:
        pairs = zip(scores, self.splits, strict=True)
        return np.array([user_metrics(s, rated, hidden) for s, (rated, hidden) in pairs])

    def ratios(self, scores: np.ndarray) -> tuple[float, float]:
        """(recall@50, nDCG@10) over the best baseline's, by mean."""
        m = self.metrics(scores).mean(axis=0)
        return float(m[1] / self.best[1]), float(m[2] / self.best[2])

    def blend(self, weights: tuple[float, ...], fusion: float) -> np.ndarray:
        """Weights in the order of :data:`SIGNALS` (missing ones 0); the classifier's is
        scaled by its trust, as in production."""
        full = np.zeros(self.signals.shape[1], np.float32)
        full[: len(weights)] = weights
        w = full[None, :, None] * np.ones((len(self.trust), 1, 1), np.float32)
        w[:, 3] *= self.trust[:, None]
        if not fusion:
            return (w * self.signals).sum(axis=1)
        return (w * self.signals).sum(axis=1) + fusion * (w * self.bonus).sum(axis=1)


def fuse(args: argparse.Namespace) -> None:
    folders = [Folder(p) for p in args.folders]
    print("ratios to each folder's best baseline, recall@50 / nDCG@10:")
    print("| variant | " + " | ".join(f.name for f in folders) + " | min | mean |")
    print("|---" * (len(folders) + 3) + "|")

    def show(name: str, per_folder: list[tuple[float, float]]) -> None:
        flat = [x for pair in per_folder for x in pair]
        cells = " | ".join(f"{a:.3f} / {b:.3f}" for a, b in per_folder)
        print(f"| {name} | {cells} | {min(flat):.3f} | {np.mean(flat):.3f} |", flush=True)

    for i, name in enumerate(SIGNALS):
        show(f"{name} alone", [f.ratios(f.signals[:, i]) for f in folders])
    current = (
        1.0,
        production.LSA_WEIGHT,
        production.SEMANTIC_WEIGHT,
        production.CLASSIFIER_WEIGHT,
    )
    show(f"production blend {current}", [f.ratios(f.blend(current, 0.0)) for f in folders])
    if args.knn:
        for knn_sparse, knn_semantic in itertools.product([0.0, 0.25, 0.5, 1.0], repeat=2):
            weights = (*current, knn_sparse, knn_semantic)
            show(
                f"production + knn {knn_sparse, knn_semantic}",
                [f.ratios(f.blend(weights, 0.0)) for f in folders],
            )
        return
    for lsa, sem, clf, fusion in itertools.product(
        [0.3, 0.6], [0.5, 1.0], [1.0, 1.5, 2.0], [0.0, 8.0, 16.0, 32.0]
    ):
        weights = (1.0, lsa, sem, clf)
        cells = [f.ratios(f.blend(weights, fusion)) for f in folders]
        show(f"{weights} + {fusion:g} x rank fusion", cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("cache", help="compute and save every user's signals")
    c.add_argument("--papers", type=Path, required=True)
    c.add_argument("--users", type=Path, required=True)
    c.add_argument("--half", choices=["all", "tune", "holdout"], default="tune")
    c.add_argument("--n-users", type=int, default=150)
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--cold", action="store_true")
    c.add_argument("--out", type=Path, required=True)
    f = sub.add_parser("fuse", help="evaluate blends of cached signals")
    f.add_argument("folders", type=Path, nargs="+")
    f.add_argument("--knn", action="store_true", help="the blend plus closest-paper signals")
    args = parser.parse_args()
    cache(args) if args.command == "cache" else fuse(args)


if __name__ == "__main__":
    main()
