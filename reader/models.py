"""Plain data shared by every layer: frozen dataclasses and enums, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal


class Status(StrEnum):
    """Where a paper stands in the user's reading."""

    UNREAD = "unread"
    QUEUED = "queued"
    READING = "reading"
    READ = "read"
    DROPPED = "dropped"


@dataclass(frozen=True)
class PaperRecord:
    """A paper as a parser or an importer sees it: metadata only, not yet stored.

    `authors` keeps the order given by the source. `arxiv_id` carries no version
    suffix and `doi` is normalized (lowercase, no resolver prefix); the parsers do that
    with :mod:`reader.ids`.
    """

    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    date: str | None = None
    """ISO date (YYYY-MM-DD or YYYY-MM) when the source has one."""
    venue: str = ""
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None
    code_url: str | None = None
    pdf_path: str | None = None
    source: str = ""
    """Where the record came from, e.g. ``seed:daily-papers-generalization``."""
    tags: tuple[str, ...] = ()
    line: int | None = field(default=None, compare=False)
    """The line of the file it starts on, to name it in a report; not part of the paper
    (two records equal in all else are equal)."""


@dataclass(frozen=True)
class Paper:
    """A stored paper with the user's current state of it."""

    id: int
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    date: str | None = None
    venue: str = ""
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None
    code_url: str | None = None
    pdf_path: str | None = None
    source: str = ""
    added_at: datetime | None = None
    status: Status = Status.UNREAD
    stars: int | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PaperQuery:
    """Which papers, in what order, which page: the one shape of a selection, for the
    library list, ``reader list``, the app's filters and search, and export.

    ``query`` is words to search for (title, abstract, authors, notes); ``stars`` means
    at least that many. ``sort`` is a column name (id, title, year, added, status, stars,
    or relevance with a query); ``limit=None`` means every paper.
    """

    query: str | None = None
    status: Status | None = None
    tag: str | None = None
    stars: int | None = None
    sort: str = "id"
    order: Literal["asc", "desc"] = "asc"
    limit: int | None = None
    offset: int = 0

    @property
    def filtered(self) -> bool:
        """True when it selects by state (status, tag or stars), not only by words."""
        return self.status is not None or self.tag is not None or self.stars is not None


EVERY_PAPER = PaperQuery()
"""Every paper, by id."""


@dataclass(frozen=True)
class Note:
    id: int
    paper_id: int
    text: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class StatusEvent:
    paper_id: int
    status: Status
    at: datetime


@dataclass(frozen=True)
class RatingEvent:
    paper_id: int
    stars: int | None
    """None records that the user cleared the rating."""
    at: datetime


@dataclass(frozen=True)
class ParseProblem:
    """One input record that could not be used, and why.

    Rendered as ``file:line: field: reason`` so a user can go straight to it.
    """

    reason: str
    source: str = ""
    line: int | None = None
    field: str | None = None
    warning: bool = False
    """The record was still imported (a value left out, a match not merged): counted
    apart from the bad records, and no reason to fail ``--strict`` or exit 1."""

    def __str__(self) -> str:
        where = self.source or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        what = f"{self.field}: " if self.field else ""
        return f"{where}: {what}{self.reason}"


@dataclass(frozen=True)
class ParseResult:
    """What a parser returns: the good records, and every problem found on the way."""

    records: list[PaperRecord] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)


@dataclass(frozen=True)
class Announcement:
    """A paper as arXiv announced it: in the daily feed, an OAI-PMH harvest or a search.

    ``announce_type`` is arXiv's: ``new`` (first version, in its primary category),
    ``cross`` (new, listed in another category), ``replace`` / ``replace-cross`` (a new
    version of an older paper). The record's ``arxiv_id`` has no version; ``version`` holds it.
    """

    record: PaperRecord
    announce_type: str
    version: int = 1
    categories: tuple[str, ...] = ()
    """arXiv categories, the primary first."""
    day: str | None = None
    """ISO date of the announcement (arXiv's, US Eastern), when the source gives one."""

    @property
    def is_new(self) -> bool:
        return self.announce_type in ("new", "cross")
