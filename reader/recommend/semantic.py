"""Dense sentence embeddings that run offline: WordLlama's 256-d model, shipped in its wheel.

WordLlama (MIT licence; the weights are distilled from the token embeddings of LLaMA 2 70B
and other models, see README) averages learned token vectors, so it needs no GPU and embeds
about 15,000 abstracts a second on one core. The weights come with the package; nothing is
ever downloaded (``disable_download=True``), so this works without a network.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

Embedder = Callable[[Sequence[str]], np.ndarray]
"""Texts to unit rows (float32, one per text; an empty text gives a zero row)."""

DIM = 256


@functools.cache
def _model():  # type: ignore[no-untyped-def]
    import wordllama

    # The default loader looks for the tokenizer in the user's cache and then tries the
    # network; the package folder holds both the weights and the tokenizer.
    return wordllama.WordLlama.load(
        cache_dir=Path(wordllama.__file__).parent, disable_download=True, dim=DIM
    )


def wordllama_embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length WordLlama embeddings of `texts` (the default :data:`Embedder`)."""
    if not texts:
        return np.zeros((0, DIM), np.float32)
    out = np.asarray(_model().embed(list(texts), norm=False), dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    out[(norms == 0).ravel()] = 0.0
    return out
