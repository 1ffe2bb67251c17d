"""People's names as the parsers hand them over. Pure."""

from __future__ import annotations

import re

__all__ = ["person_name"]

_HYPHENATED_INITIALS = re.compile(r"(?<=\b[^\W\d_]\.)\s*-\s*(?=[^\W\d_])")
"""The hyphen between two initials ("C.-P.") with spaces around it: arXiv's
``authors_parsed`` and some Crossref records write "C. -P.", BibTeX name parsers may too."""


def person_name(name: str) -> str:
    """One author's name, whitespace folded and hyphenated initials joined:
    ``"C. -P.  Yuan"`` -> ``"C.-P. Yuan"``."""
    return _HYPHENATED_INITIALS.sub("-", " ".join(name.split()))
