"""`reader eval`: how well the ranking finds the user's own liked papers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from reader.recommend.features import Features
from reader.recommend.rank import score_catalog

LIKED = 0.5
"""Weights at or above this count as liked (4 and 5 stars)."""


@dataclass(frozen=True)
class EvalReport:
    """Leave-one-out over the liked papers: each one hidden in turn and ranked among the
    papers not rated."""

    n: int
    """Liked papers evaluated."""
    hit_rate_10: float
    hit_rate_50: float
    median_rank: float
    """1 is best; nan when n is 0."""
    mrr: float
    """Mean reciprocal rank."""


def leave_one_out(
    features: Features, weights: Mapping[int, float], *, limit: int | None = 200
) -> EvalReport:
    """Hide each liked paper (at most `limit` of them, evenly spread), score the catalog from
    the rest, and see where the hidden one ranks among all papers not rated.
    """
    liked = sorted(p for p, w in weights.items() if w >= LIKED and features.row_of(p) is not None)
    if limit is not None and len(liked) > limit:
        liked = [liked[i] for i in np.linspace(0, len(liked) - 1, limit).round().astype(int)]
    rated = features.rows(weights)
    ranks = []
    for pid in liked:
        rest = {p: w for p, w in weights.items() if p != pid}
        scores = score_catalog(features, rest)
        row = features.row_of(pid)
        assert row is not None
        mask = np.ones(len(features), bool)
        mask[rated] = False
        mask[row] = True
        ranks.append(1 + int(np.count_nonzero(scores[mask] > scores[row])))
    if not ranks:
        return EvalReport(0, 0.0, 0.0, float("nan"), 0.0)
    r = np.asarray(ranks, dtype=np.float64)
    return EvalReport(
        n=len(ranks),
        hit_rate_10=float(np.mean(r <= 10)),
        hit_rate_50=float(np.mean(r <= 50)),
        median_rank=float(np.median(r)),
        mrr=float(np.mean(1.0 / r)),
    )
