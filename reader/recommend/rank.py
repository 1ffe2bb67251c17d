"""Scoring and daily suggestions: a pure function of (features, feedback, day, seed).

The score of a paper blends, each standardized over the catalog:

- the centroid match: the sparse TF-IDF match against the weighted centroid of the rated
  papers with every term's weight multiplied again by ``idf ** PROFILE_IDF_POWER`` (rare
  shared terms count for more than in plain Rocchio), plus ``LSA_WEIGHT`` times the cosine to
  the centroid in LSA space (related words); disliked papers pull it away with weight
  ``NEGATIVE_WEIGHT``;
- ``SEMANTIC_WEIGHT`` times the cosine to the centroid of the sentence embeddings;
- ``CLASSIFIER_WEIGHT`` times a per-user logistic regression over [TF-IDF, embedding] that
  learns the liked papers against the disliked ones and a sample of the catalog (the way
  Scholar Inbox and arxiv-sanity do it), trusted more as ratings accumulate.

Then, when the caller can read papers closely (``read_closely``: paper ids to the rows of
:mod:`reader.recommend.minilm`, a sentence encoder that reads a text in order and learned
from citation pairs), the best ``CLOSE_READING_POOL`` papers get ``CLOSE_READING_WEIGHT``
times how close each is to its three closest liked papers, plus ``CLOSE_READING_CONTRAST``
times how much it has of what sets the liked papers apart from the rest of the pool (a
small classifier), plus ``CLOSE_READING_REFERENCE_WEIGHT`` times the same against a fixed
sample of the catalog, all standardized over the pool; then ``CLOSE_READING_NEIGHBOURS_WEIGHT``
times how well its closest neighbours in the pool scored. The encoder is too slow for a whole
catalog, so it only re-orders the top.

See ``docs/benchmarks.md`` for how these were chosen (on one half of the development users).
"""

from __future__ import annotations

import datetime
import weakref
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as ssp
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from reader.recommend.explain import shared_terms, top_terms
from reader.recommend.features import CatalogItem, Features

PROFILE_IDF_POWER = 2.0
LSA_WEIGHT = 0.6
NEGATIVE_WEIGHT = 0.5
SEMANTIC_WEIGHT = 0.5
CLASSIFIER_WEIGHT = 1.0
"""The classifier's standardized score beside the centroid signals (before the trust
factor). With 10,000 catalog negatives 1.5 did better on the tune half, but that setting
was not kept (see ``CATALOG_NEGATIVES``; docs/benchmarks.md, fourth round)."""
CLASSIFIER_C = 10.0
"""Inverse regularization of the per-user classifier. The TF-IDF rows have unit norm, so
each term's value is small and C = 1 shrinks the term weights too far: on the tune half of
both data sets the blend's recall@50 and nDCG@10 rose steadily from C = 0.3 to 10 (see
docs/benchmarks.md)."""
CLASSIFIER_SEMANTIC_SCALE = 0.5
"""The embedding columns' scale beside the unit TF-IDF rows in the classifier's input."""
CATALOG_NEGATIVES = 3000
"""Random catalog papers the classifier treats as (weak) negatives: the whole catalog up to
this size, a sample of this size beyond it, so the fit's cost is bounded at any catalog
size. 10,000 (with ``CLASSIFIER_WEIGHT`` 1.5) beat 3,000 on both data sets' tune half, but
not on the held-out half's recall@50 (nDCG@10 +1-5%, inside the intervals), and it doubled
the CPU of a ``suggest`` call (0.2 -> 0.4 s at 50,000 papers; ~0.55 s at a million, whose
goal is 0.5 s), so it was not kept (docs/benchmarks.md, fourth round)."""
CLASSIFIER_TRUST = 3.0
"""The classifier's weight is scaled by positives / (positives + this): with few ratings the
centroid, which needs no training, carries more of the score."""
LIKED = 0.5
"""Weights at or above this are liked papers (4 and 5 stars), the only ones a reason names."""
INTEREST_WEIGHT = 1.0
"""Weight of each free-text interest, as if it were a paper rated 5."""
MMR_LAMBDA = 0.95
"""Relevance against novelty in the re-ranking; 1.0 would ignore diversity. 0.95 rather than
0.9 since close reading: on the tune half the shown list's recall@50 and nDCG@10 were higher
in 6 of 8 cells and at most 1% lower in the other two (docs/benchmarks.md)."""
NEAR_DUPLICATE = 0.8
"""TF-IDF cosine above which two papers may be the same work."""
NEAR_DUPLICATE_MEANING = 0.9
"""Embedding cosine above which they are: with TF-IDF alone, a short title with one or two
terms in the vocabulary is the "same work" as any other title sharing them, and on
citeulike-a's tune half (titles only) that dropped 16% of the shown list's nDCG@10
(docs/benchmarks.md, fourth round)."""
POOL = 10
"""Candidates per requested suggestion considered by the re-ranking."""
EXPLORE_AREAS = 5
"""The exploration slot picks among this many unrated clusters nearest to the profile."""
CLOSE_READING_POOL = 200
"""Papers re-ranked by the sentence encoder: the best of the blend, none the user rated.
400 and 1,000 were no better on the tune half (docs/benchmarks.md), and each is a paper the
encoder may have to read the first time it comes up."""
CLOSE_READING_WEIGHT = 2.0
"""Weight of the encoder's first signal (the mean cosine to the user's 3 closest liked
papers), standardized over the pool, against the blend's standardized signals."""
CLOSE_READING_NEAREST = 3
CLOSE_READING_CONTRAST = 3.0
"""Weight of its second: what tells the liked papers from the rest of the pool
(:func:`_contrast`), standardized over the pool. On the tune half, adding it took the
mean of eight recall@50 / nDCG@10 ratios from 1.16 to 1.24 (docs/benchmarks.md); weights
2-4 and C 0.3-3 all gave 1.21-1.26."""
CLOSE_READING_C = 0.3
CLOSE_READING_REFERENCE = 300
"""Catalog papers read as a reference sample: the liked papers against them are what a
classifier learns in :func:`_against_reference`. The same papers for every user and every
day (the rows whose ids hash lowest), so each is read once; 300 did as well as 1,000 and
3,000 on the tune half."""
CLOSE_READING_REFERENCE_WEIGHT = 2.0
"""Weight of that classifier's score, standardized over the pool. With the neighbourhood, on
the tune half (eight draws of 150-500 users) recall@50 rose by 1.6-4% in every draw
(docs/benchmarks.md)."""
CLOSE_READING_NEIGHBOURS = 10
CLOSE_READING_NEIGHBOURS_WEIGHT = 1.0
"""Weight of :func:`_neighbourhood` over the pool's ``CLOSE_READING_NEIGHBOURS`` closest
papers, after the other signals: it kept the reference's recall@50 gain and took back its
small loss of nDCG@10 in some cells of the tune half."""
ARRIVALS_CLOSE_READING_POOL = 100
"""Papers of a set of candidates (a day's arrivals) that :func:`rank_among` reads closely:
the best of them by the blend. On the tune half, ranking days of 500 random papers plus a
quarter of each user's hidden ones (benchmarks/arrivals_lab.py, four draws of 300 users),
a pool of 100 gave nDCG@10 1.127x the blend alone's, 50 and 200 1.120x; 100 papers are
about 3 s of reading the first time a day is shown, 200 about 7 s (docs/benchmarks.md)."""
CLOSE_READING_LIKED = 300
"""At most this many liked papers are read (the heaviest first; then the newest rows), so a
large library's first close reading stays a matter of seconds."""

