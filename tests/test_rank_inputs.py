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
