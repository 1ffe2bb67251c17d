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


TITLE_CHARS = 40
"""Anchor titles are shortened so the whole reason fits one terminal line."""


def _title(titles: Mapping[int, str], pid: int) -> str:
    title = " ".join(titles.get(pid, f"paper {pid}").split())
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1].rstrip() + "…"


def reason_text(s: Suggestion, titles: Mapping[int, str], stars: Mapping[int, int]) -> str:
    """One short line a person understands, e.g. ``Like "X" (5★) +1 more; about a, b``.

    Only the closest liked paper is named; the others are counted.
    """
    about = f"; about {', '.join(s.terms)}" if s.terms else ""
    if s.exploration:
        return f"Exploration: an area you have not rated yet{about}"
    if not s.because_of:
        return f"Matches your interests{about}"
    first = s.because_of[0]
    head = f'Like "{_title(titles, first)}"'
    if first in stars:
        head += f" ({stars[first]}★)"
    if len(s.because_of) > 1:
        head += f" +{len(s.because_of) - 1} more"
    return head + about
