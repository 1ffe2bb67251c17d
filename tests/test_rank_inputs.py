"""The ranking's array shortcuts give exactly what the plain SciPy/NumPy expressions give."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as ssp

from reader.recommend import rank


def _sample(seed: int) -> tuple[ssp.csr_matrix, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = ssp.random(40, 500, density=0.03, format="csr", dtype=np.float32, random_state=seed)
    keep = np.ones((40, 1), np.float32)
    keep[7] = 0.0  # an empty row (no known term)
    x = ssp.csr_matrix(x.multiply(keep))
    x.eliminate_zeros()
    x.sort_indices()
    assert x[7].nnz == 0
    e = rng.standard_normal((40, 6)).astype(np.float32)
    e[3] = 0.0  # an empty text's embedding
    e[5, 2] = 0.0  # one zero coordinate
    return x, e


def test_classifier_inputs_are_the_used_columns_beside_the_embeddings() -> None:
    for seed in range(5):
        x, e = _sample(seed)
        used, inputs = rank._classifier_inputs(x, e, x.shape[1])
        want_used = np.unique(x.indices)
        want = ssp.hstack([x[:, want_used], ssp.csr_matrix(e)], format="csr")
        assert np.array_equal(used, want_used)
        assert inputs.shape == want.shape
        # The same entries in the same order (a product sums them in that order).
        assert np.array_equal(inputs.indptr, want.indptr)
        assert np.array_equal(inputs.indices, want.indices)
        assert np.array_equal(inputs.data, want.data)
        assert inputs.data.dtype == np.float32


def test_classifier_inputs_of_rows_without_terms() -> None:
    x = ssp.csr_matrix((3, 10), dtype=np.float32)
    e = np.eye(3, 4, dtype=np.float32)
    used, inputs = rank._classifier_inputs(x, e, 10)
    assert len(used) == 0
    assert np.array_equal(inputs.toarray(), e)


def test_products_by_blocks_are_the_plain_products(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(1)
    matrix = rng.standard_normal((1000, 128)).astype(np.float32)
    a, b = rng.standard_normal((2, 128)).astype(np.float32)
    monkeypatch.setattr(rank, "PRODUCT_BLOCK", 64)  # 15 whole blocks and a part
    got_a, got_b = rank._products(matrix, a, b)
    assert got_a.dtype == got_b.dtype == np.float32
    assert np.array_equal(got_a, matrix @ a)
    assert np.array_equal(got_b, matrix @ b)
    assert [len(v) for v in rank._products(matrix[:0], a, b)] == [0, 0]


def _catalog_and_taste() -> tuple[object, dict[int, float]]:
    from reader.recommend import CatalogItem, build_features

    rng = np.random.default_rng(7)
    topics = [[f"t{t}w{k}" for k in range(40)] for t in range(6)]
    items = []
    for i in range(1200):
        words = rng.choice(topics[i % 6], 12).tolist() + rng.choice(topics[(i * 5) % 6], 3).tolist()
        items.append(CatalogItem(i, " ".join(words[:4]), " ".join(words)))
    feats = build_features(lambda: items)
    taste = {i: 1.0 for i in range(0, 120, 6)} | {i: -1.0 for i in range(1, 60, 6)}
    return feats, taste


def test_summed_scores_with_every_row_are_the_exact_scores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The catalog-wide blend standardizes each signal and adds them; the large-catalog
    # path adds the weighted vectors first. With the sample being every row, the two are
    # the same numbers (up to float32 sums).
    feats, taste = _catalog_and_taste()
    monkeypatch.setattr(rank, "SUMMED_FROM", 10**9)
    exact = rank.score_catalog(feats, taste)
    monkeypatch.setattr(rank, "SUMMED_FROM", 0)
    monkeypatch.setattr(rank, "SPREAD_SAMPLE", 10**9)
    summed = rank.score_catalog(feats, taste)
    assert np.abs(summed - exact).max() < 1e-4
    assert exact.std() > 0.5  # a real spread of scores, not all zeros


def test_summed_scores_from_a_sample_keep_the_ranking(monkeypatch: pytest.MonkeyPatch) -> None:
    feats, taste = _catalog_and_taste()
    monkeypatch.setattr(rank, "SUMMED_FROM", 10**9)
    exact = rank.score_catalog(feats, taste)
    monkeypatch.setattr(rank, "SUMMED_FROM", 0)
    monkeypatch.setattr(rank, "SPREAD_SAMPLE", 400)  # a third of the rows
    sampled = rank.score_catalog(feats, taste)
    assert np.corrcoef(exact, sampled)[0, 1] > 0.999
    top = set(np.argsort(-exact)[:20].tolist())
    assert len(top & set(np.argsort(-sampled)[:20].tolist())) >= 18
