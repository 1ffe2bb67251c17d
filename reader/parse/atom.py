"""Parse arXiv API responses (Atom 1.0 feeds) into :class:`PaperRecord` values. Pure.

The API answers ``/api/query?id_list=...`` with an Atom feed: one ``<entry>`` per paper,
arXiv-specific fields in the ``arxiv:`` namespace (``doi``, ``journal_ref``,
``primary_category``) and result counts in the ``opensearch:`` namespace. A failed query
(for example a malformed id) is still a feed, holding one entry titled ``Error`` whose
``<id>`` points into ``/api/errors``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from reader.ids import normalize_arxiv_id, normalize_doi
from reader.models import PaperRecord
from reader.parse.names import person_name

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"

_WHITESPACE = re.compile(r"\s+")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


class AtomError(ValueError):
    """The text is not a usable arXiv feed. The message is one line meant for a user."""


class ArxivApiError(AtomError):
    """The feed is the API's own error report, e.g. ``incorrect id format for 1234.5678``."""


def collapse(text: str | None) -> str:
    """Return ``text`` with every run of whitespace turned into one space, trimmed."""
    return _WHITESPACE.sub(" ", text or "").strip()


def parse_arxiv_feed(text: str | bytes) -> list[PaperRecord]:
    """Parse an arXiv API Atom feed into one record per paper, in feed order.

    Args:
        text: the response body. Pass bytes when you have them, so the XML
            declaration's encoding is honoured.

    Returns:
        The papers found. A feed with no results gives an empty list. Entries that
        carry no arXiv id or no title (the API's placeholder for an id it does not
        know) are left out, so a caller sees that id as missing.

    Raises:
        ArxivApiError: the feed is an API error report.
        AtomError: the text is not XML or not an Atom feed.
    """
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise AtomError(f"answer is not valid XML ({exc})") from None
    if root.tag != f"{ATOM}feed":
        raise AtomError(f"answer is not an Atom feed (root element <{_local(root.tag)}>)")

    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        message = _api_error(entry)
        if message is not None:
            raise ArxivApiError(f"API error: {message}")
    records = (_entry_record(entry) for entry in entries)
    return [record for record in records if record is not None]


def _api_error(entry: ET.Element) -> str | None:
    """Return the error message if ``entry`` is the API's error entry, else None."""
    entry_id = entry.findtext(f"{ATOM}id") or ""
    if "/api/errors" not in entry_id:
        return None
    return collapse(entry.findtext(f"{ATOM}summary")) or "unknown error"


def _entry_record(entry: ET.Element) -> PaperRecord | None:
    arxiv_id = normalize_arxiv_id(collapse(entry.findtext(f"{ATOM}id")))
    title = collapse(entry.findtext(f"{ATOM}title"))
    if arxiv_id is None or not title:
        return None

    authors = tuple(
        name
        for author in entry.findall(f"{ATOM}author")
        if (name := person_name(collapse(author.findtext(f"{ATOM}name"))))
    )
    # <published> is when version 1 appeared: the date people cite a preprint by.
    date, year = _date(entry.findtext(f"{ATOM}published"))
    doi_text = collapse(entry.findtext(f"{ARXIV}doi"))
    # A few papers list several DOIs separated by spaces; the first is the article.
    doi = normalize_doi(doi_text.split(" ")[0]) if doi_text else None

    return PaperRecord(
        title=title,
        abstract=collapse(entry.findtext(f"{ATOM}summary")),
        authors=authors,
        year=year,
        date=date,
        venue=collapse(entry.findtext(f"{ARXIV}journal_ref")),
        arxiv_id=arxiv_id,
        doi=doi,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        source="arxiv",
    )


def _date(text: str | None) -> tuple[str | None, int | None]:
    match = _DATE.match(collapse(text))
    if not match:
        return None, None
    return match.group(0), int(match.group(1))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
