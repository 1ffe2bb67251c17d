"""Tags as parsers hand them over, and what makes a tag. Pure.

A tag is a short label: at most :data:`MAX_TAG_CHARS` characters, so it fits the paper
header, the tag picker and a line of ``reader list``. A tag the user types that is longer
is refused (:func:`valid_tag`). Keywords from files are mapped instead: Zotero writes an
arXiv paper's subjects as "Computer Science - Machine Learning", which becomes ``cs.LG``,
the tag an arXiv import gives the same paper; any other keyword longer than the limit is
left out of the tags (it is a phrase, not a label).
"""

from __future__ import annotations

from collections.abc import Iterable

from reader.units import quoted

__all__ = [
    "ARXIV_SUBJECTS",
    "MAX_INTEREST_CHARS",
    "MAX_TAG_CHARS",
    "short_tag",
    "unique_tags",
    "valid_interest",
    "valid_tag",
]

MAX_TAG_CHARS = 40
MAX_INTEREST_CHARS = 100
"""An interest is a few words ("causal inference in econometrics"), not a paragraph."""

_ARCHIVES = {
    "computer science": "cs",
    "statistics": "stat",
    "mathematics": "math",
    "electrical engineering and systems science": "eess",
    "quantitative biology": "q-bio",
    "quantitative finance": "q-fin",
    "economics": "econ",
    "physics": "physics",
}
_SUBJECTS = {
    "cs": {
        "artificial intelligence": "AI", "hardware architecture": "AR",
        "computational complexity": "CC",
        "computational engineering, finance, and science": "CE",
        "computational geometry": "CG", "computation and language": "CL",
        "cryptography and security": "CR", "computer vision and pattern recognition": "CV",
        "computers and society": "CY", "databases": "DB",
        "distributed, parallel, and cluster computing": "DC", "digital libraries": "DL",
        "discrete mathematics": "DM", "data structures and algorithms": "DS",
        "emerging technologies": "ET", "formal languages and automata theory": "FL",
        "general literature": "GL", "graphics": "GR", "computer science and game theory": "GT",
        "human-computer interaction": "HC", "information retrieval": "IR",
        "information theory": "IT", "machine learning": "LG",
        "logic in computer science": "LO", "multiagent systems": "MA", "multimedia": "MM",
        "mathematical software": "MS", "numerical analysis": "NA",
        "neural and evolutionary computing": "NE",
        "networking and internet architecture": "NI", "other computer science": "OH",
        "operating systems": "OS", "performance": "PF", "programming languages": "PL",
        "robotics": "RO", "symbolic computation": "SC", "sound": "SD",
        "software engineering": "SE", "social and information networks": "SI",
        "systems and control": "SY",
    },
    "stat": {
        "applications": "AP", "computation": "CO", "methodology": "ME",
        "machine learning": "ML", "other statistics": "OT", "statistics theory": "TH",
    },
    "math": {
        "optimization and control": "OC", "probability": "PR", "statistics theory": "ST",
        "numerical analysis": "NA", "information theory": "IT", "dynamical systems": "DS",
        "combinatorics": "CO", "logic": "LO", "functional analysis": "FA",
        "differential geometry": "DG", "algebraic geometry": "AG",
    },
    "eess": {
        "audio and speech processing": "AS", "image and video processing": "IV",
        "signal processing": "SP", "systems and control": "SY",
    },
    "q-bio": {
        "neurons and cognition": "NC", "quantitative methods": "QM",
        "biomolecules": "BM", "genomics": "GN",
    },
    "q-fin": {"statistical finance": "ST", "computational finance": "CP"},
    "econ": {"econometrics": "EM", "general economics": "GN", "theoretical economics": "TH"},
    "physics": {"data analysis, statistics and probability": "data-an"},
}  # fmt: skip
ARXIV_SUBJECTS: dict[str, str] = {
    f"{archive_name} - {subject}": f"{code}.{short}"
    for archive_name, code in _ARCHIVES.items()
    for subject, short in _SUBJECTS[code].items()
}
"""Zotero's arXiv subject keyword, lowercase ("computer science - machine learning"),
to the arXiv category (``cs.LG``)."""
ARXIV_SUBJECTS.update(
    {
        "condensed matter - disordered systems and neural networks": "cond-mat.dis-nn",
        "condensed matter - statistical mechanics": "cond-mat.stat-mech",
        "quantum physics": "quant-ph",
    }
)


def short_tag(keyword: str) -> str | None:
    """A keyword from a file as a tag: an arXiv subject as its category, anything else
    as it is if it fits :data:`MAX_TAG_CHARS`, else None (not a tag)."""
    text = " ".join(keyword.split())
    mapped = ARXIV_SUBJECTS.get(text.lower())
    if mapped:
        return mapped
    return text if len(text) <= MAX_TAG_CHARS else None


def unique_tags(values: Iterable[str]) -> tuple[str, ...]:
    """Stripped, non-empty, case-insensitively unique tags in their first spelling, each
    made short by :func:`short_tag` (keywords that cannot be are left out)."""
    seen: set[str] = set()
    tags = []
    for value in values:
        tag = short_tag(value)
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tuple(tags)


def valid_tag(name: str) -> str:
    """A tag the user typed, whitespace folded; ``ValueError`` with a one-line message
    when it is empty or too long."""
    tag = " ".join(str(name).split())
    if not tag:
        raise ValueError("a tag cannot be empty")
    if len(tag) > MAX_TAG_CHARS:
        raise ValueError(
            f"tag {quoted(tag)} is too long ({len(tag):,} characters; at most {MAX_TAG_CHARS})"
        )
    return tag


def valid_interest(text: str) -> str:
    """An interest the user typed, whitespace folded; ``ValueError`` when too long."""
    interest = " ".join(str(text).split())
    if len(interest) > MAX_INTEREST_CHARS:
        raise ValueError(
            f"interest {quoted(interest)} is too long ({len(interest):,} characters; "
            f"at most {MAX_INTEREST_CHARS}): use a few words"
        )
    return interest
