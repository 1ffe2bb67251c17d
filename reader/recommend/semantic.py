"""Dense sentence embeddings that run offline: WordLlama's model, shipped in its wheel.

WordLlama (MIT licence; the weights are distilled from the token embeddings of LLaMA 2 70B
and other models, see README) averages learned token vectors, so it needs no GPU. The
weights come with the package; nothing is ever downloaded (``disable_download=True``), so
this works without a network.

Two things make it fast enough for a million abstracts:

- **Word by word.** The tokenizer (LLaMA 2's SentencePiece BPE) never merges across a
  space, so a text's tokens are its space-separated words' tokens one after another, and the
  mean of its token vectors points the same way as the sum of its words' token-vector sums.
  Each distinct word of a batch is tokenized once (the library tokenizes whole texts, and a
  long text is one slow BPE run), then a sparse (texts x words) count matrix times the word
  vectors gives every text at once. Runs of whitespace count as one space (a newline would
  otherwise be a token of its own).
- **Fewer dimensions.** The model is Matryoshka-trained: its first :data:`DIM` of 256
  coordinates are an embedding on their own (what ``WordLlama.load(trunc_dim=...)`` keeps).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from itertools import chain
from pathlib import Path

import numpy as np
import scipy.sparse as ssp

from reader.recommend import words

Embedder = Callable[[Sequence[str]], np.ndarray]
"""Texts to unit rows (float32, one per text; an empty text gives a zero row)."""

DIM = 128
"""Coordinates kept of the model's 256: half the memory (0.5 GB at a million papers); the
quality benchmark held (docs/benchmarks.md). Changing it needs ``features.FORMAT`` bumped:
papers added to a stored index must match its width."""


@functools.cache
def _model():  # type: ignore[no-untyped-def]
    import wordllama

    # The default loader looks for the tokenizer in the user's cache and then tries the
    # network; the package folder holds both the weights and the tokenizer.
    return wordllama.WordLlama.load(
        cache_dir=Path(wordllama.__file__).parent, disable_download=True, dim=256
    )


@functools.cache
def _parts(dim: int):  # type: ignore[no-untyped-def]
    """(a copy of the tokenizer without padding, the first `dim` columns of the token
    vectors as float32)."""
    import tokenizers

    model = _model()
    tokenizer = tokenizers.Tokenizer.from_str(model.tokenizer.to_str())
    tokenizer.no_padding()
    tokenizer.no_truncation()
    vectors = np.ascontiguousarray(np.asarray(model.embedding)[:, :dim], dtype=np.float32)
    # These are all that is used of the model; its own copies (the 256-d table and the
    # tokenizer, ~35 MB) need not stay in every worker of a build.
    del model
    _model.cache_clear()
    return tokenizer, vectors


WORDS_AT_ONCE = 8192
"""Words tokenized together: their token vectors are gathered into one temporary array
(~16 MB), where a whole batch's new words (60,000 in a build's first chunk) took 120 MB."""


def word_vectors(words: Sequence[str], dim: int = DIM) -> np.ndarray:
    """The sum of the token vectors of each word, as the tokenizer splits it alone."""
    if len(words) > WORDS_AT_ONCE:
        return np.concatenate(
            [
                word_vectors(words[at : at + WORDS_AT_ONCE], dim)
                for at in range(0, len(words), WORDS_AT_ONCE)
            ]
        )
    tokenizer, vectors = _parts(dim)
    out = np.zeros((len(words), dim), np.float32)
    if not words:
        return out
    encoded = tokenizer.encode_batch(list(words), add_special_tokens=False)
    lengths = np.fromiter((len(e.ids) for e in encoded), np.int64, len(encoded))
    ids = np.fromiter(chain.from_iterable(e.ids for e in encoded), np.int64, int(lengths.sum()))
    np.clip(ids, 0, len(vectors) - 1, out=ids)  # as WordLlama does with unknown ids
    has = lengths > 0
    if has.any():
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])[has]
        out[has] = np.add.reduceat(vectors[ids], starts, axis=0)
    return out


CACHE_WORDS = 100_000
"""Words whose vectors are kept between calls (the first seen, which are mostly the
frequent ones); about 50 MB at 128 dimensions. Rarer words are tokenized again in each
batch they occur in."""


class _WordCache:
    """Vectors of words seen in earlier batches, found by the words' hashes
    (:mod:`reader.recommend.words`), so a long build tokenizes each common word once, not
    once per batch, and never makes a Python string of a word it has seen."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.table = words.HashTable(CACHE_WORDS)
        # Room for every cached word from the start: pages are only resident once written,
        # and a growing array was copied whole (~50 MB) by each batch that added words.
        self.vectors = np.empty((CACHE_WORDS, dim), np.float32)

    def columns(self, runs: words.Runs) -> tuple[np.ndarray, np.ndarray]:
        """(a column for each run, the vectors of the words not kept in the cache).

        A column below ``CACHE_WORDS`` is a row of :attr:`vectors`, one at or above it
        the row ``column - CACHE_WORDS`` of the second array."""
        cols = self.table.get(runs.hashes)
        missing = np.flatnonzero(cols < 0)
        if not len(missing):
            return cols, np.zeros((0, self.dim), np.float32)
        new, first, which = np.unique(runs.hashes[missing], return_index=True, return_inverse=True)
        fresh = word_vectors([runs.word(int(i)) for i in missing[first]], self.dim)
        kept = min(len(new), CACHE_WORDS - len(self.table))
        start = len(self.table)
        if kept:
            self.table.put(new[:kept], np.arange(start, start + kept))
            self.vectors[start : start + kept] = fresh[:kept]
        # The new words' columns: in the cache if they were kept, past it if not.
        at = np.where(
            np.arange(len(new)) < kept,
            start + np.arange(len(new)),
            CACHE_WORDS + np.arange(len(new)) - kept,
        )
        cols[missing] = at[which]
        return cols, fresh[kept:]


@functools.cache
def _cache(dim: int) -> _WordCache:
    return _WordCache(dim)


def wordllama_embed(texts: Sequence[str], dim: int | None = None) -> np.ndarray:
    """Unit-length WordLlama embeddings of `texts` (the default :data:`Embedder`): the
    direction of the mean of their token vectors, :data:`DIM` coordinates unless `dim`."""
    dim = dim or DIM
    cache = _cache(dim)
    runs = words.runs(texts, "nonspace")
    cols, others = cache.columns(runs)
    out = np.zeros((len(texts), dim), np.float32)
    for where, matrix, offset in (
        (cols < CACHE_WORDS, cache.vectors[: len(cache.table)], 0),
        (cols >= CACHE_WORDS, others, CACHE_WORDS),
    ):
        if not where.any():
            continue
        # The runs are in reading order, so their texts' rows are built directly.
        indptr = np.zeros(len(texts) + 1, np.int64)
        np.cumsum(np.bincount(runs.owner[where], minlength=len(texts)), out=indptr[1:])
        counts = ssp.csr_matrix(
            (np.ones(int(indptr[-1]), np.float32), cols[where] - offset, indptr),
            shape=(len(texts), len(matrix)),
        )
        out += counts @ matrix
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    out[(norms == 0).ravel()] = 0.0
    return out
