"""The build's memory savers give the numbers the plain way gives (issue 15)."""

from __future__ import annotations

import numpy as np
import pytest

from reader.recommend import features as F
from reader.recommend import semantic
from reader.recommend.features import CatalogItem

WORDS = "graph neural network protein folding causal inference bandit policy".split()


def _items(n: int) -> list[CatalogItem]:
    return [
        CatalogItem(
            k,
            f"{WORDS[k % len(WORDS)]} {WORDS[(k * 3) % len(WORDS)]} study {k}",
            " ".join(WORDS[(k + j) % len(WORDS)] for j in range(k % 7 + 1)),
            authors=(f"Author {k % 4}",),
            tags=("cs.LG",) if k % 2 else (),
        )
        for k in range(n)
    ]


def test_a_worker_counts_and_embeds_a_chunk_in_batches_to_the_same_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    items = _items(30)
    terms, df, seen = F._choose_vocabulary(items)
    idf = F._idf(df, seen)
    F._worker_init(terms, idf)
    monkeypatch.setattr(F, "WORKER_BATCH", 7)  # 30 papers: batches of 7, 7, 7, 7, 2
    rows = [(i.id, i.title, i.abstract, i.authors, i.tags) for i in items]

    (data, indices, indptr, chunk_df), vectors = F._worker_count(rows, True)

    want = F._count_chunk(items, F._Counter(terms), idf)
    for got, expected in zip((data, indices, indptr, chunk_df), want, strict=True):
        assert got.dtype == expected.dtype
        assert np.array_equal(got, expected)
    assert vectors is not None
    assert np.array_equal(vectors, F.embed_items(items, semantic.wordllama_embed))
    assert F._worker_count(rows, False)[1] is None


def test_the_word_cache_fills_its_array_in_place_and_stops_when_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(semantic, "CACHE_WORDS", 5)
    cache = semantic._WordCache(16)
    array = cache.vectors
    first = cache.lookup(["graph", "neural", "network"])
    second = cache.lookup(["network", "protein", "folding", "causal", "graph"])
    assert cache.vectors is array  # never copied to grow
    assert len(cache.row) == 5  # full: "causal" was not kept
    assert "causal" not in cache.row
    words = ["graph", "neural", "network", "protein", "folding", "causal"]
    plain = dict(zip(words, semantic.word_vectors(words, 16), strict=True))
    assert np.array_equal(first, np.stack([plain[w] for w in ["graph", "neural", "network"]]))
    order = ["network", "protein", "folding", "causal", "graph"]
    assert np.array_equal(second, np.stack([plain[w] for w in order]))
    # Cached and uncached words alike come back right on a later call.
    again = cache.lookup(words)
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
