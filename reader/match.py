"""When two records are the same paper: the title rule. Pure functions.

Two records are the same paper when they share an arXiv id (any version), a normalized
DOI, or their *title keys* agree (:func:`same_title`). A title key is the title folded to
lowercase ASCII words plus the first author's surname, ``"folded title|surname"``. Keys
agree when the folded titles are equal and so are the surnames, or, for a long title
(:data:`LONG_TITLE_WORDS` words and :data:`LONG_TITLE_CHARS` characters), when one side
has no authors: a catalog entry without authors and the same paper exported from Zotero
with them are one paper. A short title without authors has no key (``""``): "Editorial"
alone says nothing, so such a record can only match by identifier.

Import, ``reader dedupe`` and ``reader doctor`` all apply this one rule. The database
indexes :func:`key_hash`, which hashes the part of the key that must be equal (the title
alone for a long title, the whole key for a short one); equal hashes are candidates, and
:func:`same_title` decides.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Sequence

__all__ = [
    "LONG_TITLE_CHARS",
    "LONG_TITLE_WORDS",
    "first_surname",
    "is_long_title",
    "key_hash",
    "near_exact_title",
    "normalize_title",
    "same_title",
    "same_work",
    "title_hash",
    "title_key",
]

_NON_WORD = re.compile(r"[\W_]+")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
LONG_TITLE_WORDS = 3
LONG_TITLE_CHARS = 24
"""A folded title with at least this many words and characters is specific enough to
name one paper when one side has no authors ("Generative Medical Segmentation" is; "Deep
Learning" is not)."""


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


_ROMAN = re.compile(r"[ivx]+")
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten "
    "first second third fourth fifth sixth seventh eighth ninth tenth".split()
)
_NEGATIONS = frozenset({"no", "not", "non", "without", "never"})


def _markers(folded: str) -> list[str]:
    """What tells two papers of a series, or a paper and its rebuttal, apart when the rest
    of their titles agree: numbers (in order), Roman numerals, number words and negations
    ("The genetical evolution of social behaviour. I" and "... II"; "A simple dependence
    between ..." and "No simple dependence between ...")."""
    words = sorted(
        w for w in folded.split() if _ROMAN.fullmatch(w) or w in _NUMBER_WORDS or w in _NEGATIONS
    )
    return re.findall(r"\d+", folded) + words


def near_exact_title(a: str, b: str) -> bool:
    """The same title up to case, accents, punctuation and spacing, or nearly so (a
    character or two in a long title). Titles that differ in a number (``GPT-2`` and
    ``GPT-3``, "Part 1" and "Part 2", "Part I" and "Part II", "Part One" and "Part Two")
    or in a negation ("No simple dependence ..." answering "A simple dependence ...")
    never match."""
    x, y = _fold(a), _fold(b)
    if not x or not y:
        return False
    if x == y:
        return True
    if _markers(x) != _markers(y):
        return False
    return difflib.SequenceMatcher(None, x, y).ratio() >= NEAR_EXACT_RATIO


def same_work(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether two papers, given as (title, abstract), that are already alike in their
    words and meaning (the recommender's test) are one work entered twice, so that only one
    of them may be suggested, and never a copy of a paper the user rated.

    Titles alone say too little for likeness to mean sameness: "Seven Myths of Formal
    Methods" and "Seven More Myths of Formal Methods" are two papers with the same terms
    (cosine 1.0 without stop words), as are the two parts of Hamilton's "The genetical
    evolution of social behaviour". So a paper without an abstract is the same work as
    another only when their titles agree (:func:`near_exact_title`); two papers with
    abstracts alike in words and meaning are, unless their titles name different parts.
    """
    (title_a, abstract_a), (title_b, abstract_b) = a, b
    if near_exact_title(title_a, title_b):
        return True
    if not abstract_a.strip() or not abstract_b.strip():
        return False
    return _markers(_fold(title_a)) == _markers(_fold(title_b))


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


def is_long_title(folded: str) -> bool:
    """Whether a folded title is long enough to match without authors."""
    return len(folded) >= LONG_TITLE_CHARS and folded.count(" ") + 1 >= LONG_TITLE_WORDS


def title_key(title: str, authors: Sequence[str]) -> str:
    """``"attention is all you need|vaswani"``; ``"attention is all you need|"`` for a long
    title without authors; ``""`` for no title or a short title without authors."""
    folded = _fold(title)
    surname = first_surname(authors)
    if not folded or not (surname or is_long_title(folded)):
        return ""
    return f"{folded}|{surname}"


def same_title(key_a: str, key_b: str) -> bool:
    """The title rule: two title keys name the same paper when their titles are equal
    and their surnames are equal or (a long title only, see :func:`title_key`) one is
    missing. Identifiers can still tell them apart (the store checks those)."""
    if not key_a or not key_b:
        return False
    title_a, _, surname_a = key_a.rpartition("|")
    title_b, _, surname_b = key_b.rpartition("|")
    return title_a == title_b and (surname_a == surname_b or not surname_a or not surname_b)


def key_hash(key: str) -> int:
    """What the database indexes for a title key: the hash of its title alone when the
    title is long (so a key without a surname finds those with one), else of the whole
    key. Keys that :func:`same_title` calls equal always have equal hashes."""
    if not key:
        return 0
    folded = key.rpartition("|")[0]
    return title_hash(folded if is_long_title(folded) else key)


def title_hash(key: str) -> int:
    """The title key as a signed 64-bit integer, what the database indexes: an integer
    index entry is a fifth the size of the key's, and a large import touches a fifth the
    pages. ``0`` for no key; equal keys always have equal hashes (compare the keys
    themselves to rule out the rare collision)."""
    if not key:
        return 0
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True) or 1
