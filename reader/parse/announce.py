"""Parse arXiv's daily announcement feed (``rss.arxiv.org/atom/cs.LG+stat.ML``). Pure.

One ``<entry>`` per listing: ``<id>oai:arXiv.org:2203.01250v3</id>``, the title, the
authors as one comma-separated ``<dc:creator>``, the categories, and a ``<summary>`` of
the form ``arXiv:2203.01250v3 Announce Type: replace-cross \\nAbstract: ...``;
``<arxiv:announce_type>`` says whether the paper is new, cross-listed or a new version,
``<published>`` is the announcement day (midnight US Eastern). Optional
``<arxiv:DOI>`` and ``<arxiv:journal_reference>``. On days without an announcement
(weekends, holidays) the feed has no entries. Parsed with ``feedparser``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import feedparser

from reader.ids import normalize_arxiv_id, normalize_doi
from reader.models import Announcement, PaperRecord
from reader.parse.atom import collapse

__all__ = [
    "AnnouncementFeed",
    "FeedError",
    "parse_announcements",
    "split_creators",
    "year_from_id",
]

_VERSIONED = re.compile(r"arXiv:(\S+?)v(\d+)\b", re.IGNORECASE)
_OAI_ID = re.compile(r"^oai:arXiv\.org:(\S+?)(?:v(\d+))?$", re.IGNORECASE)
_ABSTRACT = re.compile(r"\bAbstract:\s*", re.IGNORECASE)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
KNOWN_TYPES = frozenset({"new", "cross", "replace", "replace-cross"})


class FeedError(ValueError):
    """The answer is not a usable announcement feed; the message is one line."""


@dataclass(frozen=True)
class AnnouncementFeed:
    day: str | None
    """The announcement day (ISO), None for an empty feed."""
    announcements: tuple[Announcement, ...]


def parse_announcements(body: bytes) -> AnnouncementFeed:
    """Every listing of the feed, in feed order, whatever its announce type.

    Raises:
        FeedError: the body is not well-formed XML, or not an Atom/RSS feed. Nothing
            is returned from a broken feed, not even its readable first half.
    """
    parsed = feedparser.parse(body)
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and problem is not None and _is_xml_error(problem):
        raise FeedError(f"answer is not valid XML ({_one_line(problem)})")
    if not parsed.get("version"):
        raise FeedError("answer is not an Atom feed")
    announcements = []
    for entry in parsed.get("entries", []):
        announcement = _announcement(entry)
        if announcement is not None:
            announcements.append(announcement)
    days = [a.day for a in announcements if a.day]
    return AnnouncementFeed(max(days) if days else None, tuple(announcements))


def split_creators(text: str) -> tuple[str, ...]:
    """``dc:creator`` ("A. One, B. Two and C. Three") as a tuple of names."""
    names = [collapse(part) for part in text.split(",")]
    if names and " and " in names[-1]:
        names[-1:] = [collapse(part) for part in names[-1].split(" and ")]
    return tuple(name for name in names if name)


def _text(entry: feedparser.FeedParserDict, key: str) -> str:
    """A field as text: feedparser keeps an HTML-typed one (``type="html"``) as markup, so
    a title "Q&amp;A" showed its entity; tags dropped and entities resolved here."""
    value = str(entry.get(key, "") or "")
    detail = entry.get(f"{key}_detail") or {}
    if detail.get("type") in ("text/html", "application/xhtml+xml"):
        value = html.unescape(_TAG.sub("", value))
    return value


_TAG = re.compile(r"<[^>]*>")


def _announcement(entry: feedparser.FeedParserDict) -> Announcement | None:
    summary = _text(entry, "summary")
    arxiv_id, version = _identify(str(entry.get("id", "")), summary)
    title = collapse(_text(entry, "title"))
    if arxiv_id is None or not title:
        return None
    announce_type = collapse(entry.get("arxiv_announce_type")).lower()
    if announce_type not in KNOWN_TYPES:
        announce_type = "new"  # an item the feed does not type is a listing all the same
    parts = _ABSTRACT.split(summary, maxsplit=1)
    abstract = collapse(parts[1] if len(parts) == 2 else "")
    day_match = _DAY.match(str(entry.get("published", "")))
    day = day_match.group(0) if day_match else None
    doi = normalize_doi(collapse(entry.get("arxiv_doi")).split(" ")[0])
    record = PaperRecord(
        title=title,
        abstract=abstract,
        authors=split_creators(str(entry.get("author", ""))),
        year=year_from_id(arxiv_id),
        date=day if announce_type in ("new", "cross") else None,
        venue=collapse(entry.get("arxiv_journal_reference")),
        arxiv_id=arxiv_id,
        doi=doi,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        source="arxiv",
    )
    categories = tuple(term for tag in entry.get("tags", []) if (term := collapse(tag.get("term"))))
    return Announcement(record, announce_type, version, categories, day)


def year_from_id(arxiv_id: str) -> int | None:
    """The year an arXiv id was issued: 2511.04567 -> 2025, hep-th/9711200 -> 1997."""
    match = re.match(r"^(?:[a-z\-]+(?:\.[A-Z]{2})?/)?(\d{2})(\d{2})", arxiv_id)
    if not match:
        return None
    yy = int(match.group(1))
    return 1900 + yy if yy >= 91 else 2000 + yy  # arXiv began in 1991


def _identify(entry_id: str, summary: str) -> tuple[str | None, int]:
    match = _OAI_ID.match(entry_id.strip())
    if match:
        return normalize_arxiv_id(match.group(1)), int(match.group(2) or 1)
    match = _VERSIONED.search(summary)
    if match:
        return normalize_arxiv_id(match.group(1)), int(match.group(2))
    return normalize_arxiv_id(entry_id), 1


def _is_xml_error(problem: Exception) -> bool:
    # feedparser also reports harmless things (a wrong charset declaration) as bozo;
    # only a document that is not well-formed XML is refused.
    return type(problem).__name__ == "SAXParseException"


def _one_line(problem: Exception) -> str:
    line = getattr(problem, "getLineNumber", None)
    message = collapse(str(getattr(problem, "getMessage", lambda: problem)()))
    return f"line {line()}: {message}" if callable(line) else message
