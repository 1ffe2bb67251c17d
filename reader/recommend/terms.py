"""What a paper's terms are, and counting them in many papers at once.

Pure: no I/O. A paper's terms (:func:`item_terms`) are the unigrams and bigrams of its title
and abstract (lower-cased, links removed, English stop words dropped) and one term per author
and tag. :func:`choose_vocabulary` keeps those found in at least two papers of a sample;
:class:`TermCounter` counts them in batches of papers with array operations
(:mod:`reader.recommend.words`), and :func:`weigh_rows` cuts each row to its heaviest terms.

The feature build (:mod:`reader.recommend.features`) runs this module in worker processes,
so it imports nothing heavier than NumPy and SciPy: no scikit-learn (hence the stop words'
own copy), whose import alone cost each worker ~65 MB.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, islice

import numpy as np
import scipy.sparse as ssp

from reader.recommend import words
from reader.recommend.semantic import Embedder, wordllama_embed
from reader.recommend.stop_words import ENGLISH_STOP_WORDS

VOCAB_SAMPLE = 30_000
"""Papers read in pass 1 to choose the vocabulary."""
MAX_VOCAB = 1 << 18
MAX_ROW_TERMS: int | None = 64
"""Terms kept per paper, the heaviest by tf x idf (None: all): halves the matrix at a
million synthetic abstracts (~140 terms a row: 1.1 -> 0.5 GB); the quality benchmark held
(docs/benchmarks.md)."""

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
"""Links say where the code is, not what the paper is about ("https github com")."""
_NOT_WORD = re.compile(r"\W+")
_STOP = frozenset(ENGLISH_STOP_WORDS)


@dataclass(frozen=True)
class CatalogItem:
    """What the recommender needs to know about one paper."""

    id: int
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@functools.lru_cache(maxsize=1 << 15)
def _meta(prefix: str, value: str) -> str:
    # Cached: names and tags recur from paper to paper, and the regex was a tenth of the
    # build's counting time. 32,768 entries (~7 MB in each worker) hit 70% of the time on
    # the synthetic catalog's 300,000 authors.
    return prefix + _NOT_WORD.sub("_", value.strip().lower()).strip("_")


def _lowered_text(item: CatalogItem) -> str:
    """The title and abstract, lower-cased, links removed: what the terms are read from."""
    text = f"{item.title} {item.abstract}".lower()
    if "://" in text or "www." in text:  # the regex costs more than this check
        text = _URL.sub(" ", text)
    return text


def _text_words(item: CatalogItem) -> list[str]:
    """The words of the title and abstract, lower-cased, links removed, stop words kept."""
    return _TOKEN.findall(_lowered_text(item))


def _meta_terms(item: CatalogItem) -> list[str]:
    return [_meta("au_", a) for a in item.authors if a.strip()] + [
        _meta("tag_", t) for t in item.tags if t.strip()
    ]


def item_terms(item: CatalogItem) -> list[str]:
    """Unigrams and bigrams of the title and abstract (English stop words dropped, as in
    scikit-learn's default analyzer), then one ``au_`` term per author and ``tag_`` per tag.

    The definition of a paper's terms; the build counts the same terms with arrays
    (:class:`TermCounter`), which the tests check against this.
    """
    kept = [w for w in _text_words(item) if w not in _STOP]
    terms = kept + [f"{a} {b}" for a, b in zip(kept, kept[1:], strict=False)]
    return terms + _meta_terms(item)


def item_text(item: CatalogItem) -> str:
    """What the sentence embedding reads: the title and the abstract, links removed."""
    text = f"{item.title}. {item.abstract}"
    if "://" in text or "www." in text.lower():  # the regex costs more than this check
        text = _URL.sub(" ", text)
    return text.strip(" .")


def embed_items(items: Sequence[CatalogItem], embed: Embedder) -> np.ndarray:
    """Unit float32 rows of `embed` over the items' texts."""
    return np.ascontiguousarray(embed([item_text(i) for i in items]), dtype=np.float32)


_STOP_ORDER = sorted(_STOP)


def _words_and_meta(
    items: Sequence[CatalogItem],
) -> tuple[words.Runs, list[str], np.ndarray]:
    """The items' text words (runs of the lowered text, two letters or more), and their
    author and tag terms with the index of the item each comes from."""
    text = words.runs([_lowered_text(i) for i in items], "word", min_length=2)
    metas = [_meta_terms(i) for i in items]
    meta_row = np.repeat(np.arange(len(items), dtype=np.int64), list(map(len, metas)))
    return text, list(chain.from_iterable(metas)), meta_row


def _number_words(
    items: Sequence[CatalogItem],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Every word of `items` numbered in order of first appearance, the stop words first
    (below ``len(_STOP)``): (ids, row) of the text words with stop words dropped, (ids,
    row) of the author and tag terms, and the words by id. Words are told apart by their
    hashes (:mod:`reader.recommend.words`), so only each distinct word becomes a string."""
    text, meta_terms, meta_row = _words_and_meta(items)
    everything = np.concatenate(
        [words.hash_words(_STOP_ORDER), text.hashes, words.hash_words(meta_terms)]
    )
    _, first, inverse = np.unique(everything, return_index=True, return_inverse=True)
    order = np.argsort(first)
    number = np.empty(len(first), np.int64)
    number[order] = np.arange(len(first))
    ids = number[inverse.ravel()]
    n_stop, n_text = len(_STOP_ORDER), len(text.hashes)

    def name(at: int) -> str:
        if at < n_stop:
            return _STOP_ORDER[at]
        if at < n_stop + n_text:
            return text.word(at - n_stop)
        return meta_terms[at - n_stop - n_text]

    names = [name(at) for at in first[order].tolist()]
    word_ids, row = ids[n_stop : n_stop + n_text], text.owner
    keep = word_ids >= n_stop
    return word_ids[keep], row[keep], ids[n_stop + n_text :], meta_row, names


class TermCounter:
    """Counts a vocabulary's terms in papers with array operations, not one string per
    word or bigram: each word becomes an id by its hash (:mod:`reader.recommend.words`), a
    bigram is the pair of its words' ids, looked up among the vocabulary's pairs the same
    way. Gives the counts of :func:`item_terms` (tested)."""

    def __init__(self, terms: Sequence[str]) -> None:
        ids: dict[str, int] = {w: i for i, w in enumerate(_STOP_ORDER)}
        pairs = [t.split(" ") for t in terms]
        for parts in pairs:
            for w in parts:
                ids.setdefault(w, len(ids))
        self.n_terms = len(terms)
        self.n_words = n = len(ids)
        self.unigram = np.full(n, -1, np.int64)
        keys, cols = [], []
        for col, parts in enumerate(pairs):
            if len(parts) == 1:
                self.unigram[ids[parts[0]]] = col
            else:
                keys.append(ids[parts[0]] * n + ids[parts[1]])
                cols.append(col)
        self._bigrams = words.HashTable(len(keys))
        self._bigrams.put(words.hash_keys(np.asarray(keys, np.int64)), np.asarray(cols, np.int64))
        # Words by hash only: a dict of a large vocabulary's words was ~15 MB in each worker.
        self._table = words.HashTable(len(ids))
        self._table.put(words.hash_words(list(ids)), np.arange(len(ids)))

    def _word_ids(
        self, items: Sequence[CatalogItem]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(ids, row) of the items' text words with stop words dropped (a word outside
        the vocabulary is -1, kept: it still breaks a bigram), and (ids, row) of their
        author and tag terms. The text words are found and looked up with arrays
        (:mod:`reader.recommend.words`): ~5x faster than a regex and a dict."""
        runs, meta_terms, meta_row = _words_and_meta(items)
        word_ids = self._table.get(runs.hashes)
        keep = (word_ids < 0) | (word_ids >= len(_STOP))
        meta_ids = self._table.get(words.hash_words(meta_terms))
        return word_ids[keep], runs.owner[keep], meta_ids, meta_row

    def count(self, items: Sequence[CatalogItem]) -> ssp.csr_matrix:
        """Term counts of `items`, one row each (float32, sorted indices)."""
        ids, row, meta_ids, meta_row = self._word_ids(items)
        known = ids >= 0
        uni = np.where(known, self.unigram[np.maximum(ids, 0)], -1)
        same = (row[1:] == row[:-1]) & known[1:] & known[:-1]
        bigram = self._bigrams.get(words.hash_keys(ids[:-1][same] * self.n_words + ids[1:][same]))
        found = bigram >= 0
        meta = np.where(meta_ids >= 0, self.unigram[np.maximum(meta_ids, 0)], -1)
        rows = np.concatenate([row[uni >= 0], row[:-1][same][found], meta_row[meta >= 0]])
        cols = np.concatenate([uni[uni >= 0], bigram[found], meta[meta >= 0]])
        m = ssp.csr_matrix(
            (np.ones(len(rows), np.float32), (rows, cols)), shape=(len(items), self.n_terms)
        )
        m.sum_duplicates()
        m.indices = m.indices.astype(np.int32, copy=False)
        return m


def weigh_rows(
    counts: ssp.csr_matrix, idf: np.ndarray, keep: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sublinear tf (1 + log count) as CSR parts (float32 data, int32 indices, int64 indptr),
    each row cut to its `keep` terms of highest tf x `idf` (all of them when None)."""
    data = counts.data.astype(np.float32)
    np.log(data, out=data)
    data += 1.0
    indices, indptr = counts.indices.astype(np.int32), counts.indptr.astype(np.int64)
    lengths = np.diff(indptr)
    if keep is None or not len(lengths) or lengths.max() <= keep:
        return data, indices, indptr
    rows = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    weight = data * idf[indices]
    # Rank each row's terms by weight (ties: lower column first), keep the first `keep`.
    # One stable sort of (row, weight descending) in one int64 (the weights are positive,
    # so their bits order as they do; the columns are sorted within a row already): the
    # order of ``np.lexsort((indices, -weight, rows))``, 9x faster.
    descending = np.uint32(0xFFFFFFFF) - weight.astype(np.float32).view(np.uint32)
    order = np.argsort((rows << 32) | descending.astype(np.int64), kind="stable")
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order)) - indptr[rows[order]]
    kept = rank < keep
    new_ptr = np.zeros(len(indptr), np.int64)
    np.cumsum(np.minimum(lengths, keep), out=new_ptr[1:])
    return data[kept], indices[kept], new_ptr


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (``np.unique``, by one sort: faster on millions)."""
    keys = np.sort(keys)
    first = np.ones(len(keys), bool)
    first[1:] = keys[1:] != keys[:-1]
    return keys[first]


def smoothed_idf(df: np.ndarray, n: int) -> np.ndarray:
    return (np.log((n + 1) / (df.astype(np.float64) + 1)) + 1.0).astype(np.float32)


def choose_vocabulary(items: Iterable[CatalogItem]) -> tuple[list[str], np.ndarray, int]:
    """The kept terms, most frequent first, their idf over the papers read, and how many
    papers were read. Counted with arrays: a word is an id, a bigram a pair of ids."""
    sample = list(islice(items, VOCAB_SAMPLE))
    seen = len(sample)
    word_ids, row, meta_ids, meta_row, names = _number_words(sample)
    del sample
    n_words = len(names)
    # Papers per word (authors and tags are words that make no bigrams).
    unigrams = _distinct(np.concatenate([row * n_words + word_ids, meta_row * n_words + meta_ids]))
    df_words = np.bincount(unigrams % n_words, minlength=n_words)
    del unigrams
    same = row[1:] == row[:-1]
    keys = word_ids[:-1][same] * n_words + word_ids[1:][same]
    rows = row[:-1][same]
    del word_ids, row, same
    if seen * n_words * n_words < 1 << 62:  # one key per (paper, bigram) fits in int64
        keys = _distinct(rows * (n_words * n_words) + keys) % (n_words * n_words)
    else:
        order = np.lexsort((keys, rows))
        keys, rows = keys[order], rows[order]
        first = np.ones(len(keys), bool)
        first[1:] = (keys[1:] != keys[:-1]) | (rows[1:] != rows[:-1])
        keys = keys[first]
    del rows
    keys.sort()
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))[: len(keys)]
    pairs, df_pairs = keys[starts], np.diff(np.append(starts, len(keys)))
    del keys, starts
    word_names = np.array(names, dtype=object)
    del names
    kept_words = np.flatnonzero(df_words >= 2)
    kept_pairs = np.flatnonzero(df_pairs >= 2)
    df = np.concatenate([df_words[kept_words], df_pairs[kept_pairs]])
    if len(df) > MAX_VOCAB:  # only the terms that can make the cut need their names sorted
        least = np.partition(df, len(df) - MAX_VOCAB)[len(df) - MAX_VOCAB]
        kept_words = kept_words[df_words[kept_words] >= least]
        kept_pairs = kept_pairs[df_pairs[kept_pairs] >= least]
        df = np.concatenate([df_words[kept_words], df_pairs[kept_pairs]])
    a, b = word_names[pairs[kept_pairs] // n_words], word_names[pairs[kept_pairs] % n_words]
    term_names = (
        np.concatenate([word_names[kept_words], a + " " + b])
        if len(kept_pairs)
        else word_names[kept_words]
    )
    order = np.lexsort((term_names, -df))[:MAX_VOCAB]
    return [str(t) for t in term_names[order]], df[order], seen


_WORKER: dict[str, object] = {}


def worker_init(terms: str, idf: np.ndarray) -> None:
    """Set up a worker to count `terms` (the vocabulary, one term a line).

    One string, not a list: a worker holds its start-up arguments while it lives, and a list
    of 262,144 short strings is ~25 MB (the joined text ~3 MB). No term has a line break."""
    _WORKER["counter"] = TermCounter(terms.split("\n") if terms else [])
    _WORKER["idf"] = idf


def count_chunk(
    items: Sequence[CatalogItem], counter: TermCounter, idf: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(tf data, indices, indptr) of the chunk cut to ``MAX_ROW_TERMS`` a row by `idf`,
    and the number of papers each term occurs in (before the cut)."""
    counts = counter.count(items)
    df = np.bincount(counts.indices, minlength=counter.n_terms).astype(np.int32)
    return (*weigh_rows(counts, idf, MAX_ROW_TERMS), df)


def worker_count(
    rows: list[tuple[int, str, str, tuple[str, ...], tuple[str, ...]]], embed: bool
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray | None]:
    counter, idf = _WORKER["counter"], _WORKER["idf"]
    assert isinstance(counter, TermCounter) and isinstance(idf, np.ndarray)
    items = [CatalogItem(*r) for r in rows]
    vectors = embed_items(items, wordllama_embed) if embed else None
    return count_chunk(items, counter, idf), vectors


def worker_vocabulary(
    rows: list[tuple[int, str, str, tuple[str, ...], tuple[str, ...]]],
) -> tuple[list[str], np.ndarray, int]:
    return choose_vocabulary(CatalogItem(*r) for r in rows)