ReadClosely = Callable[[Sequence[int]], np.ndarray]
"""Paper ids to unit rows of the sentence encoder, one per id, in their order (the service
keeps what it has encoded; the benchmark holds every row)."""
SameWork = Callable[[int, int], bool]
"""Given two paper ids already alike in TF-IDF and in meaning (:func:`_near_duplicate`),
whether they are one work entered twice: the caller, who has their texts, decides
(:func:`reader.match.same_work`). Without it, likeness is taken for sameness."""

STAR_WEIGHTS = {5: 1.0, 4: 0.7, 3: 0.1, 2: -0.5, 1: -1.0}
NOT_FOR_ME = -1.0
DROPPED = -0.7
OPENED = 0.3
MORE_LIKE_THIS = 1.0
"""Added to a paper's weight (from zero if it was negative) when the user asks for more
like it: an unrated paper then counts as a 5-star one, a 5-star paper twice."""
LESS_LIKE_THIS = -1.0
"""Added to a paper's weight (from zero if it was positive) for "less like this"."""


@dataclass(frozen=True)
class Suggestion:
    """One suggested paper and why."""

    paper_id: int
    score: float
    because_of: tuple[int, ...]
    """Rated paper ids it is closest to, closest first."""
    terms: tuple[str, ...]
    """Terms that drove the score (for exploration picks: the paper's own main terms)."""
    exploration: bool = False


def feedback_weights(
    *,
    stars: Mapping[int, int],
    not_for_me: Collection[int] = (),
    opened: Collection[int] = (),
    dropped: Collection[int] = (),
    more: Collection[int] = (),
    less: Collection[int] = (),
) -> dict[int, float]:
    """Turn feedback into profile weights in [-2, 2].

    Stars: 5 → 1.0, 4 → 0.7, 3 → 0.1 (weak), 2 → -0.5, 1 → -1.0. Opening a paper is a mild
    positive (0.3) and dropping it a negative (-0.7); a star rating overrides both, and
    "not for me" (-1.0) overrides them all. Steering comes last, as the most explicit:
    "more like this" adds ``MORE_LIKE_THIS`` to the weight's positive part, "less like
    this" adds ``LESS_LIKE_THIS`` to its negative part.
    """
    out: dict[int, float] = {int(p): OPENED for p in opened}
    out.update({int(p): DROPPED for p in dropped})
    for pid, s in stars.items():
        if s not in STAR_WEIGHTS:
            raise ValueError(f"stars must be 1-5, got {s} for paper {pid}")
        out[int(pid)] = STAR_WEIGHTS[s]
    out.update({int(p): NOT_FOR_ME for p in not_for_me})
    for p in more:
        out[int(p)] = max(out.get(int(p), 0.0), 0.0) + MORE_LIKE_THIS
    for p in less:
        out[int(p)] = min(out.get(int(p), 0.0), 0.0) + LESS_LIKE_THIS
    return out


@dataclass(frozen=True)
class Profile:
    """The user's taste in every space; empty when there is nothing to go on."""

    sparse: np.ndarray
    """Term weights to dot with TF-IDF rows (already multiplied by idf ** power)."""
    dense: np.ndarray
    semantic: np.ndarray
    positive_rows: np.ndarray
    """Rows with a positive weight (liked, 3 stars, opened): never suggested again."""
    liked_rows: np.ndarray
    """Rows rated 4 or 5 stars (weight >= ``LIKED``): the only papers a reason may name."""
    rows: np.ndarray
    """Every rated row found in the catalog, with `weights` beside it."""
    weights: np.ndarray
    interests: tuple[ssp.csr_matrix, np.ndarray] | None
    """TF-IDF and embedding rows of the interest phrases, which count as liked papers."""
    empty: bool


