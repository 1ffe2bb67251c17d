"""Human-readable reasons for suggestions."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from reader.units import clip

if TYPE_CHECKING:
    from reader.recommend.features import Features
    from reader.recommend.rank import Suggestion


def pretty_term(term: str) -> str:
    """``au_jane_doe`` → ``author jane doe``, ``tag_cs_lg`` → ``tag cs lg``; words unchanged."""
    if term.startswith("au_"):
        return "author " + term[3:].replace("_", " ")
    if term.startswith("tag_"):
        return "tag " + term[4:].replace("_", " ")
    return term


def top_terms(features: Features, row: int, weights: np.ndarray, k: int = 3) -> tuple[str, ...]:
    """The `k` terms of a row with the largest ``tfidf * weight``; a unigram is skipped when a
    chosen bigram already contains it.
    """
    x = features.matrix[row]
    return _pick(features, x.indices, x.data * weights[x.indices], k)


def shared_terms(features: Features, row: int, anchor: int, k: int = 3) -> tuple[str, ...]:
    """The `k` terms that most distinguish what `row` and `anchor` have in common: present in
    both, ranked by ``tfidf(row) * tfidf(anchor) * idf`` so that a rare shared term ("graph
    attention") beats a common one ("provides"); a unigram inside a chosen bigram is skipped.
    """
    a, b = features.matrix[row], features.matrix[anchor]
    common, ia, ib = np.intersect1d(a.indices, b.indices, assume_unique=True, return_indices=True)
    if not len(common):
        return ()
    contrib = a.data[ia] * b.data[ib] * features.idf[common]
    return _pick(features, common, contrib, k)


GENERIC = frozenset(
    """
    ability able achieve achieved achieves achieving address addressed addresses aim aims
    also earlier learn possible sufficient
    allow allows analysis analyze analyzed approach approaches argue argued argues based
    better called challenge challenges challenging commonly conclude concluded concludes
    conclusion consider considered demonstrate demonstrated demonstrates demonstrating
    despite different effective effectively efficient empirical empirically enable enables
    evaluate evaluated evaluation existing experiment experimental experiments extensive
    finally finding findings finds framework furthermore given goal highlight highlights
    however important improve improved improves improving insight insights introduce
    introduced introduces investigate investigated investigates key known lead leading
    leads leverage leverages make makes making method methods moreover novel observe
    observed obtain obtained outperform outperforms paper particular perform performance
    performs present presented presents previous previously prior problem problems propose
    proposed proposes proposing provide provided provides providing quantified quantifies
    quantify quantifying recent recently remain remains require required requires result
    results reveal reveals show showed showing shown shows significant significantly simple
    specific specifically strong studied studies study suggest suggests task tasks
    typically understanding use used uses using various way ways wide widely work works
    yield yields et al
    new best inspired model models data train trained training sample samples large
    general generally high low set sets well able often usually many several
    """.split()
)
"""Words of any paper's prose ("provides", "argue", "quantifies"): a term made only of
these names no topic, so a reason never gives it, nor the profile's term list (the
ranking still uses it). "et al" is citation prose."""


def _pick(features: Features, cols: np.ndarray, contrib: np.ndarray, k: int) -> tuple[str, ...]:
    order = np.lexsort((cols, -contrib))
    chosen: list[str] = []
    for i in order:
        if contrib[i] <= 0 or len(chosen) >= k:
            break
        term = features.terms[int(cols[i])]
        words = set(term.split())
        if words <= GENERIC:
            continue
        if any(words <= set(c.split()) or set(c.split()) <= words for c in chosen):
            continue
        chosen.append(term)
    return tuple(pretty_term(t) for t in chosen)


TITLE_CHARS = 40
"""Anchor titles are shortened so the whole reason fits one terminal line."""


def _title(titles: Mapping[int, str], pid: int) -> str:
    return clip(titles.get(pid, f"paper {pid}"), TITLE_CHARS)


LIKED_STARS = 4
"""A reason names only papers rated at least this: a 3-star paper is not "liked"."""


def reason_text(
    s: Suggestion,
    titles: Mapping[int, str],
    stars: Mapping[int, int],
    more: Collection[int] = (),
    *,
    interests: bool = True,
) -> str:
    """One short line a person understands, e.g. ``Like "X" (5★) +1 more; about a, b``.

    Only the closest liked paper is named; the others are counted. A paper in ``because_of``
    that `stars` does not show rated 4 or 5, or that the user did not ask more of
    (``more``: "more like this"), is never named (an opened paper is not a rating). With
    no such paper the pick matches the interests, or (``interests`` False: the user has
    none) what the user reads and rated, without naming any of it; or, when no liked paper
    is alike at all (empty ``because_of``), it is called a loose match.
    """
    about = f"; about {', '.join(s.terms)}" if s.terms else ""
    if s.exploration:
        return f"Exploration: an area you have not rated yet{about}"
    liked = named_papers(s, stars, more)
    if not liked:
        if interests:
            return f"Matches your interests{about}"
        if not s.because_of and (more or any(v >= LIKED_STARS for v in stars.values())):
            # Nothing the user liked is alike (no shared term, far in meaning): the best
            # the catalog has, not a paper "close to" anything.
            return f"A loose match to what you liked{about}"
        return f"Close to your reading{about}"
    first = liked[0]
    if stars.get(first, 0) >= LIKED_STARS:
        head = f'Like "{_title(titles, first)}" ({stars[first]}★)'
    else:
        head = f'More like "{_title(titles, first)}", as you asked'
    if len(liked) > 1:
        head += f" +{len(liked) - 1} more"
    return head + about


def named_papers(
    s: Suggestion, stars: Mapping[int, int], more: Collection[int] = ()
) -> tuple[int, ...]:
    """The papers of ``because_of`` that :func:`reason_text` names or counts: rated 4 or 5,
    or asked more of."""
    if s.exploration:
        return ()
    asked = set(more)
    return tuple(p for p in s.because_of if stars.get(p, 0) >= LIKED_STARS or p in asked)


def restate(
    reason: str,
    named: Sequence[int],
    titles: Mapping[int, str],
    stars: Mapping[int, int],
    more: Collection[int] = (),
    *,
    interests: bool = True,
) -> str:
    """A saved reason as it reads now: a reason that names no paper (interests, exploration)
    unchanged; otherwise its head made again from the papers it named that are still liked
    (or asked for), with their stars and titles as they are now, and its "about ..." kept:
    a paper re-rated 3 stars since is no longer called liked, and one re-rated from 4 to 5
    stars is not shown with 4."""
    if not named:
        return reason
    _head, sep, about = reason.rpartition("; about ")
    terms = tuple(about.split(", ")) if sep else ()
    from reader.recommend.rank import Suggestion  # rank imports this module

    return reason_text(
        Suggestion(0, 0.0, tuple(named), terms), titles, stars, more, interests=interests
    )


def topic_terms(features: Features, area: int, k: int = 3) -> tuple[str, ...]:
    """The `k` terms that weigh most in a cluster's papers together (its topic's name)."""
    members = np.flatnonzero(features.labels == area)
    if not len(members):
        return ()
    total = np.asarray(features.matrix[members].sum(axis=0), dtype=np.float32).ravel()
    cols = np.flatnonzero(total > 0)
    return _pick(features, cols, total[cols], k)


def starter_reasons(features: Features, paper_ids: Sequence[int]) -> dict[int, str]:
    """A reason for each starter pick (see :func:`reader.recommend.starter_picks`), e.g.
    ``A starter: central to the catalog's main topic "graph, neural networks"`` for the
    biggest cluster, ``... to one of the catalog's topics ...`` for the others."""
    sizes = np.bincount(features.labels, minlength=len(features.centroids))
    main = int(np.argmax(sizes)) if len(sizes) else -1
    names: dict[int, tuple[str, ...]] = {}
    out = {}
    for pid in paper_ids:
        row = features.row_of(pid)
        if row is None:
            continue
        area = int(features.labels[row])
        if area not in names:
            names[area] = topic_terms(features, area)
        which = "the catalog's main topic" if area == main else "one of the catalog's topics"
        topic = f' "{", ".join(names[area])}"' if names[area] else ""
        out[int(pid)] = f"A starter: central to {which}{topic}"
    return out
