"""Recognize and normalize paper identifiers (arXiv ids, DOIs). Pure functions."""

from __future__ import annotations

import re

# New-style ids (0704.0001 onwards): YYMM.NNNN or YYMM.NNNNN, optional version.
_NEW_ARXIV = r"\d{4}\.\d{4,5}"
# Old-style ids: archive(.subject)/YYMMNNN, e.g. hep-th/9901001, math.GT/0309136.
_OLD_ARXIV = r"[a-z][a-z\-]+(?:\.[A-Za-z]{2})?/\d{7}"
_ARXIV_CORE = rf"(?:{_NEW_ARXIV}|{_OLD_ARXIV})"

_ARXIV_BARE = re.compile(rf"^(?:arxiv:\s*)?({_ARXIV_CORE})(?:v\d+)?$", re.IGNORECASE)
_ARXIV_URL = re.compile(
    rf"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html|format)/({_ARXIV_CORE})"
    r"(?:v\d+)?(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
# arXiv ids inside running text: URLs or "arXiv:2406.12345".
ARXIV_IN_TEXT = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf|html)/|arxiv:\s*)({_ARXIV_CORE})(?:v\d+)?", re.IGNORECASE
)

_DOI_CORE = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)


def normalize_arxiv_id(text: str) -> str | None:
    """Return the arXiv id in ``text`` without its version suffix, or None.

    Accepts ``2406.12345``, ``2406.12345v2``, ``arXiv:2406.12345``, ``hep-th/9901001``
    and abs/pdf URLs.
    """
    text = text.strip()
    match = _ARXIV_BARE.match(text) or _ARXIV_URL.match(text)
    if not match:
        return None
    core = match.group(1)
    # Old-style archive names are lowercase; the subject class keeps its case (math.GT).
    if "/" in core:
        archive, number = core.split("/", 1)
        if "." in archive:
            name, subject = archive.split(".", 1)
            archive = f"{name.lower()}.{subject.upper()}"
        else:
            archive = archive.lower()
        core = f"{archive}/{number}"
    return core


def normalize_doi(text: str) -> str | None:
    """Return the DOI in ``text`` lowercased and without a resolver prefix, or None."""
    text = _DOI_PREFIX.sub("", text.strip()).strip()
    text = text.rstrip(".,;")
    if not _DOI_CORE.match(text):
        return None
    return text.lower()


_PAPER_NUMBER = re.compile(r"#?\s*([0-9]+)")


def paper_number(text: str) -> int | None:
    """The paper id in what a user typed: ``"8"`` or ``"#8"`` (how the app shows ids);
    None when ``text`` is not a number. Raises ``ValueError`` for a number longer than
    any id (18 digits), with a one-line message."""
    match = _PAPER_NUMBER.fullmatch(text.strip())
    if match is None:
        return None
    digits = match.group(1).lstrip("0") or "0"
    if len(digits) > 18:
        raise ValueError(f"no paper with id {digits[:20]}… ({len(digits):,} digits)")
    return int(digits)