def _centroid(
    rows: np.ndarray, w: np.ndarray, features: Features
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    w = w.astype(np.float32)
    sparse = np.asarray(features.matrix[rows].T @ w, dtype=np.float32).ravel()
    return sparse, features.dense[rows].T @ w, features.semantic[rows].T @ w


def build_profile(
    features: Features, weights: Mapping[int, float], interests: Sequence[str] = ()
) -> Profile:
    """The weighted positive centroid minus ``NEGATIVE_WEIGHT`` times the negative one.

    Each interest phrase counts as one more liked paper.
    """
    n_terms = len(features.terms)
    sparse = np.zeros(n_terms, np.float32)
    dense = np.zeros(features.dense.shape[1], np.float32)
    semantic = np.zeros(features.semantic.shape[1], np.float32)
    ids = sorted(int(p) for p in weights)
    rows = np.array([features.row_of(p) if features.row_of(p) is not None else -1 for p in ids])
    w = np.array([weights[p] for p in ids], dtype=np.float64)
    found = rows >= 0 if len(ids) else np.zeros(0, bool)
    rows, w = rows[found].astype(np.int64), w[found]
    pos, neg = w > 0, w < 0
    total = float(w[pos].sum())
    phrases = None
    if interests:
        x, z, e = features.vectorize([CatalogItem(0, text) for text in interests])
        phrases = (x, e)
        sparse += np.asarray(x.sum(axis=0), dtype=np.float32).ravel() * INTEREST_WEIGHT
        dense += z.sum(axis=0) * INTEREST_WEIGHT
        semantic += e.sum(axis=0) * INTEREST_WEIGHT
        total += INTEREST_WEIGHT * len(interests)
    if pos.any():
        s, d, m = _centroid(rows[pos], w[pos], features)
        sparse += s
        dense += d
        semantic += m
    empty = total <= 0 or not sparse.any()
    if not empty:
        sparse /= total
        dense /= total
        semantic /= total
    if neg.any():
        s, d, m = _centroid(rows[neg], -w[neg], features)
        k = NEGATIVE_WEIGHT / float(-w[neg].sum())
        sparse -= k * s
        dense -= k * d
        semantic -= k * m
    sparse *= features.idf**PROFILE_IDF_POWER
    return Profile(sparse, dense, semantic, rows[pos], rows[w >= LIKED], rows, w, phrases, empty)


def _standardize(v: np.ndarray) -> np.ndarray:
    std = float(v.std())
    return (v - float(v.mean())) / std if std > 0 else v - float(v.mean())


def score_catalog(
    features: Features,
    weights: Mapping[int, float],
    *,
    interests: Sequence[str] = (),
    read_closely: ReadClosely | None = None,
) -> np.ndarray:
    """Score of every catalog row (higher is better); all zeros with nothing to go on.

    This is the ranking the benchmark measures and :func:`suggest` re-ranks. With
    `read_closely`, the best unrated rows are re-ordered by :func:`_read_closely`.
    """
    profile = build_profile(features, weights, interests)
    scores = _score(features, profile)
    if read_closely is not None and not profile.empty:
        scores = _read_closely(
            features, profile, scores, _allowed(features, (), weights), read_closely
        )
    return scores


def _read_closely(
    features: Features,
    profile: Profile,
    scores: np.ndarray,
    ok: np.ndarray,
    read_closely: ReadClosely,
    pool_size: int | None = None,
) -> np.ndarray:
    """`scores` with the best `pool_size` (default ``CLOSE_READING_POOL``) allowed rows
    moved by how close the sentence encoder finds each to the user's closest liked papers,
    by :func:`_contrast` and :func:`_against_reference`, then by :func:`_neighbourhood`
    (the rest unchanged). Only liked papers are read against (4-5 stars, "more like this";
    else any positive one): a disliked paper is not, and it is never in the pool."""
    liked = profile.liked_rows if len(profile.liked_rows) else profile.positive_rows
    if not len(liked):
        return scores  # interests alone: nothing to read them against
    if len(liked) > CLOSE_READING_LIKED:
        weight = dict(zip(profile.rows.tolist(), profile.weights.tolist(), strict=True))
        liked = np.array(sorted(liked.tolist(), key=lambda r: (-weight[r], -r)))
        liked = liked[:CLOSE_READING_LIKED]
    pool = _top(scores, ok, pool_size or CLOSE_READING_POOL)
    if len(pool) < 2:
        return scores
    reference = _reference_rows(_index_hashes(features), np.concatenate([profile.rows, pool]))
    asked = np.concatenate([liked, pool, reference])
    rows = read_closely([int(i) for i in features.ids[asked]])
    mine, theirs = rows[: len(liked)], rows[len(liked) : len(liked) + len(pool)]
    sample = rows[len(liked) + len(pool) :]
    sims = theirs @ mine.T
    k = min(CLOSE_READING_NEAREST, sims.shape[1])
    nearest = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:].mean(axis=1)
    moved = scores[pool] + CLOSE_READING_WEIGHT * _standardize(nearest)
    if len(pool) >= 4:
        with threadpool_limits(1, user_api="blas"):
            moved += CLOSE_READING_CONTRAST * _standardize(_contrast(mine, theirs))
            if len(sample) >= 2:
                against = _against_reference(mine, sample, theirs)
                moved += CLOSE_READING_REFERENCE_WEIGHT * _standardize(against)
    if len(pool) > CLOSE_READING_NEIGHBOURS:
        moved += CLOSE_READING_NEIGHBOURS_WEIGHT * _standardize(
            _neighbourhood(theirs, moved, CLOSE_READING_NEIGHBOURS)
        )
    out = scores.copy()
    out[pool] = moved
    return out


