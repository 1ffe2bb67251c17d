"""Parse Crossref ``/works/{DOI}`` answers (JSON) into :class:`PaperRecord` values. Pure.

Crossref wraps the work in ``{"status": "ok", "message-type": "work", "message": {...}}``.
Titles and container titles are lists, dates are ``{"date-parts": [[2019, 6, 4]]}`` and
abstracts are JATS XML fragments (``<jats:p>...</jats:p>``) that we reduce to plain text.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from reader.ids import normalize_doi
from reader.models import PaperRecord
from reader.parse.names import person_name

_WHITESPACE = re.compile(r"\s+")
# A leading "Abstract" heading says nothing; publishers add it to most JATS abstracts.
_ABSTRACT_HEADING = re.compile(
    r"^\s*(?:<(?:jats:)?sec\b[^>]*>\s*)?<(?:jats:)?title\b[^>]*>\s*abstract\s*</(?:jats:)?title>",
    re.IGNORECASE,
)
_BLOCK_TAG = re.compile(
    r"</?(?:jats:)?(?:p|sec|title|list|list-item|label|caption|break|br|div)\b[^>]*>",
    re.IGNORECASE,
)
# Only things shaped like tags, so a stray "p < 0.05" in an abstract survives.
_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
# Dates in order of preference: `published` is Crossref's earliest of print and online.
_DATE_FIELDS = ("published", "published-print", "published-online", "issued", "created")


class CrossrefError(ValueError):
    """The text is not a usable Crossref work record. The message is one line."""


def collapse(text: str | None) -> str:
    """Return ``text`` with every run of whitespace turned into one space, trimmed."""
    return _WHITESPACE.sub(" ", text or "").strip()


def strip_markup(text: str | None) -> str:
    """Turn a JATS/HTML fragment into plain text: tags dropped, entities decoded.

    Block tags (paragraphs, sections, headings) become spaces so paragraphs do not run
    together; inline tags (``<jats:italic>``, ``<sub>``) vanish so ``H<sub>2</sub>O``
    stays ``H2O``.
    """
    text = _ABSTRACT_HEADING.sub("", text or "")
    text = _BLOCK_TAG.sub(" ", text)
    # Entities are decoded after the tags are gone, so an escaped "&lt;b&gt;" stays text.
    return collapse(html.unescape(_TAG.sub("", text)))


def parse_crossref_work(text: str | bytes) -> PaperRecord:
    """Parse the body of a Crossref ``/works/{DOI}`` answer.

    Accepts the usual envelope or a bare work object (as found in ``items`` of a
    search answer).

    Raises:
        CrossrefError: the text is not JSON, not a work, or has no DOI or title.
    """
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CrossrefError(f"answer is not valid JSON ({exc})") from None
    if isinstance(data, dict) and "message" in data:
        if data.get("status") not in (None, "ok"):
            raise CrossrefError(f"answer has status {data.get('status')!r}")
        data = data["message"]
    if not isinstance(data, dict):
        raise CrossrefError("answer is not a Crossref work record")
    return work_record(data)


def work_record(work: dict[str, Any]) -> PaperRecord:
    """Build a record from one Crossref work object (the ``message`` of the answer)."""
    doi = normalize_doi(str(work.get("DOI") or ""))
    if doi is None:
        raise CrossrefError("work record has no DOI")
    title = strip_markup(_first(work.get("title")))
    if not title:
        raise CrossrefError("work record has no title")
    subtitle = strip_markup(_first(work.get("subtitle")))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"

    date, year = _date(work)
    return PaperRecord(
        title=title,
        abstract=strip_markup(work.get("abstract")),
        authors=_authors(work.get("author")),
        year=year,
        date=date,
        venue=strip_markup(_first(work.get("container-title"))),
        doi=doi,
        url=f"https://doi.org/{doi}",
        source="crossref",
    )


def _first(value: Any) -> str:
    """Crossref gives most text fields as lists; take the first non-empty string."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str) and item.strip():
                return item
    return ""


def _authors(value: Any) -> tuple[str, ...]:
    names: list[str] = []
    for author in value if isinstance(value, list) else []:
        if not isinstance(author, dict):
            continue
        given = collapse(author.get("given"))
        family = collapse(author.get("family"))
        # Consortia and groups come as {"name": "ATLAS Collaboration"}.
        name = person_name(f"{given} {family}") or collapse(author.get("name"))
        if name:
            names.append(name)
    return tuple(names)


def _date(work: dict[str, Any]) -> tuple[str | None, int | None]:
    for key in _DATE_FIELDS:
        field = work.get(key)
        if not isinstance(field, dict):
            continue
        parts = field.get("date-parts")
        if not (isinstance(parts, list) and parts and isinstance(parts[0], list)):
            continue
        numbers = [p for p in parts[0] if isinstance(p, int)]
        # Crossref writes an unknown date as [[null]]; try the next field.
        if not numbers:
            continue
        year = numbers[0]
        if len(numbers) >= 3:
            return f"{year:04d}-{numbers[1]:02d}-{numbers[2]:02d}", year
        if len(numbers) == 2:
            return f"{year:04d}-{numbers[1]:02d}", year
        return None, year
    return None, None
