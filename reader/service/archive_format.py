"""The project's own JSON export format, written and read here side by side.

The JSON export format (``"format": "reader-export"``, ``"version": 1``)::

    {"format": "reader-export", "version": 1, "exported_at": "...",
     "interests": [{"term", "added_at"}], "settings": {key: value},
     "suggestions": [{"day", "rank", "paper_id", "score", "reason", "exploration"}],
     "collections": [{"name", "created_at", "papers": [paper ids, in order]}],
     "feeds": [{"kind", "value", "added_at"}],   (what `reader feed add` follows)
     "papers": [
       {"id", "title", "abstract", "authors": [...], "year", "date", "venue", "arxiv_id",
        "doi", "url", "code_url", "pdf_path", "source", "added_at", "tags": [...],
        "title_edited": true | false,   (a new arXiv version keeps an edited title)
        "status_history": [{"status", "at"}], "rating_history": [{"stars", "at"}],
        "notes": [{"text", "created_at", "updated_at"}],
        "review_card": {"enabled", "due", "card"} | null,
        "review_log": [{"reviewed_at", "grade", "interval_days", "state_before",
                        "state_after"}],
        "feedback": [{"kind", "at", "until"}],
        "steering_history": [{"direction", "at"}]},   (direction: "more", "less" or null)
       ...]}

one paper a line. Importing it keeps paper ids where they are free (see
:class:`reader.store.Incoming`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from reader.models import PaperRecord
from reader.store import Incoming

EXPORT_FORMAT = "reader-export"
EXPORT_VERSION = 1


def archive_chunks(head: dict[str, Any], papers: Iterable[dict]) -> Iterator[str]:
    """The export as text pieces: ``head`` (the globals and ``exported_at``) first, then one
    paper a line, so a million papers never sit in memory as one string."""
    head = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, **head}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ',\n"papers": ['
    first = True
    for item in papers:
        yield ("\n" if first else ",\n") + json.dumps(item, ensure_ascii=False)
        first = False
    yield "\n]}\n"


def archive_error(data: Any, path: str) -> str | None:
    """Why ``data`` (the parsed file) is not an export this version reads, or None."""
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        return f'{path}: not a reader JSON export (no "format": "{EXPORT_FORMAT}")'
    version = data.get("version")
    if not isinstance(version, int) or version > EXPORT_VERSION:
        return (
            f"{path}: reader JSON export version {version!r} is newer than this reader "
            f"understands ({EXPORT_VERSION}); upgrade reader"
        )
    if not isinstance(data.get("papers"), list):
        return f'{path}: no "papers" list'
    return None


def archive_record(item: dict, source: str) -> tuple[PaperRecord, Incoming]:
    """One exported paper as a record to ingest, with the id and time it had."""
    title = item["title"]
    if not isinstance(title, str) or not title.strip():
        raise ValueError("no title")
    record = PaperRecord(
        title=title,
        abstract=item.get("abstract") or "",
        authors=tuple(item.get("authors") or ()),
        year=item.get("year"),
        date=item.get("date"),
        venue=item.get("venue") or "",
        arxiv_id=item.get("arxiv_id"),
        doi=item.get("doi"),
        url=item.get("url"),
        code_url=item.get("code_url"),
        pdf_path=item.get("pdf_path"),
        source=item.get("source") or "",
        tags=tuple(item.get("tags") or ()),
    )
    paper_id = item.get("id")
    return record, Incoming(paper_id if isinstance(paper_id, int) else None, item.get("added_at"))
