"""When two records are the same paper: the title key. Pure functions.

Two records are the same paper when they share an arXiv id (any version), a normalized
DOI, or a *title key*: the title folded to lowercase ASCII words plus the first author's
surname. A record with no title words or no authors has no key (``""``), so it can only
match by identifier.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Sequence

__all__ = ["first_surname", "near_exact_title", "normalize_title", "title_hash", "title_key"]

_NON_WORD = re.compile(r"[\W_]+")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _fold(text: str) -> str:
    """Lowercase words without accents or punctuation, single-spaced."""
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", text).split())


def normalize_title(title: str) -> str:
    """``"Attention Is All You Need!"`` -> ``"attention is all you need"``."""
    return _fold(title)


NEAR_EXACT_RATIO = 0.95
"""How alike two folded titles must be (difflib's ratio) to be taken for the same title:
a typo or a dropped word in a long title, never a different paper of a series."""


def near_exact_title(a: str, b: str) -> bool:
    """The same title up to case, accents, punctuation and spacing, or nearly so (a
    character or two in a long title). Titles that differ in a number (``GPT-2`` and
    ``GPT-3``, "Part 1" and "Part 2") never match."""
    x, y = _fold(a), _fold(b)
    if not x or not y:
        return False
    if x == y:
        return True
    if re.findall(r"\d+", x) != re.findall(r"\d+", y):
        return False
    return difflib.SequenceMatcher(None, x, y).ratio() >= NEAR_EXACT_RATIO


def first_surname(authors: Sequence[str]) -> str:
    """The first author's surname, folded: the part before a comma (``"Waals, J. van
    der"``) or else the last word that is not a suffix; only its last word is kept, so
    ``"van der Waals"`` and ``"J. van der Waals"`` agree."""
    if not authors:
        return ""
    name = authors[0]
    if "," in name:
        name = name.split(",", 1)[0]
    words = _fold(name).split()
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return words[-1] if words else ""


def title_key(title: str, authors: Sequence[str]) -> str:
    """``"attention is all you need|vaswani"``, or ``""`` when either part is missing."""
    folded = _fold(title)
    surname = first_surname(authors)
    if not folded or not surname:
        return ""
    return f"{folded}|{surname}"


def title_hash(key: str) -> int:
    """The title key as a signed 64-bit integer, what the database indexes: an integer
    index entry is a fifth the size of the key's, and a large import touches a fifth the
    pages. ``0`` for no key; equal keys always have equal hashes (compare the keys
    themselves to rule out the rare collision)."""
    if not key:
        return 0
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True) or 1
