"""Human-readable reasons for suggestions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

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
    contrib = x.data * weights[x.indices]
    order = np.lexsort((x.indices, -contrib))
    chosen: list[str] = []
    for i in order:
        if contrib[i] <= 0 or len(chosen) >= k:
            break
        term = features.terms[int(x.indices[i])]
        words = set(term.split())
        if any(words <= set(c.split()) or set(c.split()) <= words for c in chosen):
            continue
        chosen.append(term)
    return tuple(pretty_term(t) for t in chosen)


def _title(titles: Mapping[int, str], pid: int) -> str:
    title = " ".join(titles.get(pid, f"paper {pid}").split())
    return title if len(title) <= 70 else title[:67].rstrip() + "..."


def reason_text(s: Suggestion, titles: Mapping[int, str], stars: Mapping[int, int]) -> str:
    """One line a person understands, e.g. ``Like "X" (rated 5); terms: a, b``."""
    terms = f"terms: {', '.join(s.terms)}" if s.terms else ""
    if s.exploration:
        head = "Exploration: from an area you have not rated yet"
        return f"{head}; {terms}" if terms else head
    likes = []
    for pid in s.because_of:
        rated = f" (rated {stars[pid]})" if pid in stars else ""
        likes.append(f'"{_title(titles, pid)}"{rated}')
    head = "Like " + " and ".join(likes) if likes else "Matches your interests"
    return f"{head}; {terms}" if terms else head
