"""Write papers as RIS, the format every reference manager imports."""

from __future__ import annotations

import re
from collections.abc import Iterable

from reader.models import Paper

from .text import without_controls

__all__ = ["to_ris"]

_CONFERENCE = re.compile(
    r"proceedings|conference|workshop|symposium|\bproc\.|neurips|nips|icml|iclr|cvpr",
    re.IGNORECASE,
)


def to_ris(papers: Iterable[Paper]) -> str:
    """All ``papers`` as RIS records. Authors are written ``Last, First``."""
    return "".join(_record(paper) for paper in papers)


def _line(tag: str, value: str) -> str:
    # One value per line: RIS has no escaping, so newlines inside values are collapsed.
    return f"{tag}  - {' '.join(without_controls(value).split())}\n"


def _record(paper: Paper) -> str:
    venue = paper.venue.strip()
    if venue and _CONFERENCE.search(venue):
        kind, venue_tag = "CPAPER", "T2"
    elif venue:
        kind, venue_tag = "JOUR", "JO"
    elif paper.arxiv_id:
        kind, venue_tag = "UNPB", ""
    else:
        kind, venue_tag = "GEN", ""
    lines = [_line("TY", kind), _line("TI", paper.title)]
    lines += [_line("AU", _last_first(name)) for name in paper.authors]
    if paper.year:
        lines.append(_line("PY", str(paper.year)))
    if paper.date:
        lines.append(_line("DA", paper.date.replace("-", "/")))
    if venue_tag:
        lines.append(_line(venue_tag, venue))
    if paper.abstract:
        lines.append(_line("AB", paper.abstract))
    if paper.doi:
        lines.append(_line("DO", paper.doi))
    if paper.url:
        lines.append(_line("UR", paper.url))
    if paper.arxiv_id:
        arxiv_url = f"https://arxiv.org/abs/{paper.arxiv_id}"
        if paper.url != arxiv_url:
            lines.append(_line("UR", arxiv_url))
        lines.append(_line("N1", f"arXiv:{paper.arxiv_id}"))
    if paper.code_url:
        lines.append(_line("L4", paper.code_url))
    if paper.pdf_path:
        lines.append(_line("L1", paper.pdf_path))
    lines += [_line("KW", tag) for tag in paper.tags]
    lines.append("ER  - \n\n")
    return "".join(lines)


def _last_first(name: str) -> str:
    """``"Ada Lovelace"`` -> ``"Lovelace, Ada"``; one-word names stay as they are."""
    words = name.split()
    if len(words) < 2 or "," in name:
        return " ".join(words)
    return f"{words[-1]}, {' '.join(words[:-1])}"
