"""What the user's profile is made of, in words: the terms that weigh most in it.

The weights are those the sparse score uses (:func:`reader.recommend.rank.build_profile`:
the centroid of the liked papers and interests, minus the disliked ones, times
``idf ** PROFILE_IDF_POWER``), scaled so that the heaviest term weighs 1.0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from reader.recommend.explain import GENERIC, pretty_term
from reader.recommend.features import Features
from reader.recommend.rank import build_profile
from reader.recommend.terms import CatalogItem


@dataclass(frozen=True)
class TasteTerms:
    """The profile's heaviest terms, each with its weight relative to the heaviest."""

    toward: tuple[tuple[str, float], ...]
    """Terms that lift a paper, heaviest first (weights in (0, 1])."""
    away: tuple[tuple[str, float], ...]
    """Terms that push a paper down (from disliked papers), heaviest first (weights < 0)."""


def taste_terms(
    features: Features,
    weights: Mapping[int, float],
    interests: Sequence[str] = (),
    *,
    k: int = 12,
) -> TasteTerms:
    """The `k` heaviest terms each way; empty with nothing to go on. A unigram is left out
    when a bigram already shown contains it ("graph" beside "graph neural"), and so is a
    term of generic prose only (``explain.GENERIC``)."""
    if not weights and not interests:
        return TasteTerms((), ())
    sparse = build_profile(features, weights, interests).sparse
    scale = float(np.abs(sparse).max()) if sparse.size else 0.0
    if scale <= 0:
        return TasteTerms((), ())
    return TasteTerms(
        _heaviest(features, sparse, scale, k),
        tuple((t, -w) for t, w in _heaviest(features, -sparse, scale, k)),
    )


def _heaviest(
    features: Features, values: np.ndarray, scale: float, k: int
) -> tuple[tuple[str, float], ...]:
    cols = np.flatnonzero(values > 0)
    cols = cols[np.lexsort((cols, -values[cols]))]
    chosen: list[tuple[str, float]] = []
    seen: list[set[str]] = []
    for col in cols:
        if len(chosen) >= k:
            break
        term = features.terms[int(col)]
        words = set(term.split())
        if words <= GENERIC:  # prose ("provides", "et al"): the ranker's, but names no topic
            continue
        if any(words <= other or other <= words for other in seen):
            continue
        seen.append(words)
        chosen.append((pretty_term(term), round(float(values[col]) / scale, 3)))
    return tuple(chosen)


def unmatched_interests(features: Features, interests: Sequence[str]) -> tuple[str, ...]:
    """The interests none of whose words is a term of the index: used by fewer than two
    papers (of those the vocabulary was chosen from), so they add nothing to the ranking
    until more such papers arrive ("quantum gravity" among machine learning papers; "lottery
    tickets" in the seed catalog, where one paper has them)."""
    if not interests:
        return ()
    counts = features.term_counts([CatalogItem(0, text) for text in interests])
    found = np.diff(counts.indptr)
    return tuple(text for text, n in zip(interests, found, strict=True) if n == 0)
