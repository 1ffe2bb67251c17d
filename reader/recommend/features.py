"""Catalog features: a TF-IDF matrix, an LSA projection and topic clusters, built in two passes.

Pure: the catalog arrives through a factory of iterables, nothing here reads files, the clock or
global random state (the SVD and k-means use fixed seeds).

Pass 1 reads the first ``VOCAB_SAMPLE`` papers and keeps the unigrams and bigrams found in at
least two of them (the whole catalog when it is smaller), most frequent first. Pass 2 counts
those terms in every paper; large catalogs are tokenized in two worker processes. Then:
sublinear tf times smoothed idf, l2-normalized rows (``matrix``); a TruncatedSVD of the
idf-weighted matrix over the ``LSA_TERMS`` most frequent terms (``dense``, unit rows); and
k-means clusters of the dense rows, used for starter picks and exploration.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing import get_context

import numpy as np
import scipy.sparse as ssp
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

FORMAT = 1
"""Bumped whenever the layout of :meth:`Features.to_bytes` or the weighting changes."""
VOCAB_SAMPLE = 60_000
"""Papers read in pass 1 to choose the vocabulary."""
MAX_VOCAB = 1 << 18
LSA_TERMS = 1 << 17
LSA_DIM = 128
SVD_SAMPLE = 60_000
"""Rows the SVD is fitted on; every row is then projected."""
MAX_CLUSTERS = 200
CHUNK = 10_000
PARALLEL_FROM = 100_000
"""Catalogs at least this large are tokenized in worker processes."""
WORKERS = 2

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
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


def _meta(prefix: str, value: str) -> str:
    return prefix + _NOT_WORD.sub("_", value.strip().lower()).strip("_")


def item_terms(item: CatalogItem) -> list[str]:
    """Unigrams and bigrams of the title and abstract (English stop words dropped, as in
    scikit-learn's default analyzer), then one ``au_`` term per author and ``tag_`` per tag.
    """
    words = [w for w in _TOKEN.findall(f"{item.title} {item.abstract}".lower()) if w not in _STOP]
    terms = words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    terms += [_meta("au_", a) for a in item.authors if a.strip()]
    terms += [_meta("tag_", t) for t in item.tags if t.strip()]
    return terms


def _count_rows(
    items: Sequence[CatalogItem], vocab: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Term counts of `items` as CSR parts (data, indices, indptr) over `vocab`."""
    get = vocab.get
    cols: list[int] = []
    indptr = [0]
    for item in items:
        found = (get(t) for t in item_terms(item))
        cols.extend(i for i in found if i is not None)
        indptr.append(len(cols))
    m = ssp.csr_matrix(
        (np.ones(len(cols), np.float32), np.asarray(cols, np.int32), np.asarray(indptr, np.int64)),
        shape=(len(items), len(vocab)),
    )
    m.sum_duplicates()
    return m.data, m.indices, m.indptr


_WORKER_VOCAB: dict[str, int] = {}


def _worker_init(terms: list[str]) -> None:
    _WORKER_VOCAB.clear()
    _WORKER_VOCAB.update((t, i) for i, t in enumerate(terms))


def _worker_count(
    rows: list[tuple[int, str, str, tuple[str, ...], tuple[str, ...]]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return _count_rows([CatalogItem(*r) for r in rows], _WORKER_VOCAB)


def _chunks(items: Iterable[CatalogItem], size: int) -> Iterator[list[CatalogItem]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


@dataclass(eq=False)
class Features:
    """The fitted representation of a whole catalog; row ``i`` of every matrix is ``ids[i]``."""

    ids: np.ndarray
    """Paper ids, int64."""
    terms: list[str]
    """Column names of `matrix`."""
    idf: np.ndarray
    matrix: ssp.csr_matrix
    """Sublinear tf-idf, l2-normalized rows, float32."""
    components: np.ndarray
    """LSA basis over the first ``components.shape[1]`` terms, float32."""
    dense: np.ndarray
    """LSA coordinates, unit rows (zero for empty papers), float32."""
    centroids: np.ndarray
    """Cluster centres in LSA space."""
    labels: np.ndarray
    """Cluster of each row, int32."""
    _row: dict[int, int] | None = field(default=None, repr=False)
    _vocab: dict[str, int] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def vocabulary(self) -> dict[str, int]:
        if self._vocab is None:
            self._vocab = {t: i for i, t in enumerate(self.terms)}
        return self._vocab

    def row_of(self, paper_id: int) -> int | None:
        """Row index of a paper id, or None when the catalog lacks it."""
        if self._row is None:
            self._row = {int(p): i for i, p in enumerate(self.ids.tolist())}
        return self._row.get(int(paper_id))

    def rows(self, paper_ids: Iterable[int]) -> np.ndarray:
        """Row indices of the ids that are in the catalog (others skipped), in order."""
        found = (self.row_of(p) for p in paper_ids)
        return np.fromiter((r for r in found if r is not None), dtype=np.int64)

    @property
    def version(self) -> str:
        """Changes whenever the catalog's ids, the vocabulary or the format change."""
        h = hashlib.blake2b(digest_size=12)
        h.update(f"{FORMAT}:{len(self.terms)}:".encode())
        h.update(np.ascontiguousarray(self.ids, dtype=np.int64).tobytes())
        return h.hexdigest()

    def vectorize(self, items: Sequence[CatalogItem]) -> tuple[ssp.csr_matrix, np.ndarray]:
        """TF-IDF rows and LSA rows of new texts with this catalog's vocabulary and idf."""
        data, indices, indptr = _count_rows(items, self.vocabulary)
        counts = ssp.csr_matrix((data, indices, indptr), shape=(len(items), len(self.terms)))
        x = _tfidf(counts, self.idf)
        return x, _project(x, self.idf, self.components)

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez(
            buf,
            format=np.array([FORMAT]),
            ids=self.ids,
            terms=np.frombuffer("\n".join(self.terms).encode("utf-8"), dtype=np.uint8),
            idf=self.idf,
            data=self.matrix.data,
            indices=self.matrix.indices,
            indptr=self.matrix.indptr,
            components=self.components,
            dense=self.dense,
            centroids=self.centroids,
            labels=self.labels,
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Features:
        """Load what :meth:`to_bytes` wrote; raises ValueError for another format version."""
        z = np.load(io.BytesIO(data), allow_pickle=False)
        if int(z["format"][0]) != FORMAT:
            raise ValueError(f"features format {int(z['format'][0])}, expected {FORMAT}")
        raw = z["terms"].tobytes().decode("utf-8")
        terms = raw.split("\n") if raw else []
        ids = z["ids"]
        matrix = ssp.csr_matrix(
            (z["data"], z["indices"], z["indptr"]), shape=(len(ids), len(terms))
        )
        return cls(
            ids=ids,
            terms=terms,
            idf=z["idf"],
            matrix=matrix,
            components=z["components"],
            dense=z["dense"],
            centroids=z["centroids"],
            labels=z["labels"],
        )


def _tfidf(counts: ssp.csr_matrix, idf: np.ndarray) -> ssp.csr_matrix:
    x = counts.astype(np.float32, copy=True)
    np.log(x.data, out=x.data)
    x.data += 1.0
    x.data *= idf[x.indices]
    return _normalize_rows(x)


def _normalize_rows(x: ssp.csr_matrix) -> ssp.csr_matrix:
    sq = np.add.reduceat(x.data.astype(np.float64) ** 2, x.indptr[:-1]) if x.nnz else None
    norms = np.zeros(x.shape[0])
    if sq is not None:
        nonempty = np.diff(x.indptr) > 0
        norms[nonempty] = np.sqrt(sq[nonempty])
    scale = np.where(norms > 0, 1.0 / np.maximum(norms, 1e-30), 0.0).astype(np.float32)
    x.data *= np.repeat(scale, np.diff(x.indptr))
    return x


def _lsa_input(x: ssp.csr_matrix, idf: np.ndarray, n_terms: int) -> ssp.csr_matrix:
    """The idf-weighted rows over the first `n_terms` columns, l2-normalized."""
    sub = x[:, :n_terms].astype(np.float32, copy=True)
    sub.data *= idf[sub.indices]
    return _normalize_rows(sub)


def _project(x: ssp.csr_matrix, idf: np.ndarray, components: np.ndarray) -> np.ndarray:
    out = np.empty((x.shape[0], components.shape[0]), dtype=np.float32)
    for start in range(0, x.shape[0], 50_000):
        part = _lsa_input(x[start : start + 50_000], idf, components.shape[1])
        out[start : start + 50_000] = np.asarray(part @ components.T, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def _choose_vocabulary(items: Iterable[CatalogItem]) -> tuple[list[str], int]:
    """The kept terms, most frequent first, and how many papers were read."""
    df: Counter[str] = Counter()
    seen = 0
    for item in islice(items, VOCAB_SAMPLE):
        df.update(set(item_terms(item)))
        seen += 1
    kept = [(c, t) for t, c in df.items() if c >= 2]
    kept.sort(key=lambda ct: (-ct[0], ct[1]))
    return [t for _, t in kept[:MAX_VOCAB]], seen


def _count_catalog(
    items: Iterable[CatalogItem],
    terms: list[str],
    progress: Callable[[int, int | None], None] | None,
    total: int | None,
    parallel: bool,
) -> tuple[np.ndarray, ssp.csr_matrix]:
    ids: list[int] = []
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def done(n: int) -> None:
        if progress is not None:
            progress(n, total)

    if parallel:
        ctx = get_context("spawn")
        with ProcessPoolExecutor(
            WORKERS, mp_context=ctx, initializer=_worker_init, initargs=(terms,)
        ) as pool:
            pending = []
            for chunk in _chunks(items, CHUNK):
                ids.extend(i.id for i in chunk)
                rows = [(i.id, i.title, i.abstract, i.authors, i.tags) for i in chunk]
                pending.append(pool.submit(_worker_count, rows))
                # Keep a bounded queue so a huge catalog is not held in memory as text.
                while len(pending) > 2 * WORKERS:
                    parts.append(pending.pop(0).result())
                    done(sum(len(p[2]) - 1 for p in parts))
            for fut in pending:
                parts.append(fut.result())
                done(sum(len(p[2]) - 1 for p in parts))
    else:
        vocab = {t: i for i, t in enumerate(terms)}
        for chunk in _chunks(items, CHUNK):
            ids.extend(i.id for i in chunk)
            parts.append(_count_rows(chunk, vocab))
            done(len(ids))
    return np.asarray(ids, dtype=np.int64), _stack(parts, len(terms))


def _stack(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]], n_cols: int) -> ssp.csr_matrix:
    data = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.float32)
    indices = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int32)
    indptr = [np.zeros(1, np.int64)]
    offset = 0
    for p in parts:
        indptr.append(p[2][1:].astype(np.int64) + offset)
        offset += int(p[2][-1])
    ptr = np.concatenate(indptr)
    return ssp.csr_matrix((data, indices, ptr), shape=(len(ptr) - 1, n_cols))


def _clusters(dense: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = dense.shape[0]
    k = max(1, min(MAX_CLUSTERS, n, round(math.sqrt(n))))
    if n <= 20_000:
        km: KMeans | MiniBatchKMeans = KMeans(k, n_init=3, random_state=0)
    else:
        km = MiniBatchKMeans(k, n_init=3, batch_size=8192, random_state=0)
    with warnings.catch_warnings():
        # Tiny catalogs may have fewer distinct papers than clusters; that is fine.
        warnings.simplefilter("ignore", ConvergenceWarning)
        labels = km.fit_predict(dense).astype(np.int32)
    return km.cluster_centers_.astype(np.float32), labels


def build_features(
    items: Callable[[], Iterable[CatalogItem]],
    *,
    progress: Callable[[int, int | None], None] | None = None,
) -> Features:
    """Fit features on the whole catalog.

    :param items: called once per pass (twice); each call must yield the same papers in the
        same order. A list-returning factory lets progress report a total.
    :param progress: called with (papers counted so far, total or None) during pass 2.
    """
    first = items()
    total = len(first) if hasattr(first, "__len__") else None  # type: ignore[arg-type]
    terms, seen = _choose_vocabulary(first)
    # Worker processes only pay off for large catalogs; a full sample hints at one.
    parallel = total >= PARALLEL_FROM if total is not None else seen >= VOCAB_SAMPLE
    ids, counts = _count_catalog(items(), terms, progress, total, parallel)
    n = len(ids)
    if len(np.unique(ids)) != n:
        raise ValueError("duplicate paper ids in the catalog")
    df = np.bincount(counts.indices, minlength=len(terms)).astype(np.float64)
    idf = (np.log((n + 1) / (df + 1)) + 1.0).astype(np.float32)
    matrix = _tfidf(counts, idf)
    del counts
    n_terms = min(LSA_TERMS, len(terms))
    dim = min(LSA_DIM, max(1, n_terms - 1), max(1, n - 1))
    if n >= 3 and n_terms >= 3:
        step = max(1, n // SVD_SAMPLE)
        svd = TruncatedSVD(dim, algorithm="randomized", n_iter=5, random_state=0)
        with warnings.catch_warnings():
            # explained_variance_ratio_ divides by zero on degenerate tiny inputs; unused.
            warnings.simplefilter("ignore", RuntimeWarning)
            svd.fit(_lsa_input(matrix[::step], idf, n_terms))
        components = svd.components_.astype(np.float32)
    else:
        components = np.zeros((1, n_terms), dtype=np.float32)
    dense = _project(matrix, idf, components) if n else np.zeros((0, 1), np.float32)
    if n:
        centroids, labels = _clusters(dense)
    else:
        centroids, labels = np.zeros((0, dense.shape[1]), np.float32), np.zeros(0, np.int32)
    return Features(ids, terms, idf, matrix, components, dense, centroids, labels)


def add_items(features: Features, items: Iterable[CatalogItem]) -> Features:
    """Add (or replace) a few papers using the existing vocabulary, idf, LSA basis and clusters.

    Cheap, but new words are ignored until the next full :func:`build_features`.
    """
    new = list(items)
    if not new:
        return features
    new_ids = np.asarray([i.id for i in new], dtype=np.int64)
    if len(np.unique(new_ids)) != len(new_ids):
        raise ValueError("duplicate paper ids among the added items")
    keep = ~np.isin(features.ids, new_ids)
    x, z = features.vectorize(new)
    if len(features.centroids):
        labels = np.argmax(z @ features.centroids.T, axis=1).astype(np.int32)
    else:
        labels = np.zeros(len(new), np.int32)
    keep_rows = np.flatnonzero(keep)
    return Features(
        ids=np.concatenate([features.ids[keep_rows], new_ids]),
        terms=features.terms,
        idf=features.idf,
        matrix=ssp.vstack([features.matrix[keep_rows], x], format="csr", dtype=np.float32),
        components=features.components,
        dense=np.vstack([features.dense[keep_rows], z]).astype(np.float32),
        centroids=features.centroids,
        labels=np.concatenate([features.labels[keep_rows], labels]),
        _vocab=features._vocab,
    )
