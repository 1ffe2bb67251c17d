"""A sentence encoder that reads a paper as a whole: all-MiniLM-L6-v2, run with NumPy.

The TF-IDF terms, the LSA and WordLlama's averaged word vectors see a text as a bag of
words. MiniLM (6 transformer layers, 384 dimensions; Apache License 2.0, see the README) reads
the words in their order, and was trained on a billion sentence pairs, among them the
title/abstract and citation pairs of S2ORC and SPECTER: it knows which papers cite one
another, which no word count can tell. As a re-ranking signal over the best few hundred
papers it raised recall@50 and nDCG@10 on held-out readers (docs/benchmarks.md).

It costs about 3 ms a title and 34 ms a title with its abstract (cut at :data:`MAX_TOKENS`
tokens) on two cores, far too slow for every paper of a large catalog, so the ranking asks
for it only for the papers it is about to show and the papers they are compared with, and
the service keeps what it has encoded (``paper_vectors`` in the store).

The weights ship with reader (``minilm_l6/``, int8 with a scale per row, made by
``tools/convert_minilm.py``); the forward pass below is BERT's, in float32, and gives
the embeddings of sentence-transformers to a cosine of 0.999 (``tests/test_minilm.py``).
Nothing is downloaded, and PyTorch is not needed.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

DIM = 384
MODEL = "all-MiniLM-L6-v2 int8 128"
"""The name stored rows are kept under: a new model, quantization or :data:`MAX_TOKENS`
needs a new name, so that rows of the old one are not mixed with the new."""
MAX_TOKENS = 128
"""Tokens read of each text, [CLS] and [SEP] included: a title and the first sentences of
its abstract. The model was trained on 128; its cost grows faster than linearly beyond."""
BATCH = 32
_LAYERS = 6
_HEADS = 12
_FOLDER = Path(__file__).with_name("minilm_l6")

Progress = Callable[[int, int], None]
"""Called with (texts encoded so far, texts in all) after each batch."""


class _Model:
    def __init__(self, folder: Path) -> None:
        import tokenizers

        with np.load(folder / "weights.npz", allow_pickle=False) as z:
            arrays = {name: z[name] for name in z.files}
        self.w: dict[str, np.ndarray] = {}
        for name, value in arrays.items():
            if name.endswith(".q"):
                base = name[:-2]
                self.w[base] = value.astype(np.float32) * arrays[base + ".scale"][:, None]
            elif not name.endswith(".scale"):
                self.w[name] = value
        # Matrices transposed once, so that each layer is x @ W.
        for name in list(self.w):
            if name.startswith("encoder.") and name.endswith(".weight") and self.w[name].ndim == 2:
                self.w[name] = np.ascontiguousarray(self.w[name].T)
        self.tokenizer = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        x = x - mean
        var = (x * x).mean(-1, keepdims=True)
        return x / np.sqrt(var + 1e-12) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        # As one 2-D product: NumPy's product of a 3-D array took 3x as long (no single
        # BLAS call).
        flat = x.reshape(-1, x.shape[-1]) @ self.w[name + ".weight"]
        flat += self.w[name + ".bias"]
        return flat.reshape(*x.shape[:-1], -1)

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Unit rows: the mean of the last layer over each text's tokens, normalized."""
        b, n = ids.shape
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:n]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        # Padding is never attended to.
        pad = np.where(mask, 0.0, -1e9).astype(np.float32)[:, None, None, :]
        head = DIM // _HEADS
        scale = np.float32(1 / math.sqrt(head))
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."

            def heads(name: str, x: np.ndarray = x, p: str = p) -> np.ndarray:
                """(batch, head, token, dim) of one projection."""
                out = self._linear(x, p + "attention.self." + name)
                return out.reshape(b, n, _HEADS, head).transpose(0, 2, 1, 3)

            # Contiguous blocks: the stacked products of transposed views were 2.5x slower.
            q = np.ascontiguousarray(heads("query"))
            k = np.ascontiguousarray(heads("key").transpose(0, 1, 3, 2))
            v = np.ascontiguousarray(heads("value"))
            s = q @ k
            s *= scale
            s += pad
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            context = (s @ v).transpose(0, 2, 1, 3).reshape(b, n, DIM)
            x = self._norm(
                self._linear(context, p + "attention.output.dense") + x,
                p + "attention.output.LayerNorm",
            )
            h = self._linear(x, p + "intermediate.dense")
            h = _gelu(h)
            x = self._norm(self._linear(h, p + "output.dense") + x, p + "output.LayerNorm")
        m = mask[..., None].astype(np.float32)
        mean = (x * m).sum(1) / np.maximum(m.sum(1), 1)
        return mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's GELU, x * Phi(x), with erf by Abramowitz and Stegun's 7.1.26 (error below
    1.5e-7), in place on three buffers: SciPy's erf took 20x as long, and the same formula
    written as plain expressions 8x (their temporaries)."""
    f = np.float32
    z = np.abs(x)
    z *= f(1 / math.sqrt(2))
    t = z * f(0.3275911)
    t += f(1)
    np.reciprocal(t, out=t)
    p = t * f(1.061405429)
    for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        p += f(c)
        p *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    p *= z  # 1 - erf(|x| / sqrt 2)
    np.negative(p, out=p)
    p += f(1)
    np.copysign(p, x, out=p)  # erf(x / sqrt 2)
    p += f(1)
    p *= x
    p *= f(0.5)
    return p


@functools.cache
def _model() -> _Model:
    return _Model(_FOLDER)


def encode(texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
    """One unit row (float32, :data:`DIM` wide) per text; a blank text gives a zero row.

    Texts of similar length are encoded together, so that little of a batch is padding.
    """
    out = np.zeros((len(texts), DIM), np.float32)
    todo = [i for i, t in enumerate(texts) if t.strip()]
    if not todo:
        return out
    model = _model()
    encodings = model.tokenizer.encode_batch([texts[i] for i in todo])
    order = sorted(range(len(todo)), key=lambda j: len(encodings[j].ids))
    for start in range(0, len(order), BATCH):
        batch = order[start : start + BATCH]
        n = max(len(encodings[j].ids) for j in batch)
        ids = np.zeros((len(batch), n), np.int64)
        mask = np.zeros((len(batch), n), bool)
        for r, j in enumerate(batch):
            tokens = encodings[j].ids
            ids[r, : len(tokens)] = tokens
            mask[r, : len(tokens)] = True
        out[[todo[j] for j in batch]] = model.forward(ids, mask)
        if progress is not None:
            progress(min(start + BATCH, len(order)), len(order))
    return out


def paper_text(title: str, abstract: str) -> str:
    """What the encoder reads of a paper: its title, then its abstract."""
    title, abstract = title.strip(), abstract.strip()
    return f"{title}. {abstract}" if title and abstract else title or abstract


def to_bytes(rows: np.ndarray) -> list[bytes]:
    """Each row as float16, little-endian (768 bytes): what the store keeps."""
    return [row.tobytes() for row in rows.astype("<f2")]


def from_bytes(blobs: Sequence[bytes]) -> np.ndarray:
    """Rows kept by :func:`to_bytes`, back as float32 (one row per blob)."""
    if not blobs:
        return np.zeros((0, DIM), np.float32)
    return np.frombuffer(b"".join(blobs), "<f2").reshape(len(blobs), DIM).astype(np.float32)
