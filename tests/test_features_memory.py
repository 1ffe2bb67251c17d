"""The build's memory savers give the numbers the plain way gives (issue 15)."""

from __future__ import annotations

import numpy as np
import pytest

from reader.recommend import features as F
from reader.recommend import semantic
from reader.recommend import words as words_module


def test_the_word_cache_fills_its_array_in_place_and_stops_when_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(semantic, "CACHE_WORDS", 5)
    cache = semantic._WordCache(16)
    array = cache.vectors
    words = ["graph", "neural", "network", "protein", "folding", "causal"]
    plain = dict(zip(words, semantic.word_vectors(words, 16), strict=True))

    def vectors(batch: list[str]) -> np.ndarray:
        cols, others = cache.columns(words_module.runs([" ".join(batch)], "nonspace"))
        table = np.concatenate([cache.vectors[: len(cache.table)], others])
        return table[np.where(cols < 5, cols, cols - 5 + len(cache.table))]

    first = vectors(["graph", "neural", "network"])
    second = vectors(["network", "protein", "folding", "causal", "graph", "causal"])
    assert cache.vectors is array  # never copied to grow
    assert len(cache.table) == 5  # full: one of the four new words was not kept
    assert np.array_equal(first, np.stack([plain[w] for w in ["graph", "neural", "network"]]))
    order = ["network", "protein", "folding", "causal", "graph", "causal"]
    assert np.array_equal(second, np.stack([plain[w] for w in order]))
    # Cached and uncached words alike come back right on a later call.
    again = vectors(words)
    assert np.array_equal(again, np.stack([plain[w] for w in words]))


def test_cluster_labels_computed_in_blocks_are_the_nearest_centre(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(0)
    dense = rng.standard_normal((300, 8)).astype(np.float32)
    monkeypatch.setattr(F, "LABEL_BLOCK", 7)
    centroids, labels = F._clusters(dense)
    distance = ((dense[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    assert np.array_equal(labels, np.argmin(distance, axis=1))
    assert labels.dtype == np.int32
