"""The index build's array shortcuts against their plain definitions, on small catalogs:
term counting (:func:`item_terms`), the vocabulary, the per-row term cut, and WordLlama
embedded word by word."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

import reader.recommend.features as features_module
import reader.recommend.terms as terms_module
from reader.recommend import CatalogItem, build_features
from reader.recommend.terms import TermCounter, choose_vocabulary, item_terms


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
    terms, counts, seen = choose_vocabulary(items)
    assert terms == expected
    assert counts.tolist() == [df[t] for t in expected]
    assert seen == len(items)


def test_vocabulary_cut_keeps_the_most_frequent(monkeypatch: pytest.MonkeyPatch) -> None:
    items = catalog()
    full, _, _ = choose_vocabulary(items)
    monkeypatch.setattr(terms_module, "MAX_VOCAB", 50)
    assert choose_vocabulary(items)[0] == full[:50]


def test_counts_are_those_of_item_terms() -> None:
    items = catalog()
    terms, _, _ = choose_vocabulary(items)
    column = {t: i for i, t in enumerate(terms)}
    counts = TermCounter(terms).count(items)
    assert counts.shape == (len(items), len(terms))
    for row, item in enumerate(items):
        expected = Counter(column[t] for t in item_terms(item) if t in column)
        found = counts[row]
        assert dict(zip(found.indices.tolist(), found.data.tolist(), strict=True)) == expected
    assert counts[len(items) - 3].toarray()[0, column["graph nets"]] == 4


def test_terms_of_any_script_are_counted_as_item_terms_has_them() -> None:
    # Words are found and told apart with arrays and hashes (reader.recommend.words), not
    # the regex and a dict: the cases where code points and Python's text rules could part.
    long = "x" * 90
    items = [
        CatalogItem(1, "ΟΔΟΣ ΣΑΣ and İstanbul", f"naïve café {long} the\tdata\u00a0sets"),
        CatalogItem(2, "ΟΔΟΣ σας: İstanbul data", f"café naïve {long} data sets \ud800x"),
        CatalogItem(3, "日本語 テキスト data_sets", "data sets ΟΔΟΣ 日本語 テキスト \U0001d400b"),
        CatalogItem(4, "", "", ("Ünal Ö.", "ünal ö"), ("cs.CL",)),
        CatalogItem(5, "x" * 89 + "y", f"{long} data_sets \ud800x", ("Ünal Ö.",), ("cs.CL",)),
    ]
    df = Counter(t for item in items for t in set(item_terms(item)))
    expected = sorted((t for t, n in df.items() if n >= 2), key=lambda t: (-df[t], t))
    terms, _, _ = choose_vocabulary(items)
    assert terms == expected
    assert long in terms and "au_ünal_ö" in terms and "ΟΔΟΣ".lower() in terms
    column = {t: i for i, t in enumerate(terms)}
    counts = TermCounter(terms).count(items)
    for row, item in enumerate(items):
        want = Counter(column[t] for t in item_terms(item) if t in column)
        found = counts[row]
        assert dict(zip(found.indices.tolist(), found.data.tolist(), strict=True)) == want


def test_the_stop_words_are_scikit_learns() -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from reader.recommend.stop_words import ENGLISH_STOP_WORDS as ours

    assert ours == ENGLISH_STOP_WORDS


def test_each_row_keeps_its_heaviest_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    items = catalog()
    monkeypatch.setattr(terms_module, "MAX_ROW_TERMS", None)
    full = build_features(lambda: items)
    monkeypatch.setattr(terms_module, "MAX_ROW_TERMS", 5)
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


def _same(a: features_module.Features, b: features_module.Features) -> None:
    assert a.ids.tolist() == b.ids.tolist() and a.terms == b.terms
    assert a.matrix.shape == b.matrix.shape
    for name in ("data", "indices", "indptr"):
        assert np.array_equal(getattr(a.matrix, name), getattr(b.matrix, name)), name
    for name in ("idf", "components", "dense", "centroids", "labels", "semantic"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def _grown(
    embed: features_module.Embedder,
) -> tuple[features_module.Features, list[features_module.Features]]:
    """A base index of the catalog less its last 9 papers, and the base with 4, then 9
    of them added."""
    items = catalog()
    base = build_features(lambda: items[:-9], embed=embed)
    one = features_module.add_items(base, items[-9:-5], embed=embed)
    two = features_module.add_items(one, items[-5:], embed=embed)
    return base, [one, two]


def _embed(texts: Sequence[str]) -> np.ndarray:
    out = np.zeros((len(texts), 4), np.float32)
    out[:, 0] = [len(t) % 7 for t in texts]
    out[:, 1] = 1.0
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def _files(tmp_path: Path, base: features_module.Features) -> tuple[Path, Path]:
    index, added = tmp_path / "index.features", tmp_path / "index.features.added"
    with open(index, "wb") as stream:
        base.save(stream)
    return index, added


def _append(added: Path, features: features_module.Features, start: int) -> int:
    """Append rows ``start:`` of `features` to the file of added rows; its size after."""
    with open(added, "a+b") as stream:
        features_module.append_rows(features, start, stream)
    return added.stat().st_size


def _load(index: Path, added: Path) -> features_module.Features:
    with open(index, "rb") as stream, open(added, "rb") as rows:
        return features_module.Features.load(stream, rows)


def test_an_index_saved_and_loaded_is_the_same() -> None:
    base, _ = _grown(_embed)
    _same(features_module.Features.from_bytes(base.to_bytes()), base)


def test_rows_appended_then_loaded_are_those_added_in_memory(tmp_path: Path) -> None:
    base, (one, two) = _grown(_embed)
    index, added = _files(tmp_path, base)
    _append(added, one, len(base))
    _same(_load(index, added), one)
    _append(added, two, len(one))
    loaded = _load(index, added)
    _same(loaded, two)
    # ... which is what a build of the whole catalog gives with the base's vocabulary.
    x, _, e = base.vectorize(catalog()[-9:], embed=_embed)
    assert (loaded.matrix[len(base) :] != x).nnz == 0
    assert np.array_equal(loaded.semantic[len(base) :], e)
    with open(index, "rb") as stream:  # without its added rows: the base alone
        _same(features_module.Features.load(stream), base)


def test_a_torn_append_is_left_out_and_then_cut_off(tmp_path: Path) -> None:
    base, (one, two) = _grown(_embed)
    index, added = _files(tmp_path, base)
    whole = _append(added, one, len(base))
    _append(added, two, len(one))
    for cut in (whole + 10, added.stat().st_size - 1):  # a crash during the second append
        with open(added, "r+b") as stream:
            stream.truncate(cut)
        _same(_load(index, added), one)
    _append(added, two, len(one))  # the next append replaces the torn record
    _same(_load(index, added), two)


def test_a_corrupt_record_and_those_after_it_are_left_out(tmp_path: Path) -> None:
    base, (one, two) = _grown(_embed)
    index, added = _files(tmp_path, base)
    first = _append(added, one, len(base))
    _append(added, two, len(one))
    raw = bytearray(added.read_bytes())
    raw[first // 2] ^= 0xFF  # a flipped bit in the first record's arrays
    added.write_bytes(bytes(raw))
    _same(_load(index, added), base)
    with pytest.raises(ValueError, match="added rows end"):
        _append(added, two, len(one))


def test_added_rows_of_another_index_are_never_read(tmp_path: Path) -> None:
    base, (one, _) = _grown(_embed)
    other = build_features(lambda: catalog()[1:-9], embed=_embed)
    index, added = _files(tmp_path, other)  # the added rows were written after `base`
    _append(added, one, len(base))
    _same(_load(index, added), other)
    with pytest.raises(ValueError, match="added rows end"):
        _append(added, one, len(other))  # rows that do not follow on


def test_an_index_of_another_format_is_refused(tmp_path: Path) -> None:
    base, _ = _grown(_embed)
    raw = dict(np.load(io.BytesIO(base.to_bytes())))
    raw["format"] = np.array([features_module.FORMAT - 1])
    stream = io.BytesIO()
    np.savez(stream, **raw)
    stream.seek(0)
    with pytest.raises(ValueError, match="features format"):
        features_module.Features.load(stream)


def test_adding_twice_to_the_same_index_leaves_the_first_result_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Added rows are written into room kept after the index's arrays; a second addition
    to the same (older) index must not write over the rows the first one returned."""
    monkeypatch.setattr(features_module, "SPARE_ROWS", 3)  # room runs out on the way too
    items = catalog()
    base = build_features(lambda: items[:-9], embed=_embed)
    one = features_module.add_items(base, items[-9:-7], embed=_embed)
    copy_of_one = features_module.Features.from_bytes(one.to_bytes())
    other = features_module.add_items(base, items[-7:-5], embed=_embed)
    _same(one, copy_of_one)
    assert other.ids.tolist() == [i.id for i in items[:-9] + items[-7:-5]]
    grown = one
    for k in range(-7, 0):  # one by one, past the room a few times
        grown = features_module.add_items(grown, [items[k]], embed=_embed)
    _same(one, copy_of_one)
    whole = features_module.add_items(base, items[-9:], embed=_embed)
    _same(grown, whole)