def _contrast(liked: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """For each pool row, how far it lies on the liked side of a logistic regression that
    tells the liked rows from the pool's: what the liked papers have that the candidates
    the other signals found mostly lack. Cross-fitted: each half of the pool (alternate
    ranks) is scored by a model fitted against the other half, so no row is scored by a
    model that learned it as a negative; the few liked papers hidden in a pool barely move
    a model fitted on a hundred others."""
    half = np.arange(len(pool)) % 2
    out = np.zeros(len(pool))
    for fold in (0, 1):
        out[half == fold] = _liked_side(liked, pool[half != fold], pool[half == fold])
    return out


def _against_reference(liked: np.ndarray, sample: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """For each pool row, how far it lies on the liked side of a logistic regression that
    tells the liked rows from a sample of the catalog: what the user reads that papers in
    general lack (the pool contrast's complement; no pool row is among the negatives)."""
    return _liked_side(liked, sample, pool)


def _liked_side(liked: np.ndarray, against: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Decision values on `rows` of a logistic regression fitted to tell `liked` (positive)
    from `against`, the classes balanced: how far each row lies on the liked side."""
    model = LogisticRegression(C=CLOSE_READING_C, class_weight="balanced", max_iter=300)
    model.fit(np.vstack([liked, against]), np.r_[np.ones(len(liked)), np.zeros(len(against))])
    return model.decision_function(rows)


def _neighbourhood(rows: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """For each row, the mean standardized score of its `k` closest other rows (cosine of
    the unit `rows`): a candidate among strong candidates on its subject rises, a lone one
    falls (the cluster hypothesis of retrieval: papers on one subject tend to be relevant
    together)."""
    k = min(k, len(rows) - 1)
    sims = rows @ rows.T
    np.fill_diagonal(sims, -np.inf)
    closest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    return _standardize(scores)[closest].mean(axis=1)


def _reference_rows(keys: np.ndarray, skip: np.ndarray) -> np.ndarray:
    """Up to ``CLOSE_READING_REFERENCE`` catalog rows not in `skip`: those with the lowest
    `keys` (:func:`id_hashes` of the rows' paper ids). A sample that is the same for every
    user and day, so the service reads each of its papers once; a growing catalog changes
    it only by the new papers that hash into it."""
    k = min(len(keys), CLOSE_READING_REFERENCE + len(skip))
    lowest = np.argpartition(keys, k - 1)[:k] if k < len(keys) else np.arange(len(keys))
    lowest = lowest[np.argsort(keys[lowest], kind="stable")]
    return lowest[~np.isin(lowest, skip)][:CLOSE_READING_REFERENCE]


_ID_HASHES: weakref.WeakKeyDictionary[Features, np.ndarray] = weakref.WeakKeyDictionary()


def _index_hashes(features: Features) -> np.ndarray:
    """:func:`id_hashes` of an index's ids, kept with it (10 ms at a million papers)."""
    keys = _ID_HASHES.get(features)
    if keys is None:
        keys = _ID_HASHES[features] = id_hashes(features.ids)
    return keys


def id_hashes(ids: np.ndarray) -> np.ndarray:
    """SplitMix64's finalizer of each id: well spread whatever the ids' order or gaps."""
    x = ids.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _score(features: Features, profile: Profile) -> np.ndarray:
    if profile.empty:
        return np.zeros(len(features), np.float32)
    # One BLAS thread, here as in the classifier's fit: the products of the (1M x 128)
    # matrices with two threads took 0.22 s of CPU against 0.13-0.15 s on one, and longer
    # by the clock too, on the two shared cores this was measured on.
    with threadpool_limits(1, user_api="blas"):
        return _blend(features, profile)


def _blend(features: Features, profile: Profile) -> np.ndarray:
    trust = _classifier_trust(profile)
    fitted = _classifier(features, profile) if trust > 0 else None
    if len(features) >= SUMMED_FROM:
        return _blend_summed(features, profile, trust, fitted)
    # One product per vector, not one with the vectors side by side: SciPy's kernel for
    # several vectors (csr_matvecs) took 0.37-0.42 s of CPU at a million papers for two,
    # its one-vector kernel 0.16 s for both (the same numbers); OpenBLAS's matrix product
    # with two columns took 0.10 s, two matrix-vector products 0.06 s.
    sparse = np.asarray(features.matrix @ profile.sparse, dtype=np.float32)
    semantic: np.ndarray | None = None
    classified: np.ndarray | None = None
    if fitted is None:
        if SEMANTIC_WEIGHT:
            semantic = features.semantic @ profile.semantic
    else:
        terms, meaning = fitted
        classified = np.asarray(features.matrix @ terms, dtype=np.float32)
        if SEMANTIC_WEIGHT:
            semantic, by_meaning = _products(features.semantic, profile.semantic, meaning)
        else:
            by_meaning = features.semantic @ meaning
        classified += by_meaning
    score = _standardize(sparse) + LSA_WEIGHT * _standardize(features.dense @ profile.dense)
    if semantic is not None:
        score += SEMANTIC_WEIGHT * _standardize(semantic)
    if classified is not None:  # (one that cannot be fitted, one class only, adds 0)
        score += trust * CLASSIFIER_WEIGHT * _standardize(classified)
    return score.astype(np.float32)


SUMMED_FROM = 100_000
"""From this many papers on, :func:`_blend_summed` scores the catalog (one pass over each
matrix); below it, each signal is standardized over every row, as the benchmark measures."""
SPREAD_SAMPLE = 32_768
"""Evenly spaced rows whose scores give each signal's mean and standard deviation for
:func:`_blend_summed`: the spread's relative error is about 1/sqrt(2 x this), 0.4%."""
_SPREAD_ROWS: weakref.WeakKeyDictionary[Features, tuple[ssp.csr_matrix, np.ndarray, np.ndarray]]
_SPREAD_ROWS = weakref.WeakKeyDictionary()


def _spread_rows(features: Features) -> tuple[ssp.csr_matrix, np.ndarray, np.ndarray]:
    """The sample's rows of the TF-IDF matrix, LSA rows and embeddings (kept per index)."""
    rows = _SPREAD_ROWS.get(features)
    if rows is None:
        n = len(features)
        pick = np.unique(np.linspace(0, n - 1, min(n, SPREAD_SAMPLE)).astype(np.int64))
        rows = (features.matrix[pick], features.dense[pick], features.semantic[pick])
        _SPREAD_ROWS[features] = rows
    return rows


def _blend_summed(
    features: Features,
    profile: Profile,
    trust: float,
    fitted: tuple[np.ndarray, np.ndarray] | None,
) -> np.ndarray:
    """What :func:`_blend` computes, with each signal's mean and spread taken from a sample
    of rows (:data:`SPREAD_SAMPLE`): the standardized signals are then linear in the
    matrices, so their weighted vectors are added first and each matrix is multiplied
    once. At a million papers that is one pass over the 64M-entry TF-IDF matrix instead of
    two (0.08 s) and one over the embeddings instead of a pair (0.03 s), about a third of a
    ``suggest`` call."""
    x_rows, lsa_rows, meaning_rows = _spread_rows(features)

    def scale(values: np.ndarray, weight: float) -> tuple[float, float]:
        """(multiplier, offset) that standardize a signal and weigh it, from its sample."""
        std = float(values.std())
        k = weight / std if std > 0 else weight
        return k, k * float(values.mean())

    k_terms, offset = scale(np.asarray(x_rows @ profile.sparse), 1.0)
    k_lsa, off = scale(lsa_rows @ profile.dense, LSA_WEIGHT)
    offset += off
    terms_vector = profile.sparse * k_terms
    meaning_vector = np.zeros_like(profile.semantic)
    if SEMANTIC_WEIGHT:
        k_meaning, off = scale(meaning_rows @ profile.semantic, SEMANTIC_WEIGHT)
        meaning_vector += profile.semantic * k_meaning
        offset += off
    if fitted is not None:
        terms, meaning = fitted
        sample = np.asarray(x_rows @ terms) + meaning_rows @ meaning
        k_fit, off = scale(sample, trust * CLASSIFIER_WEIGHT)
        terms_vector = terms_vector + terms * k_fit
        meaning_vector = meaning_vector + meaning * k_fit
        offset += off
    score = np.asarray(features.matrix @ terms_vector.astype(np.float32), dtype=np.float32)
    score += features.dense @ (profile.dense * k_lsa).astype(np.float32)
    if meaning_vector.any():
        score += features.semantic @ meaning_vector.astype(np.float32)
    score -= np.float32(offset)
    return score


PRODUCT_BLOCK = 2048
"""Rows of the embeddings multiplied by both vectors while they are in the cache."""


def _products(matrix: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(matrix @ a, matrix @ b)``, the same numbers, a block of rows at a time: the
    second product reads the block from the CPU's cache, not the (1M x 128) matrix from
    memory again (0.047 s for both at a million papers, against 0.069 s)."""
    n = matrix.shape[0]
    out_a = np.empty(n, np.result_type(matrix, a))
    out_b = np.empty(n, np.result_type(matrix, b))
    for start in range(0, n, PRODUCT_BLOCK):
        block = matrix[start : start + PRODUCT_BLOCK]
        np.matmul(block, a, out=out_a[start : start + PRODUCT_BLOCK])
        np.matmul(block, b, out=out_b[start : start + PRODUCT_BLOCK])
    return out_a, out_b


def _classifier_trust(profile: Profile) -> float:
    positives = int((profile.weights > 0).sum())
    if profile.interests is not None:
        positives += profile.interests[0].shape[0]
    return positives / (positives + CLASSIFIER_TRUST) if CLASSIFIER_WEIGHT else 0.0


def _classifier(features: Features, profile: Profile) -> tuple[np.ndarray, np.ndarray] | None:
    """Weights of a logistic regression over [TF-IDF, embedding] (the term weights and
    the embedding's, scaled as the input was), or None when it cannot be fitted.

    Positives: the positively weighted papers and the interests (sample weight = the rating's
    weight). Negatives: the disliked papers (weight = how much) and ``CATALOG_NEGATIVES``
    random unrated papers, each weak, together as heavy as the positives. The sample is drawn
    from a generator seeded by the catalog size and the rated rows, so the same inputs give
    the same scores.
    """
    n = len(features)
    rated = profile.rows
    rng = np.random.default_rng([n, *rated[:64].tolist()])
    pool = rng.choice(n, size=min(n, CATALOG_NEGATIVES + len(rated)), replace=False)
    sample = np.setdiff1d(pool, rated)[:CATALOG_NEGATIVES]
    rows = np.concatenate([rated, sample])
    x = features.matrix[rows]
    e = features.semantic[rows]
    w = np.concatenate([profile.weights, np.full(len(sample), -1.0)])
    if profile.interests is not None:
        px, pe = profile.interests
        x = ssp.vstack([x, px], format="csr")
        e = np.vstack([e, pe])
        w = np.concatenate([w, np.full(px.shape[0], INTEREST_WEIGHT)])
    y = (w > 0).astype(np.int8)
    sample_weight = np.abs(w)
    pos, catalog = y == 1, len(rated) + np.arange(len(sample))
    # The random papers together weigh as much as the positives (class balance).
    sample_weight[catalog] = sample_weight[pos].sum() / max(1, len(sample))
    # As class_weight="balanced" would: the weights sum to the sample count, so C means what
    # it means for an unweighted fit.
    sample_weight *= len(y) / sample_weight.sum()
    if y.min() == y.max():
        return None
    clf = LogisticRegression(C=CLASSIFIER_C, max_iter=300)
    # A term in none of the training rows gets weight 0 whatever the fit (its gradient is
    # 0 from the start); fitting on the others only gives the same model, several times
    # faster with a vocabulary of 262,144 terms.
    used, inputs = _classifier_inputs(x, e * CLASSIFIER_SEMANTIC_SCALE, features.matrix.shape[1])
    # One BLAS thread: L-BFGS-B's many small vector operations ran 4-30x slower on two
    # threads (more so on a busy machine), 2-4 s of a suggestion at 100,000 papers.
    with threadpool_limits(1, user_api="blas"):
        clf.fit(inputs, y, sample_weight=sample_weight)
    n_terms = features.matrix.shape[1]
    fitted = clf.coef_.ravel().astype(np.float32)
    coef = np.zeros(n_terms + e.shape[1], np.float32)
    coef[used] = fitted[: len(used)]
    coef[n_terms:] = fitted[len(used) :]
    return coef[:n_terms], coef[n_terms:] * CLASSIFIER_SEMANTIC_SCALE


def _classifier_inputs(
    x: ssp.csr_matrix, e: np.ndarray, n_terms: int
) -> tuple[np.ndarray, ssp.csr_matrix]:
    """(the columns of `x` that hold a value, sorted; [those columns of `x`, `e`] as one
    CSR matrix): what ``x[:, used]`` stacked beside ``csr_matrix(e)`` gives, with the
    entries of each row in the same order, without NumPy's hashing ``np.unique`` (39 ms
    for 200,000 indices) or SciPy's dense-to-sparse conversion (9 ms)."""
    mark = np.zeros(n_terms, bool)
    mark[x.indices] = True
    used = np.flatnonzero(mark)
    column = np.zeros(n_terms, np.int64)
    column[used] = np.arange(len(used))
    rows, width = e.shape
    nonzero = e != 0
    per_row = np.diff(x.indptr) + nonzero.sum(axis=1)
    indptr = np.zeros(rows + 1, np.int64)
    np.cumsum(per_row, out=indptr[1:])
    # Each row: its terms (in `x`'s order), then the embedding's non-zero coordinates.
    dense_cols = np.broadcast_to(len(used) + np.arange(width), e.shape)
    data = np.empty(int(indptr[-1]), np.result_type(x.dtype, e.dtype))
    indices = np.empty(int(indptr[-1]), np.int64)
    in_x = np.zeros(int(indptr[-1]), bool)
    x_rows = np.repeat(np.arange(rows), np.diff(x.indptr))
    at = indptr[x_rows] + np.arange(len(x.indices)) - x.indptr[x_rows]
    in_x[at] = True
    data[at] = x.data
    indices[at] = column[x.indices]
    data[~in_x] = e[nonzero]
    indices[~in_x] = dense_cols[nonzero]
    inputs = ssp.csr_matrix((data, indices, indptr), shape=(rows, len(used) + width))
    return used, inputs


def _allowed(
    features: Features, exclude: Collection[int], weights: Mapping[int, float]
) -> np.ndarray:
    ok = np.ones(len(features), bool)
    ok[features.rows(exclude)] = False
    ok[features.rows(weights)] = False
    return ok


def _top(scores: np.ndarray, ok: np.ndarray, k: int) -> np.ndarray:
    """Up to `k` allowed rows by score, ties broken by row, best first."""
    cand = np.flatnonzero(ok)
    if len(cand) > k:
        part = np.argpartition(-scores[cand], k - 1)[:k]
        cand = cand[part]
    order = np.lexsort((cand, -scores[cand]))
    return cand[order]


def _near_duplicate(
    features: Features, row: int, others: list[int], same_work: SameWork | None = None
) -> bool:
    """Whether `row` is the same work as one of `others`: close in TF-IDF and in meaning,
    and, with `same_work`, confirmed by it.

    TF-IDF alone calls "Multitask Learning" and "The myopia of learning" the same (one
    shared term, cosine 1.0); their embeddings are far apart (0.14). Both together still
    call the two parts of a series the same when only titles are known, hence `same_work`.
    """
    if not others:
        return False
    sims = np.asarray((features.matrix[others] @ features.matrix[row].T).todense()).ravel()
    close = sims > NEAR_DUPLICATE
    if not close.any():
        return False
    candidates = np.asarray(others)[close]
    meaning = features.semantic[candidates] @ features.semantic[row]
    alike = candidates[meaning > NEAR_DUPLICATE_MEANING]
    if same_work is None:
        return bool(len(alike))
    paper = int(features.ids[row])
    return any(same_work(paper, int(features.ids[other])) for other in alike)


def copies(
    features: Features,
    ranked: Sequence[int],
    liked: Collection[int],
    same_work: SameWork | None = None,
    *,
    first: int = 50,
) -> set[int]:
    """Of the first `first` paper ids of `ranked` (best first), those that are the same
    work (:func:`_near_duplicate`) as a paper in `liked` or as one ranked above them. A
    day's picks (:func:`for_you`) leave them out, as :func:`suggest` does: the inbox made
    both copies of one paper its picks, and picked a copy of a paper the user had rated."""
    seen = [int(r) for r in features.rows(liked)]
    found: set[int] = set()
    for paper_id in ranked[:first]:
        row = features.row_of(paper_id)
        if row is None:
            continue
        if _near_duplicate(features, row, seen, same_work):
            found.add(paper_id)
        else:
            seen.append(row)
    return found


def _mmr(
    features: Features,
    scores: np.ndarray,
    pool: np.ndarray,
    n: int,
    avoid: list[int],
    same_work: SameWork | None,
) -> list[int]:
    """Maximal marginal relevance over `pool`, skipping near-duplicates of picks and `avoid`."""
    if not len(pool) or n <= 0:
        return []
    s = scores[pool].astype(np.float64)
    rel = (s - s.min()) / (s.max() - s.min()) if s.max() > s.min() else np.ones_like(s)
    z = features.dense[pool]
    max_sim = np.zeros(len(pool))
    alive = np.ones(len(pool), bool)
    picked: list[int] = []
    while len(picked) < n and alive.any():
        value = np.where(alive, MMR_LAMBDA * rel - (1 - MMR_LAMBDA) * max_sim, -np.inf)
        i = int(np.argmax(value))
        alive[i] = False
        row = int(pool[i])
        if _near_duplicate(features, row, picked + avoid, same_work):
            continue
        picked.append(row)
        max_sim = np.maximum(max_sim, z @ z[i])
    return picked


def _explore(
    features: Features,
    profile: Profile,
    scores: np.ndarray,
    ok: np.ndarray,
    rated_rows: np.ndarray,
    picked: list[int],
    rng: np.random.Generator,
    same_work: SameWork | None,
) -> int | None:
    """Best-scored paper of an unrated cluster near the profile, chosen by `rng`."""
    if not len(features.centroids):
        return None
    seen = np.zeros(len(features.centroids), bool)
    seen[features.labels[rated_rows]] = True
    seen[features.labels[picked]] = True
    areas = np.flatnonzero(~seen)
    if not len(areas):
        return None
    near = areas[np.lexsort((areas, -(features.centroids[areas] @ profile.dense)))]
    for area in rng.permutation(near[:EXPLORE_AREAS]):
        members = np.flatnonzero(ok & (features.labels == area))
        mask = np.zeros(len(features), bool)  # the members (np.isin sorted a million ids)
        mask[members] = True
        for row in _top(scores, mask, 5):
            if not _near_duplicate(features, int(row), picked, same_work):
                return int(row)
    return None


def suggest(
    features: Features,
    weights: Mapping[int, float],
    *,
    n: int,
    exclude: Collection[int],
    day: datetime.date,
    interests: Sequence[str] = (),
    seed: int = 0,
    read_closely: ReadClosely | None = None,
    same_work: SameWork | None = None,
) -> list[Suggestion]:
    """Today's suggestions, best first; the exploration pick (if any) comes last.

    Never returns an id in `exclude` or in `weights`, nor two near-duplicates, nor a
    near-duplicate of a liked paper. With three or more slots, one goes to the best paper of
    an area (cluster) the user has not rated, chosen among the areas nearest to the profile by
    a generator seeded with (`seed`, `day`). The same inputs and day give the same list.
    Returns [] when there are no positive ratings and no interests (use :func:`starter_picks`).
    With `read_closely`, the ranking is :func:`score_catalog`'s with it. With `same_work`,
    papers alike in words and meaning are near-duplicates only when it says they are one work.
    """
    profile = build_profile(features, weights, interests)
    if profile.empty or n <= 0:
        return []
    scores = _score(features, profile)
    ok = _allowed(features, exclude, weights)
    if read_closely is not None:
        scores = _read_closely(features, profile, scores, ok, read_closely)
    explore = n >= 3
    pool = _top(scores, ok, POOL * n)
    avoid = [int(r) for r in profile.positive_rows]
    main = _mmr(features, scores, pool, n - 1 if explore else n, avoid, same_work)
    rated_rows = features.rows(weights)
    extra: int | None = None
    if explore:
        rng = np.random.default_rng([seed, day.toordinal()])
        ok_explore = ok.copy()
        ok_explore[main] = False
        extra = _explore(
            features, profile, scores, ok_explore, rated_rows, main + avoid, rng, same_work
        )
        if extra is None:
            main = _mmr(features, scores, pool, n, avoid, same_work)
    liked = profile.liked_rows
    out = []
    for row in main:
        because = _closest_liked(features, row, liked)
        out.append(
            Suggestion(
                paper_id=int(features.ids[row]),
                score=float(scores[row]),
                because_of=tuple(int(features.ids[r]) for r in because),
                # Terms the pick shares with the paper it is said to be like; else the terms
                # that matched the profile; a pick found through LSA may have neither.
                terms=(shared_terms(features, row, because[0]) if because else ())
                or top_terms(features, row, profile.sparse)
                or top_terms(features, row, features.idf),
            )
        )
    if extra is not None:
        out.append(
            Suggestion(
                paper_id=int(features.ids[extra]),
                score=float(scores[extra]),
                because_of=(),
                terms=top_terms(features, extra, features.idf),
                exploration=True,
            )
        )
    return out


def _closest_liked(features: Features, row: int, liked: np.ndarray, k: int = 2) -> list[int]:
    """Up to `k` liked rows most like `row`, closest first: those sharing a term with it,
    else those alike in meaning (at least ``BECAUSE_MEANING``); none when neither."""
    if not len(liked):
        return []
    sims = np.asarray((features.matrix[liked] @ features.matrix[row].T).todense()).ravel()
    least = 0.0
    if not (sims > 0).any():
        # No shared term: fall back to the meaning of the whole text.
        sims = features.semantic[liked] @ features.semantic[row]
        least = BECAUSE_MEANING
    order = np.lexsort((features.ids[liked], -sims))[:k]
    # A second paper is named ("+1 more") only when nearly as close as the first: one
    # shared word put "+1 more" on every reason, which then told the user nothing.
    best = sims[order[0]]
    return [
        int(liked[i])
        for n, i in enumerate(order)
        if sims[i] > least and (n == 0 or sims[i] >= BECAUSE_ALSO * best)
    ]


BECAUSE_ALSO = 0.5
"""How close, as a share of the closest liked paper's likeness, another liked paper must be
to be named beside it in a reason."""

BECAUSE_MEANING = 0.5
"""How alike in meaning (embedding cosine) a liked paper with no term in common must be to
be named in a pick's reason. Embeddings of unrelated texts are far from orthogonal: in the
seed catalog (one field) the median pair is 0.56, the 5% least alike under 0.22, and a
diffusion paper 0.27 from a liked paper on kin selection, which its reason called it
"like" when the catalog held nothing closer."""


def starter_picks(features: Features, n: int, *, exclude: Collection[int] = ()) -> list[int]:
    """Papers that cover the catalog, for a user with no ratings yet.

    The paper nearest each cluster centre, biggest clusters first; after one per cluster,
    the next nearest of each, and so on.
    """
    if n <= 0 or not len(features):
        return []
    ok = np.ones(len(features), bool)
    ok[features.rows(exclude)] = False
    sizes = np.bincount(features.labels, minlength=len(features.centroids))
    areas = np.lexsort((np.arange(len(sizes)), -sizes))
    queues = []
    for area in areas:
        members = np.flatnonzero(ok & (features.labels == area))
        if len(members):
            sim = features.dense[members] @ features.centroids[area]
            queues.append(members[np.lexsort((members, -sim))])
    out: list[int] = []
    depth = 0
    while len(out) < n and any(depth < len(q) for q in queues):
        for q in queues:
            if depth < len(q) and len(out) < n:
                out.append(int(features.ids[q[depth]]))
        depth += 1
    return out


FOR_YOU_SCORE = 1.5
"""A candidate scoring this many standard deviations above the catalog's mean is one of the
user's picks ("8 for you"): about the top 7% of a day's listings for a user whose taste
the catalog reflects, fewer on a day far from it."""


def for_you(scores: Sequence[float], eligible: Sequence[bool]) -> list[bool]:
    """Which of a day's candidates, in the day's order (best first), are the user's picks:
    as many as score at least :data:`FOR_YOU_SCORE` on the blend (how strong a day it is
    for the user, on the catalog's scale), and those the first eligible ones in the order
    (which close reading decides, so the picks always lead the list)."""
    pairs = zip(scores, eligible, strict=True)
    count = sum(1 for score, ok in pairs if ok and score >= FOR_YOU_SCORE)
    out = []
    for ok in eligible:
        pick = bool(ok) and count > 0
        count -= pick
        out.append(pick)
    return out


def rank_among(
    features: Features,
    weights: Mapping[int, float],
    candidates: Sequence[int],
    *,
    interests: Sequence[str] = (),
    explain: int = 20,
    read_closely: ReadClosely | None = None,
) -> list[Suggestion]:
    """``candidates`` (e.g. a day's arrivals) best first by the user's taste; ids the
    catalog lacks are left out, and [] when there is nothing to go on (no positive
    rating, no interest). Only the first ``explain`` carry the liked papers and terms
    that explain them (each costs a sparse product). Ties are broken by row.

    With `read_closely`, the best ``ARRIVALS_CLOSE_READING_POOL`` unrated candidates are
    re-ordered as :func:`score_catalog` re-orders the catalog's best. Each ``score`` stays
    the blend's, the scale of :data:`FOR_YOU_SCORE`: the encoder decides the order (and so
    which papers are the picks), the blend how many (:func:`for_you`).
    """
    profile = build_profile(features, weights, interests)
    if profile.empty:
        return []
    scores = _score(features, profile)
    rows = features.rows(dict.fromkeys(candidates))
    order = scores
    if read_closely is not None:
        ok = np.zeros(len(features), bool)
        ok[rows] = True
        order = _read_closely(
            features,
            profile,
            scores,
            ok & _allowed(features, (), weights),
            read_closely,
            ARRIVALS_CLOSE_READING_POOL,
        )
    rows = rows[np.lexsort((rows, -order[rows]))]
    out = []
    for rank, row in enumerate(rows):
        because = _closest_liked(features, row, profile.liked_rows) if rank < explain else []
        terms: tuple[str, ...] = ()
        if rank < explain:  # the same explanation as :func:`suggest` gives
            terms = (
                (shared_terms(features, row, because[0]) if because else ())
                or top_terms(features, row, profile.sparse)
                or top_terms(features, row, features.idf)
            )
        out.append(
            Suggestion(
                paper_id=int(features.ids[row]),
                score=float(scores[row]),
                because_of=tuple(int(features.ids[r]) for r in because),
                terms=terms,
            )
        )
    return out
