"""The index build's array shortcuts against their plain definitions, on small catalogs:
term counting (:func:`item_terms`), the vocabulary, the per-row term cut, and WordLlama
embedded word by word."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

import reader.recommend.features as features_module
from reader.recommend import CatalogItem, build_features
from reader.recommend.features import _choose_vocabulary, _Counter, item_terms


def catalog() -> list[CatalogItem]:
    from reader.seedcatalog import seed_records

    items = [
        CatalogItem(k + 1, r.title, r.abstract, r.authors, r.tags)
        for k, r in enumerate(seed_records())
    ]
    return items + [
        # Links, stop words between words (no bigram across them), an author and a tag whose
        # terms look like words, repeated words and bigrams, an empty paper.
        CatalogItem(1001, "The code: https://github.com/x/y and WWW.example.org", "of the"),
        CatalogItem(
            1002, "Graph nets of graph nets", "graph nets graph nets", ("Au X",), ("cs.LG",)
        ),
        CatalogItem(1003, "au_x tag_cs_lg graph", "nets graph", ("Au X", "au x"), ("cs.LG",)),
        CatalogItem(1004, ""),
    ]


def test_vocabulary_is_the_terms_in_two_papers_most_frequent_first() -> None:
    items = catalog()
    df = Counter(t for item in items for t in set(item_terms(item)))
    expected = sorted((t for t, n in df.items() if n >= 2), key=lambda t: (-df[t], t))
    terms, counts, seen = _choose_vocabulary(items)
    assert terms == expected
    assert counts.tolist() == [df[t] for t in expected]
    assert seen == len(items)


def test_vocabulary_cut_keeps_the_most_frequent(monkeypatch: pytest.MonkeyPatch) -> None:
    items = catalog()
    full, _, _ = _choose_vocabulary(items)
    monkeypatch.setattr(features_module, "MAX_VOCAB", 50)
    assert _choose_vocabulary(items)[0] == full[:50]


def test_counts_are_those_of_item_terms() -> None:
    items = catalog()
    terms, _, _ = _choose_vocabulary(items)
    column = {t: i for i, t in enumerate(terms)}
    counts = _Counter(terms).count(items)
    assert counts.shape == (len(items), len(terms))
    for row, item in enumerate(items):
        expected = Counter(column[t] for t in item_terms(item) if t in column)
        found = counts[row]
        assert dict(zip(found.indices.tolist(), found.data.tolist(), strict=True)) == expected
    assert counts[len(items) - 3].toarray()[0, column["graph nets"]] == 4


def test_each_row_keeps_its_heaviest_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    items = catalog()
    monkeypatch.setattr(features_module, "MAX_ROW_TERMS", None)
    full = build_features(lambda: items)
    monkeypatch.setattr(features_module, "MAX_ROW_TERMS", 5)
    cut = build_features(lambda: items)
    assert np.array_equal(full.idf, cut.idf)  # idf counts every term, kept or not
    assert cut.matrix.getnnz(axis=1).max() == 5
    cut_rows = 0
    for row in range(len(items)):
        whole = full.matrix[row]
        kept = cut.matrix[row]
        # By tf x idf (before the row is normalized), ties by column: the first five.
        order = np.lexsort((whole.indices, -whole.data))
        assert sorted(kept.indices.tolist()) == sorted(whole.indices[order[:5]].tolist())
        assert kept.nnz == 0 or np.isclose(np.linalg.norm(kept.data), 1.0)
        cut_rows += whole.nnz > 5
    assert cut_rows > len(items) // 2
    # A paper added later is cut the same way.
    grown = features_module.add_items(cut, [CatalogItem(5000, items[0].title, items[0].abstract)])
    assert grown.matrix[len(items)].indices.tolist() == cut.matrix[0].indices.tolist()


def test_word_by_word_embedding_is_wordllamas_own() -> None:
    from reader.recommend.semantic import _model, wordllama_embed

    texts = [
        "Graph neural networks for molecule property prediction",
        "Grokking:  generalization beyond\noverfitting on small algorithmic datasets.",
        "Über-parametrized   models, café and naïve Bayes (see arXiv:2101.00001)",
        "",
    ]
    ours = wordllama_embed(texts, 256)
    # The library's own embedding of the same words (runs of whitespace as one space).
    theirs = np.asarray(_model().embed([" ".join(t.split()) for t in texts]), np.float32)
    norms = np.linalg.norm(theirs, axis=1, keepdims=True)
    theirs = np.divide(theirs, norms, out=np.zeros_like(theirs), where=norms > 0)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    assert not ours[3].any()
    # Matryoshka: fewer dimensions are the first coordinates, normalized again.
    short = wordllama_embed(texts[:3], 64)
    head = ours[:3, :64] / np.linalg.norm(ours[:3, :64], axis=1, keepdims=True)
    np.testing.assert_allclose(short, head, atol=1e-5)


def test_rows_of_ids_in_order_whatever_the_id_order() -> None:
    items = catalog()[:30]
    embed = lambda texts: np.zeros((len(texts), 4), np.float32)  # noqa: E731
    ordered = build_features(lambda: items, embed=embed)
    shuffled = build_features(lambda: items[::-1], embed=embed)
    for feats in (ordered, shuffled):
        ids = feats.ids.tolist()
        wanted = [ids[7], 999_999, ids[2], -5, ids[29], ids[7]]
        assert feats.rows(wanted).tolist() == [7, 2, 29, 7]
        assert feats.row_of(ids[11]) == 11 and feats.row_of(999_999) is None
        assert feats.rows([]).tolist() == []


def test_adding_papers_appends_the_rows_a_full_build_would_give() -> None:
    items = catalog()
    embed = lambda texts: np.ones((len(texts), 4), np.float32) / 2  # noqa: E731
    base = build_features(lambda: items[:-6], embed=embed)
    grown = features_module.add_items(base, items[-6:], embed=embed)
    x, z, e = base.vectorize(items[-6:], embed=embed)
    assert grown.ids.tolist() == [i.id for i in items]
    assert (grown.matrix[: len(base)] != base.matrix).nnz == 0
    assert (grown.matrix[len(base) :] != x).nnz == 0
    assert grown.matrix.dtype == np.float32 and grown.matrix.indices.dtype == np.int32
    assert np.array_equal(grown.dense, np.vstack([base.dense, z]))
    assert np.array_equal(grown.semantic, np.vstack([base.semantic, e]))
    # Replacing a stored paper drops its old row and appends the new one.
    again = features_module.add_items(grown, [CatalogItem(items[0].id, "Graph nets")], embed=embed)
    assert again.ids.tolist() == [i.id for i in items[1:]] + [items[0].id]
    assert again.row_of(items[0].id) == len(items) - 1
