"""Try shapes of close reading (how the sentence encoder re-orders the top) in minutes.

    python benchmarks/signal_lab.py cache --papers DIR/papers.jsonl --users DIR/users-dev.jsonl \
        --half tune --n-users 150 --seed 0 --out /tmp/lab/t0
    python benchmarks/close_reading_lab.py DIR/papers.jsonl:/tmp/lab/t0 \
        OTHER/papers.jsonl:/tmp/lab/a0 ...

Each argument pairs a papers file with a folder that `signal_lab.py cache` wrote for it. The
encoder's rows of the catalog come from `recommend.py`'s cache (``--vectors``; encoded once,
2-6 minutes for a CiteULike set). For every user it takes the production blend's best
``--pool`` unrated papers and computes the close-reading signals of
:func:`reader.recommend.rank._read_closely` (the mean cosine to the k closest liked papers, the
cross-fitted pool contrast, the classifier against the reference sample, then the pool
neighbourhood of the result), then prints recall@50 / nDCG@10 as ratios to the folder's best
baseline for a grid of weights, with the mean and the minimum of the cells. Tune on
``--half tune`` only; check a choice with `recommend.py --half holdout`.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from pathlib import Path

import numpy as np
from recommend import encoded_catalog, load_items
from signal_lab import Folder, _z

from reader.recommend import rank as production


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", nargs="+", help="PAPERS.jsonl:FOLDER")
    parser.add_argument("--pool", type=int, nargs="+", default=[200])
    parser.add_argument("--nearest", type=int, nargs="+", default=[3])
    parser.add_argument("--near-weights", type=float, nargs="+", default=[1.0, 2.0, 3.0])
    parser.add_argument("--contrast-weights", type=float, nargs="+", default=[0.0, 2.0, 3.0, 4.0])
    parser.add_argument("--reference-weights", type=float, nargs="+", default=[0.0, 2.0])
    parser.add_argument("--neighbour-weights", type=float, nargs="+", default=[0.0, 1.0])
    parser.add_argument(
        "--vectors", type=Path, default=Path(tempfile.gettempdir()) / "reader-benchmark-vectors"
    )
    args = parser.parse_args()
    weights = (
        1.0,
        production.LSA_WEIGHT,
        production.SEMANTIC_WEIGHT,
        production.CLASSIFIER_WEIGHT,
    )
    runs = []
    for pair in args.pairs:
        papers, folder_path = pair.rsplit(":", 1)
        folder = Folder(Path(folder_path))
        items = load_items(Path(papers))
        encoded = encoded_catalog(items, Path(papers), args.vectors)
        keys = production.id_hashes(np.array([item.id for item in items]))
        blend = folder.blend(weights, 0.0)
        users = []
        for u, (rated, _hidden) in enumerate(folder.splits):
            rated = np.asarray(rated)
            others = blend[u].copy()
            others[rated] = -np.inf
            order = np.argsort(-others, kind="stable")
            liked = encoded[rated]
            per_pool = {}
            for size in args.pool:
                pool = order[:size]
                sims = encoded[pool] @ liked.T
                near = {}
                for k in args.nearest:
                    kk = min(k, sims.shape[1])
                    near[k] = np.partition(sims, sims.shape[1] - kk, axis=1)[:, -kk:].mean(axis=1)
                sample = encoded[production._reference_rows(keys, np.concatenate([rated, pool]))]
                per_pool[size] = (
                    pool,
                    near,
                    _z(production._contrast(liked, encoded[pool])),
                    _z(production._against_reference(liked, sample, encoded[pool])),
                )
            users.append(per_pool)
        runs.append((folder, blend, users, encoded))
        print(f"{folder.name}: production blend {folder.ratios(blend)}", flush=True)
    names = " | ".join(run[0].name for run in runs)
    print(f"| pool | k | near | contrast | reference | neighbours | {names} | mean | min |")
    print("|---" * (len(runs) + 8) + "|")
    grid = itertools.product(
        args.pool,
        args.nearest,
        args.near_weights,
        args.contrast_weights,
        args.reference_weights,
        args.neighbour_weights,
    )
    for size, k, w_near, w_contrast, w_reference, w_neighbours in grid:
        cells: list[float] = []
        for folder, blend, users, encoded in runs:
            out = blend.copy()
            for u, per_pool in enumerate(users):
                pool, near, contrast, reference = per_pool[size]
                moved = (
                    blend[u][pool]
                    + w_near * _z(near[k])
                    + w_contrast * contrast
                    + w_reference * reference
                )
                if w_neighbours:
                    around = production._neighbourhood(
                        encoded[pool], moved, production.CLOSE_READING_NEIGHBOURS
                    )
                    moved = moved + w_neighbours * _z(around)
                out[u][pool] = moved
            cells += list(folder.ratios(out))
        shown = " | ".join(f"{cells[i]:.3f} / {cells[i + 1]:.3f}" for i in range(0, len(cells), 2))
        print(
            f"| {size} | {k} | {w_near:g} | {w_contrast:g} | {w_reference:g} | {w_neighbours:g} | "
            f"{shown} | {np.mean(cells):.3f} | {min(cells):.3f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