def test_papers_added_to_a_loaded_index_are_those_added_to_the_built_one(
    tmp_path: Path,
) -> None:
    base, (one, two) = _grown(_embed)
    index, added = _files(tmp_path, base)
    _append(added, one, len(base))
    loaded = _load(index, added)
    _same(features_module.add_items(loaded, catalog()[-5:], embed=_embed), two)


@pytest.mark.parametrize(
    ("shape", "dim"), [((40, 300), 20), ((300, 40), 20), ((500, 2000), 128), ((3, 3), 2)]
)
def test_the_lsa_basis_is_scikit_learns_truncated_svd(
    shape: tuple[int, int], dim: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build's own randomized SVD (its sparse products in blocks on two threads) gives
    the basis TruncatedSVD gave: the same vectors with the same signs, with fewer rows than
    columns (the usual sample), more, and a tiny catalog's."""
    import scipy.sparse as ssp
    from sklearn.decomposition import TruncatedSVD

    monkeypatch.setattr(features_module, "PRODUCT_BLOCK", 7)  # many blocks, both threads
    x = ssp.random(*shape, density=0.1, format="csr", dtype=np.float32, random_state=1)
    ours = features_module._lsa_basis(x, dim)
    theirs = TruncatedSVD(dim, algorithm="randomized", n_iter=5, random_state=0).fit(x)
    assert ours.dtype == np.float32 and ours.shape == (dim, shape[1])
    np.testing.assert_allclose(ours, theirs.components_, atol=1e-5)
