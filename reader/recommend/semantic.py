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
from itertools import chain, repeat
from pathlib import Path

import numpy as np
import scipy.sparse as ssp

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
    return tokenizer, vectors


def word_vectors(words: Sequence[str], dim: int = DIM) -> np.ndarray:
    """The sum of the token vectors of each word, as the tokenizer splits it alone."""
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
"""Words whose vectors are kept between calls (the frequent ones come first); about 50 MB
at 128 dimensions. Rarer words are tokenized again in each batch they occur in."""


class _WordCache:
    """Vectors of words seen in earlier batches, so a long build tokenizes each common
    word once, not once per batch."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.row: dict[str, int] = {}
        # Room for every cached word from the start: pages are only resident once written,
        # and a growing array was copied whole (~50 MB) by each batch that added words.
        self.vectors = np.empty((CACHE_WORDS, dim), np.float32)

    def lookup(self, words: list[str]) -> np.ndarray:
        """Vectors of `words` (distinct), from the cache or computed (and kept if room)."""
        rows = np.fromiter(map(self.row.get, words, repeat(-1)), np.int64, len(words))
        missing = np.flatnonzero(rows < 0)
        out = np.empty((len(words), self.dim), np.float32)
        out[rows >= 0] = self.vectors[rows[rows >= 0]]
        if len(missing):
            fresh = word_vectors([words[i] for i in missing], self.dim)
            out[missing] = fresh
            room = CACHE_WORDS - len(self.row)
            if room > 0:
                keep = missing[:room]
                start = len(self.row)
                self.row.update((words[i], start + k) for k, i in enumerate(keep.tolist()))
                self.vectors[start : start + len(keep)] = fresh[: len(keep)]
        return out


@functools.cache
def _cache(dim: int) -> _WordCache:
    return _WordCache(dim)


def wordllama_embed(texts: Sequence[str], dim: int | None = None) -> np.ndarray:
    """Unit-length WordLlama embeddings of `texts` (the default :data:`Embedder`): the
    direction of the mean of their token vectors, :data:`DIM` coordinates unless `dim`."""
    dim = dim or DIM
    words = [t.split() for t in texts]
    lengths = np.fromiter(map(len, words), np.int64, len(words))
    flat = list(chain.from_iterable(words))
    distinct = list(dict.fromkeys(flat))
    column = {w: i for i, w in enumerate(distinct)}
    cols = np.fromiter(map(column.__getitem__, flat), np.int64, len(flat))
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    counts = ssp.csr_matrix(
        (np.ones(len(cols), np.float32), cols, indptr), shape=(len(texts), len(distinct))
    )
    out = np.asarray(counts @ _cache(dim).lookup(distinct), dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    out[(norms == 0).ravel()] = 0.0
    return out
