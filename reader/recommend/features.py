"""Catalog features: a TF-IDF matrix, an LSA projection and topic clusters, built in two passes.

Pure: the catalog arrives through a factory of iterables, nothing here reads files, the clock or
global random state (the SVD and k-means use fixed seeds).

Pass 1 reads ``VOCAB_SAMPLE`` papers (the first, or those the caller names: the service
names the newest) and keeps the unigrams and bigrams found in at least two of them (the whole
catalog when it is smaller), most frequent first. Pass 2 counts
those terms in every paper and, if ``MAX_ROW_TERMS`` is set, keeps each paper's terms of
highest tf x idf (idf of the sample: the cut is made as the chunks are counted, so the whole
catalog's counts are never held); both passes are :mod:`reader.recommend.terms`. Large
catalogs are counted and embedded in two worker processes while this one reads. Then:
sublinear tf times smoothed idf (over the whole catalog), l2-normalized rows (``matrix``); a
truncated SVD (scikit-learn's randomized algorithm, computed here on two threads:
:func:`_lsa_basis`) of the idf-weighted matrix over the ``LSA_TERMS`` most frequent terms
(``dense``, unit rows); and k-means clusters of the dense rows, used for starter picks and
exploration.

Papers added later (:func:`add_items`) keep the vocabulary, idf, LSA basis and clusters; a
saved index takes them as records appended to a second file (:func:`append_rows`), read
back by :meth:`Features.load`, so a day's papers never rewrite the whole index.
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing import get_context
from typing import IO, BinaryIO

import numpy as np
import scipy.sparse as ssp
from scipy import linalg
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from reader.recommend import terms as term_counting
from reader.recommend.heap import give_back_memory
from reader.recommend.semantic import Embedder, wordllama_embed
from reader.recommend.terms import (
    VOCAB_SAMPLE,
    CatalogItem,
    TermCounter,
    choose_vocabulary,
    count_chunk,
    embed_items,
    smoothed_idf,
    weigh_rows,
    worker_count,
    worker_init,
    worker_vocabulary,
)

FORMAT = 6
"""Bumped whenever the layout of :meth:`Features.to_bytes` or the weighting changes
(4: the embedding reads runs of whitespace as one space; rows may be cut to
``MAX_ROW_TERMS`` terms and embeddings to ``semantic.DIM`` coordinates; 5: papers added
later may sit in a file of added rows beside the index, see :func:`append_rows`, which
an older reader would not see; 6: the index records how many papers it was fitted on,
:attr:`Features.fitted_on`, so that :func:`outgrown` can tell when to build it again)."""
REFIT_NEW = VOCAB_SAMPLE // 2
"""An index is built again once the papers added since its build number as many as it was
fitted on, or this many (see :func:`outgrown`): half a vocabulary sample of new papers."""
LSA_TERMS = 1 << 17
LSA_DIM = 128
SVD_SAMPLE = 60_000
"""Rows the SVD is fitted on; every row is then projected."""
MAX_CLUSTERS = 200
KMEANS_SAMPLE = 100_000
"""Rows k-means is fitted on (every row then gets its nearest centre). From this many
papers on it starts once, not from the best of three k-means++ starts: 1.6 s against 4.2 s
of a million papers' build, for a fit 0.2-0.8% worse by inertia (the clusters pick the
exploration slot's areas and name topics; nothing finer rests on them)."""
CHUNK = 2_500
"""Papers per task of a worker; its memory grows with the chunk's words and arrays."""
PARALLEL_FROM = 100_000
"""Catalogs at least this large are tokenized in worker processes."""
WORKERS = 2
_NO_PROCESSES = (OSError, ValueError, BrokenProcessPool)
"""What starting worker processes raises where that is impossible; the build then runs in
this process instead."""


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
    semantic: np.ndarray
    """Sentence embeddings of title and abstract (WordLlama), unit rows, float32."""
    fitted_on: int = 0
    """How many papers the vocabulary, idf, LSA basis and clusters were fitted on (the
    catalog at the last full build); papers added since only get rows."""
    _row: dict[int, int] | None = field(default=None, repr=False)
    _vocab: dict[str, int] | None = field(default=None, repr=False)
    _counter: TermCounter | None = field(default=None, repr=False)
    _sorted: bool | None = field(default=None, repr=False)
    _room: _Room | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def vocabulary(self) -> dict[str, int]:
        if self._vocab is None:
            self._vocab = {t: i for i, t in enumerate(self.terms)}
        return self._vocab

    def _ids_sorted(self) -> bool:
        # Rows follow the catalog's id order (and added papers have higher ids), so a binary
        # search finds a row without a million-entry dictionary (~0.3 s to build).
        if self._sorted is None:
            self._sorted = bool(np.all(self.ids[1:] > self.ids[:-1]))
        return self._sorted

    def row_of(self, paper_id: int) -> int | None:
        """Row index of a paper id, or None when the catalog lacks it."""
        if self._ids_sorted():
            found = self.rows([paper_id])
            return int(found[0]) if len(found) else None
        if self._row is None:
            self._row = {int(p): i for i, p in enumerate(self.ids.tolist())}
        return self._row.get(int(paper_id))

    def rows(self, paper_ids: Iterable[int]) -> np.ndarray:
        """Row indices of the ids that are in the catalog (others skipped), in order."""
        if self._ids_sorted():
            wanted = np.fromiter((int(p) for p in paper_ids), np.int64)
            at = np.searchsorted(self.ids, wanted)
            at[at >= len(self.ids)] = 0
            return at[self.ids[at] == wanted] if len(self.ids) else at[:0]
        found = (self.row_of(p) for p in paper_ids)
        return np.fromiter((r for r in found if r is not None), dtype=np.int64)

    @property
    def version(self) -> str:
        """Changes whenever the catalog's ids, the vocabulary or the format change."""
        h = hashlib.blake2b(digest_size=12)
        h.update(f"{FORMAT}:{len(self.terms)}:".encode())
        h.update(np.ascontiguousarray(self.ids, dtype=np.int64).tobytes())
        return h.hexdigest()

    def term_counts(self, items: Sequence[CatalogItem]) -> ssp.csr_matrix:
        """How often each of this catalog's terms occurs in each of `items` (a row each)."""
        if self._counter is None:
            self._counter = TermCounter(self.terms)
        return self._counter.count(items)

    def vectorize(
        self, items: Sequence[CatalogItem], embed: Embedder = wordllama_embed
    ) -> tuple[ssp.csr_matrix, np.ndarray, np.ndarray]:
        """TF-IDF rows, LSA rows and sentence embeddings of new texts with this catalog's
        vocabulary and idf (rows cut to ``MAX_ROW_TERMS`` terms, as in the build)."""
        tf, indices, indptr = weigh_rows(
            self.term_counts(items), self.idf, term_counting.MAX_ROW_TERMS
        )
        x = _apply_idf(tf, indices, indptr, len(self.terms), self.idf)
        return x, _project(x, self.idf, self.components), embed_items(items, embed)

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self.save(buf)
        return buf.getvalue()

    def save(self, stream: BinaryIO) -> None:
        """Write the features to a binary stream, array by array (no second copy in
        memory, which matters at a million papers)."""
        np.savez(
            stream,
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
            semantic=self.semantic,
            fitted_on=np.array([self.fitted_on]),
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> Features:
        """Load what :meth:`to_bytes` wrote; raises ValueError for another format version."""
        return cls.load(io.BytesIO(data))

    @classmethod
    def load(cls, stream: BinaryIO, added: BinaryIO | None = None) -> Features:
        """Load what :meth:`save` wrote, with the rows :func:`append_rows` wrote to `added`
        after it (up to the first record that is torn, corrupt or does not follow on from
        the rows before it: those and any after are left out, never misread). Raises
        ValueError for another format version.

        Each array is read straight into one of its final size, with room for papers added
        later (see :class:`_Room`): neither the added rows nor those to come cost a second
        copy of the index (1.5 GB at a million papers)."""
        z = np.load(stream, allow_pickle=False)
        if int(z["format"][0]) != FORMAT:
            raise ValueError(f"features format {int(z['format'][0])}, expected {FORMAT}")
        raw = z["terms"].tobytes().decode("utf-8")
        terms = raw.split("\n") if raw else []
        base_ids = z["ids"]
        dims = (len(terms), _member_shape(z, "dense")[1], _member_shape(z, "semantic")[1])
        records = _read_added(added, base_ids, dims) if added is not None else []
        n = len(base_ids) + sum(len(r.ids) for r in records)
        nnz = _member_shape(z, "data")[0] + sum(len(r.data) for r in records)
        # Room after the rows for the papers added while this runs (see `_Room`).
        spare, spare_nnz = _spare_room(n, nnz)
        ids = np.empty(n + spare, np.int64)
        ids[: len(base_ids)] = base_ids
        room = _Room(
            ids,
            _read_member(z, "data", nnz + spare_nnz, np.float32),
            _read_member(z, "indices", nnz + spare_nnz, np.int32),
            _read_member(z, "indptr", n + 1 + spare, np.int64),
            _read_member(z, "dense", n + spare, np.float32),
            _read_member(z, "labels", n + spare, np.int32),
            _read_member(z, "semantic", n + spare, np.float32),
            len(base_ids),
            _member_shape(z, "data")[0],
        )
        for r in records:
            room.add(r.ids, r.data, r.indices, r.ends, r.dense, r.labels, r.semantic)
        shell = cls(
            ids=base_ids[:0],
            terms=terms,
            idf=z["idf"],
            matrix=ssp.csr_matrix((0, len(terms)), dtype=np.float32),
            components=z["components"],
            dense=np.zeros((0, dims[1]), np.float32),
            centroids=z["centroids"],
            labels=np.zeros(0, np.int32),
            semantic=np.zeros((0, dims[2]), np.float32),
            fitted_on=int(z["fitted_on"][0]),
        )
        return room.features(shell)


def _member(z: np.lib.npyio.NpzFile, name: str) -> IO[bytes]:
    assert z.zip is not None  # an npz file, not a single array
    return z.zip.open(name + ".npy")


def _read_header(f: IO[bytes]) -> tuple[tuple[int, ...], bool, np.dtype]:
    """An .npy stream's (shape, fortran order, dtype), leaving ``f`` at the data."""
    version = np.lib.format.read_magic(f)
    header = (
        np.lib.format.read_array_header_1_0
        if version == (1, 0)
        else np.lib.format.read_array_header_2_0
    )
    shape, fortran, dtype = header(f)
    return tuple(shape), fortran, dtype


def _member_shape(z: np.lib.npyio.NpzFile, name: str) -> tuple[int, ...]:
    with _member(z, name) as f:
        return _read_header(f)[0]


def _read_member(z: np.lib.npyio.NpzFile, name: str, rows: int, dtype: type) -> np.ndarray:
    """An array of `rows` rows of `dtype` that starts with the npz file's array `name`."""
    with _member(z, name) as f:
        shape, fortran, stored = _read_header(f)
        if fortran or stored.hasobject or not shape or shape[0] > rows:
            raise ValueError(f"features array {name} is not what this version writes")
        out: np.ndarray = np.empty((rows, *shape[1:]), dtype)
        # In pieces, straight into place: a zip member reads through a temporary.
        per_row = math.prod(shape[1:]) * stored.itemsize
        step = max(1, (1 << 24) // max(1, per_row))
        for start in range(0, shape[0], step):
            count = min(step, shape[0] - start)
            piece = f.read(count * per_row)
            if len(piece) != count * per_row:
                raise ValueError(f"features array {name} is cut short")
            out[start : start + count] = np.frombuffer(piece, stored).reshape(count, *shape[1:])
        return out


# Added rows -----------------------------------------------------------------------------
#
# Papers added between full builds go to a second file as records, each appended whole:
# header, arrays, checksum. A record names where it goes (the number of rows before it and
# a digest of their ids), so a record that is torn by a crash, corrupt, or written against
# other rows is recognized and left out with everything after it.

_ADDED_MAGIC = b"RDRADDED"
_ADDED_HEAD = struct.Struct("<8sIQQQQII16s")
"""magic, format, rows before, rows, non-zeros, terms, LSA dim, embedding dim, digest of
the ids of the rows before."""
_CHECKSUM = 16


@dataclass(frozen=True)
class _Record:
    rows_before: int
    ids: np.ndarray
    ends: np.ndarray
    """Each row's end in `data` (the record's own indptr without its leading 0)."""
    data: np.ndarray
    indices: np.ndarray
    dense: np.ndarray
    labels: np.ndarray
    semantic: np.ndarray
    end: int
    """Offset in the file just after the record."""


def _ids_digest(dims: tuple[int, int, int]) -> hashlib.blake2b:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}:{dims}:".encode())
    return h


def _walk_added(
    stream: BinaryIO, dims: tuple[int, int, int]
) -> Iterator[tuple[int, bytes, _Record]]:
    """(rows before, digest, record) of each whole record with a good checksum, in file
    order, stopping at the first that is not."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    at = 0
    while at + _ADDED_HEAD.size <= size:
        head = stream.read(_ADDED_HEAD.size)
        magic, fmt, before, rows, nnz, n_terms, d_dense, d_sem, prev = _ADDED_HEAD.unpack(head)
        if magic != _ADDED_MAGIC or fmt != FORMAT or (n_terms, d_dense, d_sem) != dims:
            return
        sizes = [
            8 * rows,
            8 * rows,
            4 * nnz,
            4 * nnz,
            4 * rows * d_dense,
            4 * rows,
            4 * rows * d_sem,
        ]
        length = sum(sizes)
        if at + _ADDED_HEAD.size + length + _CHECKSUM > size:
            return  # torn: the append was cut short
        payload = stream.read(length)
        check = hashlib.blake2b(head, digest_size=_CHECKSUM)
        check.update(payload)
        if stream.read(_CHECKSUM) != check.digest():
            return
        parts, offset = [], 0
        for n, dtype in zip(
            sizes,
            [np.int64, np.int64, np.float32, np.int32, np.float32, np.int32, np.float32],
            strict=True,
        ):
            parts.append(np.frombuffer(payload, dtype, n // np.dtype(dtype).itemsize, offset))
            offset += n
        ids, ends, data, indices, dense, labels, semantic = parts
        if len(ends) and (ends[-1] != nnz or np.any(np.diff(ends) < 0) or ends[0] < 0):
            return
        if len(indices) and (indices.min() < 0 or indices.max() >= n_terms):
            return
        at += _ADDED_HEAD.size + length + _CHECKSUM
        yield (
            before,
            prev,
            _Record(
                before,
                ids,
                ends,
                data,
                indices,
                dense.reshape(rows, d_dense),
                labels,
                semantic.reshape(rows, d_sem),
                at,
            ),
        )


def _read_added(
    stream: BinaryIO, base_ids: np.ndarray, dims: tuple[int, int, int]
) -> list[_Record]:
    """The records that follow on from the base's rows and from each other."""
    digest = _ids_digest(dims)
    digest.update(np.ascontiguousarray(base_ids, np.int64).tobytes())
    count = len(base_ids)
    out = []
    for before, prev, record in _walk_added(stream, dims):
        if before != count or prev != digest.digest():
            break
        digest.update(record.ids.tobytes())
        count += len(record.ids)
        out.append(record)
    return out


def append_rows(features: Features, start: int, stream: BinaryIO) -> None:
    """Append rows ``start:`` of `features` as one record to a file of added rows (opened
    for reading and appending, e.g. ``"a+b"``), for :meth:`Features.load` to find.

    The file must hold the rows after a saved index up to `start` (or nothing, when the
    saved index holds the first `start` rows); a torn record at its end, left by an
    interrupted append, is cut off first. Raises ValueError when the file's rows do not
    end at `start` with the ids `features` has there: the caller should save the whole
    index instead.
    """
    dims = (len(features.terms), features.dense.shape[1], features.semantic.shape[1])
    ids = np.ascontiguousarray(features.ids, np.int64)
    digest = _ids_digest(dims)
    count: int | None = None
    valid_end = 0
    for before, prev, record in _walk_added(stream, dims):
        if count is None:
            if before > len(ids):
                break
            digest.update(ids[:before].tobytes())
            count = before
        rows = len(record.ids)
        if (
            before != count
            or prev != digest.digest()
            or not np.array_equal(record.ids, ids[count : count + rows])
        ):
            break
        digest.update(record.ids.tobytes())
        count += rows
        valid_end = record.end
    if count is None:
        # No whole record: the saved index ends where the first (torn or corrupt) record
        # says it does, or, with no readable header either, at `start`.
        stream.seek(0)
        head = stream.read(_ADDED_HEAD.size)
        first = _ADDED_HEAD.unpack(head) if len(head) == _ADDED_HEAD.size else None
        count = first[2] if first is not None and first[0] == _ADDED_MAGIC else start
        digest.update(ids[:start].tobytes())
    if count != start:
        raise ValueError(f"the added rows end at row {count}, not at {start}")
    stream.truncate(valid_end)
    stream.seek(valid_end)
    m = features.matrix
    lo, hi = int(m.indptr[start]), int(m.indptr[-1])
    rows = len(ids) - start
    dense = np.ascontiguousarray(features.dense[start:], np.float32)
    semantic = np.ascontiguousarray(features.semantic[start:], np.float32)
    head = _ADDED_HEAD.pack(
        _ADDED_MAGIC,
        FORMAT,
        start,
        rows,
        hi - lo,
        dims[0],
        dims[1],
        dims[2],
        digest.digest(),
    )
    payload = b"".join(
        np.ascontiguousarray(a).tobytes()
        for a in (
            ids[start:],
            (m.indptr[start + 1 :] - lo).astype(np.int64),
            m.data[lo:hi].astype(np.float32),
            m.indices[lo:hi].astype(np.int32),
            dense,
            features.labels[start:].astype(np.int32),
            semantic,
        )
    )
    check = hashlib.blake2b(head, digest_size=_CHECKSUM)
    check.update(payload)
    stream.write(head + payload + check.digest())


def _apply_idf(
    tf: np.ndarray, indices: np.ndarray, indptr: np.ndarray, n_cols: int, idf: np.ndarray
) -> ssp.csr_matrix:
    """tf times idf with l2-normalized rows, in place on `tf` (CSR parts)."""
    for start in range(0, len(tf), 1 << 24):  # blocks: idf[indices] is a full-size temporary
        tf[start : start + (1 << 24)] *= idf[indices[start : start + (1 << 24)]]
    x = ssp.csr_matrix((tf, indices, indptr), shape=(len(indptr) - 1, n_cols))
    return _normalize_rows(x)


def _normalize_rows(x: ssp.csr_matrix, block: int = 100_000) -> ssp.csr_matrix:
    """Scale each row to unit l2 norm in place (empty rows stay empty), a block at a time."""
    for start in range(0, x.shape[0], block):
        ptr = x.indptr[start : start + block + 1]
        lo, hi = int(ptr[0]), int(ptr[-1])
        if hi == lo:
            continue
        seg = x.data[lo:hi]
        lengths = np.diff(ptr)
        # A trailing zero gives empty rows at the block's end a valid start; clamping
        # their start to the last element instead cut the row before them short.
        sq = np.add.reduceat(np.append(seg * seg, np.float32(0)), ptr[:-1] - lo)
        sq[lengths == 0] = 0.0
        norms = np.sqrt(sq, dtype=np.float32)
        scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        seg *= np.repeat(scale, lengths)
    return x


def _lsa_input(x: ssp.csr_matrix, idf: np.ndarray, n_terms: int) -> ssp.csr_matrix:
    """The idf-weighted rows over the first `n_terms` columns, l2-normalized."""
    sub = x[:, :n_terms].astype(np.float32, copy=True)
    sub.data *= idf[sub.indices]
    return _normalize_rows(sub)


PROJECT_BLOCK = 25_000
"""Rows projected at a time (per thread)."""


def _project(x: ssp.csr_matrix, idf: np.ndarray, components: np.ndarray) -> np.ndarray:
    out = np.empty((x.shape[0], components.shape[0]), dtype=np.float32)
    # SciPy's sparse-times-dense product wants the dense side C-contiguous and copies it
    # otherwise; copied once here (a loaded index's basis), not once per block.
    basis = np.ascontiguousarray(components.T)

    def block(start: int) -> None:
        part = _lsa_input(x[start : start + PROJECT_BLOCK], idf, components.shape[1])
        rows = np.asarray(part @ basis, dtype=np.float32)
        # Normalized block by block: the norm of the whole array squares it into a
        # temporary as large (0.5 GB at a million papers, at the build's peak).
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        np.divide(rows, norms, out=rows, where=norms > 0)
        out[start : start + PROJECT_BLOCK] = rows

    # SciPy's sparse product lets go of the GIL, so blocks run on both cores: 1.7x faster
    # at a million papers (10 s alone), with each thread's BLAS kept to one thread.
    _each_block(block, x.shape[0], PROJECT_BLOCK)
    return out


def _each_block(work: Callable[[int], None], n: int, size: int) -> None:
    """``work(start)`` for each block of `size` rows of `n`, on ``WORKERS`` threads when
    there are several blocks (for work that lets go of the GIL), in this thread when there
    is one (a day's added papers: no pool to start)."""
    starts = range(0, n, size)
    if len(starts) < 2:
        for start in starts:
            work(start)
        return
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(work, starts))


