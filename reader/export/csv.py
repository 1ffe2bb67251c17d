"""Write papers as CSV: one row per paper, lists joined with ``; ``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from reader.models import Paper

from .text import without_controls

__all__ = ["CSV_COLUMNS", "to_csv"]

CSV_COLUMNS = (
    "id", "title", "authors", "year", "date", "venue", "arxiv_id", "doi", "url",
    "code_url", "pdf_path", "status", "stars", "tags", "added_at", "abstract",
)  # fmt: skip


def to_csv(papers: Iterable[Paper]) -> str:
    """RFC 4180 CSV with a header row (CRLF line ends, as spreadsheets expect)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for paper in papers:
        row: list[str | int] = [
            paper.id,
            paper.title,
            "; ".join(paper.authors),
            paper.year or "",
            paper.date or "",
            paper.venue,
            paper.arxiv_id or "",
            paper.doi or "",
            paper.url or "",
            paper.code_url or "",
            paper.pdf_path or "",
            paper.status.value,
            "" if paper.stars is None else paper.stars,
            "; ".join(paper.tags),
            paper.added_at.isoformat() if paper.added_at else "",
            paper.abstract,
        ]
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP's list): a title
``=HYPERLINK(...)`` or an author ``+cmd`` would run when the file is opened."""


def _cell(value: str | int) -> str | int:
    """A text cell without controls and, when it would start a formula, with a ``'``
    before it (spreadsheets show the text and hide the quote). Numbers (id, year, stars)
    are written as numbers, so a negative one stays a number."""
    if not isinstance(value, str):
        return value
    value = without_controls(value)
    return f"'{value}" if value.startswith(_FORMULA_START) else value