def _count_catalog(
    items: Iterable[CatalogItem],
    terms: list[str],
    sample_idf: np.ndarray,
    progress: Callable[[int, int | None], None] | None,
    total: int | None,
    parallel: bool,
    embed: Embedder,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray, np.ndarray]:
    """(ids, tf parts, df over the catalog, embeddings)."""
    ids: list[np.ndarray] = []  # a chunk's ids an array: a million Python ints are ~36 MB
    vectors: list[np.ndarray] = []
    vector_blocks: list[np.ndarray] = []
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    df = np.zeros(len(terms), np.int64)
    counted = 0

    def done(part: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]) -> None:
        # Join small parts into blocks as they come: small arrays live on the malloc heap,
        # which keeps freed memory; big blocks are mapped and given back when freed.
        nonlocal counted
        parts.append(part[:3])
        df[:] += part[3]
        counted += len(part[2]) - 1
        if len(parts) >= 20:
            blocks.append(_stack(parts))
            give_back_memory()  # the parts' holes: ~100 MB more at the tree's peak otherwise

    def embedded(chunk: np.ndarray) -> None:
        # As with the parts: 512 MB of chunks at a million papers, left on the heap after
        # the join, was most of the build's peak above the finished index.
        vectors.append(chunk)
        if len(vectors) >= 20:
            vector_blocks.append(_join(vectors))
        if progress is not None:
            progress(counted, total)

    if parallel:
        # The workers count and embed; this process only reads. Another embedder (a test's)
        # may not survive the trip to a worker, so this process runs it.
        remote = embed is wordllama_embed
        ctx = get_context("spawn")
        vocabulary = "\n".join(terms)
        with ProcessPoolExecutor(
            WORKERS, mp_context=ctx, initializer=worker_init, initargs=(vocabulary, sample_idf)
        ) as pool:
            pending = []
            for chunk in _chunks(items, CHUNK):
                ids.append(np.fromiter((i.id for i in chunk), np.int64, len(chunk)))
                rows = [(i.id, i.title, i.abstract, i.authors, i.tags) for i in chunk]
                pending.append(pool.submit(worker_count, rows, remote))
                if not remote:
                    embedded(embed_items(chunk, embed))
                # Keep a bounded queue so a huge catalog is not held in memory as text.
                while len(pending) > 2 * WORKERS:
                    part, chunk_vectors = pending.pop(0).result()
                    done(part)
                    if chunk_vectors is not None:
                        embedded(chunk_vectors)
            for fut in pending:
                part, chunk_vectors = fut.result()
                done(part)
                if chunk_vectors is not None:
                    embedded(chunk_vectors)
    else:
        counter = TermCounter(terms)
        for chunk in _chunks(items, CHUNK):
            ids.append(np.fromiter((i.id for i in chunk), np.int64, len(chunk)))
            done(count_chunk(chunk, counter, sample_idf))
            embedded(embed_items(chunk, embed))
    if parts:
        blocks.append(_stack(parts))
    if vectors:
        vector_blocks.append(_join(vectors))
    semantic = _join(vector_blocks) if vector_blocks else embed_items([], embed)
    matrix = _stack(blocks)
    give_back_memory()
    return (np.concatenate(ids) if ids else np.zeros(0, np.int64)), matrix, df, semantic


def _join(chunks: list[np.ndarray]) -> np.ndarray:
    """The rows of `chunks` in one array, emptying the list as it goes: memory holds one
    copy plus a chunk, where ``np.concatenate`` holds two (0.5 GB more at a million)."""
    out = np.empty((sum(len(c) for c in chunks), chunks[0].shape[1]), chunks[0].dtype)
    at = 0
    chunks.reverse()
    while chunks:
        c = chunks.pop()
        out[at : at + len(c)] = c
        at += len(c)
    return out


def _stack(
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Join CSR parts, emptying `parts` as it goes so memory holds about one copy."""
    nnz = sum(len(p[0]) for p in parts)
    n_rows = sum(len(p[2]) - 1 for p in parts)
    data = np.empty(nnz, np.float32)
    indices = np.empty(nnz, np.int32)
    indptr = np.zeros(n_rows + 1, np.int64)
    at = row = 0
    parts.reverse()
    while parts:
        d, i, p = parts.pop()
        data[at : at + len(d)] = d
        indices[at : at + len(i)] = i
        indptr[row + 1 : row + len(p)] = p[1:] + at
        at += len(d)
        row += len(p) - 1
    return data, indices, indptr


def _clusters(dense: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = dense.shape[0]
    k = max(1, min(MAX_CLUSTERS, n, round(math.sqrt(n))))
    with warnings.catch_warnings():
        # Tiny catalogs may have fewer distinct papers than clusters; that is fine.
        warnings.simplefilter("ignore", ConvergenceWarning)
        if n <= 20_000:
            km: KMeans | MiniBatchKMeans = KMeans(k, n_init=3, random_state=0).fit(dense)
        else:
            step = max(1, n // KMEANS_SAMPLE)
            starts = 3 if n < KMEANS_SAMPLE else 1  # see KMEANS_SAMPLE
            km = MiniBatchKMeans(k, n_init=starts, batch_size=8192, random_state=0)
            km.fit(dense[::step])
    centroids = km.cluster_centers_.astype(np.float32)
    del km
    labels = np.empty(n, np.int32)
    sq = (centroids**2).sum(axis=1)

    # Small blocks, one temporary each: 100,000 rows at a time made three of 80 MB, the
    # build's peak at a million papers (the whole index is held by then).
    def label(start: int) -> None:
        distance = dense[start : start + LABEL_BLOCK] @ centroids.T
        distance *= -2
        distance += sq
        labels[start : start + LABEL_BLOCK] = np.argmin(distance, axis=1)

    _each_block(label, n, LABEL_BLOCK)  # NumPy's product lets go of the GIL: both cores
    return centroids, labels


LABEL_BLOCK = 10_000


def build_features(
    items: Callable[[], Iterable[CatalogItem]],
    *,
    progress: Callable[[int, int | None], None] | None = None,
    embed: Embedder = wordllama_embed,
    vocabulary_from: Callable[[], Iterable[CatalogItem]] | None = None,
) -> Features:
    """Fit features on the whole catalog.

    :param items: called once per pass (twice); each call must yield the same papers in the
        same order. A list-returning factory lets progress report a total.
    :param progress: called with (papers counted so far, total or None) during pass 2.
    :param embed: the sentence embedder (tests may pass a cheaper one).
    :param vocabulary_from: the papers whose words become terms, of which the first
        ``VOCAB_SAMPLE`` are read (the service passes the newest first, so that a grown
        catalog's index knows its new words); default: the first of `items`.
    """
    first = items()
    total = len(first) if hasattr(first, "__len__") else None  # type: ignore[arg-type]
    source = first if vocabulary_from is None else vocabulary_from()
    sample = list(islice(source, VOCAB_SAMPLE))
    del first, source  # a store's cursor: not held open through the build
    # Worker processes only pay off for large catalogs; a full sample hints at one.
    parallel = total >= PARALLEL_FROM if total is not None else len(sample) >= VOCAB_SAMPLE
    vocabulary: tuple[list[str], np.ndarray, int] | None = None
    if parallel:
        # Counting every distinct n-gram of the sample leaves the heap fragmented; doing it in
        # a short-lived process gives that memory back before the big arrays are built.
        rows = [(i.id, i.title, i.abstract, i.authors, i.tags) for i in sample]
        try:
            with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
                vocabulary = pool.submit(worker_vocabulary, rows).result()
        except _NO_PROCESSES:
            parallel = False
        del rows
    if vocabulary is None:
        vocabulary = choose_vocabulary(sample)
    terms, sample_df, seen = vocabulary
    del sample
    sample_idf = smoothed_idf(sample_df, seen)
    try:
        ids, parts, df, semantic = _count_catalog(
            items(), terms, sample_idf, progress, total, parallel, embed
        )
    except _NO_PROCESSES:
        # Same result, one core: e.g. a host that replaced stderr, which spawning needs.
        ids, parts, df, semantic = _count_catalog(
            items(), terms, sample_idf, progress, total, False, embed
        )
    n = len(ids)
    if len(np.unique(ids)) != n:
        raise ValueError("duplicate paper ids in the catalog")
    tf, indices, indptr = parts
    del parts
    idf = smoothed_idf(df, n)
    matrix = _apply_idf(tf, indices, indptr, len(terms), idf)
    del tf
    # One thread for BLAS and OpenMP: on the two shared cores this runs on, a second
    # thread cost the SVD 2x and k-means 13x the CPU time (100,000 papers, load 10) and
    # made both slower by the clock too.
    with threadpool_limits(1):
        components, dense, centroids, labels = _reduce(matrix, idf, min(LSA_TERMS, len(terms)))
    return Features(
        ids, terms, idf, matrix, components, dense, centroids, labels, semantic, fitted_on=n
    )


def _reduce(
    matrix: ssp.csr_matrix, idf: np.ndarray, n_terms: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(LSA components, LSA rows, cluster centres, cluster of each row)."""
    n = matrix.shape[0]
    dim = min(LSA_DIM, max(1, n_terms - 1), max(1, n - 1))
    if n >= 3 and n_terms >= 3:
        step = max(1, n // SVD_SAMPLE)
        components = _lsa_basis(_lsa_input(matrix[::step], idf, n_terms), dim)
        give_back_memory()  # the fit left the heap fragmented (~190 MB at a million)
    else:
        components = np.zeros((1, n_terms), dtype=np.float32)
    dense = _project(matrix, idf, components) if n else np.zeros((0, 1), np.float32)
    give_back_memory()  # the projection's blocks, before k-means's own temporaries
    if n:
        centroids, labels = _clusters(dense)
    else:
        centroids, labels = np.zeros((0, dense.shape[1]), np.float32), np.zeros(0, np.int32)
    return components, dense, centroids, labels


SVD_ITERATIONS = 5
SVD_OVERSAMPLES = 10


def _lsa_basis(x: ssp.csr_matrix, dim: int) -> np.ndarray:
    """The top `dim` right singular vectors of `x`, as rows (float32): what scikit-learn's
    ``TruncatedSVD(dim, algorithm="randomized", n_iter=5, random_state=0).fit(x)`` puts in
    ``components_`` (Halko et al.'s randomized range finder, LU-normalized power
    iterations, the same random start and the same sign convention; a test checks the two
    agree), with each sparse product in blocks on ``WORKERS`` threads (SciPy's products
    let go of the GIL) and without what TruncatedSVD's ``fit`` also did and the build never
    used (projecting the sample, taking its variance): the fit of a million papers'
    60,000-row sample took 15.3 s, now 7.4-7.7 s alone and 8-10 s within the build."""
    n, d = x.shape
    xt = x.T.tocsr()
    # Like scikit-learn, iterate on the transpose when there are fewer rows than columns.
    a, at = (xt, x) if n < d else (x, xt)
    rng = np.random.RandomState(0)
    q = rng.normal(size=(a.shape[1], dim + SVD_OVERSAMPLES)).astype(x.dtype, copy=False)
    for _ in range(SVD_ITERATIONS):
        q, _ = linalg.lu(_sparse_product(a, q), permute_l=True, check_finite=False)
        q, _ = linalg.lu(_sparse_product(at, q), permute_l=True, check_finite=False)
    q, _ = linalg.qr(_sparse_product(a, q), mode="economic", check_finite=False)
    # b = q.T @ a, computed as (a's transpose) @ q, whose blocks of rows go to the threads.
    b = _sparse_product(at, q).T
    u_hat, _, vt = linalg.svd(b, full_matrices=False, check_finite=False)
    basis = vt[:dim] if n >= d else (q @ u_hat)[:, :dim].T
    # scikit-learn's sign: the largest coordinate of each vector (by size) is positive.
    biggest = np.argmax(np.abs(basis), axis=1)
    basis *= np.sign(basis[np.arange(len(basis)), biggest])[:, None]
    # Column-major, as TruncatedSVD's was, so that ``basis.T`` (what the projection
    # multiplies by) is C-contiguous: otherwise SciPy copies it (64 MB) for every block.
    return np.asfortranarray(basis, dtype=np.float32)


PRODUCT_BLOCK = 8_192
"""Rows of a sparse product computed at a time (per thread): each block's result is a
temporary, 4.5 MB for the SVD's 138 columns (halves of the product were 36 MB each)."""


def _sparse_product(m: ssp.csr_matrix, dense: np.ndarray) -> np.ndarray:
    """``m @ dense``, blocks of rows of `m` on ``WORKERS`` threads."""
    out = np.empty((m.shape[0], dense.shape[1]), np.result_type(m.dtype, dense.dtype))

    def block(start: int) -> None:
        out[start : start + PRODUCT_BLOCK] = m[start : start + PRODUCT_BLOCK] @ dense

    _each_block(block, m.shape[0], PRODUCT_BLOCK)
    return out


SPARE_ROWS = 10_000
"""Rows of room kept after the index's own for papers added later (at least; 5% of the
rows at a million papers)."""


def _spare_room(n: int, nnz: int, rows: int = 0, nonzeros: int = 0) -> tuple[int, int]:
    """(rows, non-zeros) of room to keep after an index of `n` rows and `nnz` non-zeros,
    for at least `rows` and `nonzeros` more: ``SPARE_ROWS`` or 5% of the rows, with a
    quarter more non-zeros per row than the index has."""
    spare = max(rows, SPARE_ROWS, n // 20)
    return spare, max(nonzeros, int(spare * 1.25 * nnz / max(1, n)))


@dataclass(eq=False)
class _Room:
    """A features object's row arrays with room after its rows: added papers are written
    into the room, not appended by copying the whole index (1.5 GB at a million papers).

    Features made from it hold views of its first `rows` rows. `rows` and `nnz` are those
    of the newest; only that one may add (an older one, a prefix, stays valid: nothing is
    written before `rows`), so adding twice to the same features copies the second time.
    """

    ids: np.ndarray
    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    """int64; ``indptr[:rows + 1]`` is in use."""
    dense: np.ndarray
    labels: np.ndarray
    semantic: np.ndarray
    rows: int
    nnz: int

    @classmethod
    def around(cls, f: Features, rows: int, nnz: int) -> _Room:
        """A copy of `f`'s row arrays with room for `rows` more rows, `nnz` more non-zeros."""

        def grown(a: np.ndarray, dtype: type, extra: int) -> np.ndarray:
            out = np.empty((len(a) + extra, *a.shape[1:]), dtype)
            out[: len(a)] = a
            return out

        m = f.matrix
        return cls(
            grown(f.ids, np.int64, rows),
            grown(m.data, np.float32, nnz),
            grown(m.indices, np.int32, nnz),
            grown(m.indptr, np.int64, rows),
            grown(f.dense, np.float32, rows),
            grown(f.labels, np.int32, rows),
            grown(f.semantic, np.float32, rows),
            len(f),
            m.nnz,
        )

    def fits(self, f: Features, rows: int, nnz: int) -> bool:
        """Whether `f` is the newest features of this room and `rows` more rows fit."""
        return (
            self.rows == len(f)
            and self.nnz == f.matrix.nnz
            and len(self.ids) >= self.rows + rows
            and len(self.data) >= self.nnz + nnz
            and f._room is self
        )

    def add(
        self,
        ids: np.ndarray,
        data: np.ndarray,
        indices: np.ndarray,
        ends: np.ndarray,
        dense: np.ndarray,
        labels: np.ndarray,
        semantic: np.ndarray,
    ) -> None:
        """Write rows after those in use (CSR parts; `ends`: each row's end in `data`)."""
        r, k, at, nnz = self.rows, len(ids), self.nnz, len(data)
        self.ids[r : r + k] = ids
        self.data[at : at + nnz] = data
        self.indices[at : at + nnz] = indices
        self.indptr[r + 1 : r + k + 1] = np.asarray(ends, np.int64) + at
        self.dense[r : r + k] = dense
        self.labels[r : r + k] = labels
        self.semantic[r : r + k] = semantic
        self.rows, self.nnz = r + k, at + nnz

    def features(self, like: Features) -> Features:
        """Features of the room's rows in use, with `like`'s vocabulary and models."""
        n, nnz = self.rows, self.nnz
        matrix = ssp.csr_matrix(
            (self.data[:nnz], self.indices[:nnz], self.indptr[: n + 1]),
            shape=(n, like.matrix.shape[1]),
        )
        return Features(
            ids=self.ids[:n],
            terms=like.terms,
            idf=like.idf,
            matrix=matrix,
            components=like.components,
            dense=self.dense[:n],
            centroids=like.centroids,
            labels=self.labels[:n],
            semantic=self.semantic[:n],
            fitted_on=like.fitted_on,
            _vocab=like._vocab,
            _counter=like._counter,
            _room=self,
        )


def outgrown(features: Features, papers: int | None = None) -> bool:
    """Whether a catalog of `papers` (default: the index's own) has outgrown what the index
    was fitted on, so that it should be built again rather than added to: papers added
    later get rows in the old vocabulary only. An index fitted on the 52 seed papers knows
    1,222 terms; 2,000 library papers added to it had 2.1 terms a row (15% none), against
    5.9 when built with them, and recall@50 fell from .244 to .101 (citeulike-a,
    docs/benchmarks.md). So the index is outgrown once the papers added since its build
    number as many as it was fitted on (the catalog doubled) or ``REFIT_NEW``, whichever is
    fewer: a build chooses its words from the newest ``VOCAB_SAMPLE`` papers, so past that
    size half of them are new by then (a field's new words, a new subject the user follows),
    and a rebuild of a million papers (about two minutes) comes once per 15,000 arrivals."""
    fitted = features.fitted_on
    size = len(features) if papers is None else papers
    # An index of an empty catalog (fitted on 0) is outgrown by its first paper.
    return size - fitted >= max(1, min(fitted, REFIT_NEW))


def add_items(
    features: Features, items: Iterable[CatalogItem], embed: Embedder = wordllama_embed
) -> Features:
    """Add (or replace) a few papers using the existing vocabulary, idf, LSA basis and clusters.

    Cheap, but new words are ignored until the next full :func:`build_features` (the
    service builds again once the catalog has :func:`outgrown` the index).
    """
    new = list(items)
    if not new:
        return features
    new_ids = np.asarray([i.id for i in new], dtype=np.int64)
    if len(np.unique(new_ids)) != len(new_ids):
        raise ValueError("duplicate paper ids among the added items")
    keep = ~np.isin(features.ids, new_ids)
    x, z, e = features.vectorize(new, embed)
    if len(features.centroids):
        labels = np.argmax(z @ features.centroids.T, axis=1).astype(np.int32)
    else:
        labels = np.zeros(len(new), np.int32)
    if keep.all():  # only new papers (the daily case): append them in the room
        x = x.astype(np.float32)
        room = features._room
        if room is None or not room.fits(features, len(new), x.nnz):
            # One copy of the index, with room for the next days' papers.
            spare, spare_nnz = _spare_room(len(features), features.matrix.nnz, len(new), x.nnz)
            room = _Room.around(features, spare, spare_nnz)
        room.add(new_ids, x.data, x.indices, x.indptr[1:], z, labels, e)
        return room.features(features)
    keep_rows = np.flatnonzero(keep)
    matrix = ssp.vstack([features.matrix[keep_rows], x], format="csr", dtype=np.float32)
    dense = np.vstack([features.dense[keep_rows], z]).astype(np.float32, copy=False)
    semantic = np.vstack([features.semantic[keep_rows], e]).astype(np.float32, copy=False)
    old_ids, old_labels = features.ids[keep_rows], features.labels[keep_rows]
    return Features(
        ids=np.concatenate([old_ids, new_ids]),
        terms=features.terms,
        idf=features.idf,
        matrix=matrix,
        components=features.components,
        dense=dense,
        centroids=features.centroids,
        labels=np.concatenate([old_labels, labels]),
        semantic=semantic,
        fitted_on=features.fitted_on,
        _vocab=features._vocab,
        _counter=features._counter,
    )
