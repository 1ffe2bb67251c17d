"""Parse a saved "daily papers" listing page: title lines, each followed by its abstract.

The page is plain text with blank lines between blocks and some page furniture around the
list ("new", "Subscribe", a date line, ...). The page names no ids or authors, so a small
mapping file beside it (``<page>.ids.tsv``) supplies them, row by row, with its sources.
Pure: text in, records and problems out.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace

from reader.ids import ARXIV_IN_TEXT, normalize_arxiv_id
from reader.models import PaperRecord, ParseProblem, ParseResult

_FURNITURE = re.compile(
    r"""^(?:
        new | subscribe | get\ trending\ papers\ in\ your\ email\ inbox!?
        | by\s?ak\ and\ the\ research\ community | daily\ papers | submitted\ by\ \S+
        | upvote | \d+ | view\ all | load\ more
        | (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\ \d{1,2}(?:,?\ \d{4})?
        | \d{4}-\d{2}-\d{2}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_URL = re.compile(r"https?://[^\s<>()\"']+", re.IGNORECASE)
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "huggingface.co", "codeberg.org")

# A title is one short line; an abstract is prose. These bounds separate them on real pages.
MAX_TITLE_CHARS = 300
MIN_ABSTRACT_CHARS = 150


def _is_furniture(line: str) -> bool:
    return bool(_FURNITURE.match(line))


def _looks_like_abstract(line: str) -> bool:
    return len(line) >= MIN_ABSTRACT_CHARS and line.count(" ") >= 15


def _clean_url(url: str) -> str:
    # A sentence often ends right after a link: "... at https://github.com/x/y."
    return url.rstrip(".,;:!?")


def extract_links(abstract: str) -> tuple[str | None, str | None, str | None]:
    """(arXiv id, code URL, project URL) found in an abstract's text, each or None."""
    arxiv_match = ARXIV_IN_TEXT.search(abstract)
    arxiv_id = normalize_arxiv_id(arxiv_match.group(1)) if arxiv_match else None
    code_url = project_url = None
    for raw in _URL.findall(abstract):
        url = _clean_url(raw)
        host = url.split("/")[2].lower() if url.count("/") >= 2 else ""
        if "arxiv.org" in host:
            continue
        if any(host == h or host.endswith("." + h) for h in _CODE_HOSTS):
            code_url = code_url or url
        else:
            project_url = project_url or url
    return arxiv_id, code_url, project_url


def parse_seed_page(text: str, *, source: str = "seed") -> ParseResult:
    """Turn the page's text into papers; furniture is skipped, oddities reported by line."""
    result = ParseResult()
    blocks = [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not _is_furniture(line.strip())
    ]
    index = 0
    while index < len(blocks):
        line_no, line = blocks[index]
        following = blocks[index + 1][1] if index + 1 < len(blocks) else None
        if _looks_like_abstract(line):
            result.problems.append(
                ParseProblem("abstract without a title line before it", source, line_no, "title")
            )
            index += 1
            continue
        if len(line) > MAX_TITLE_CHARS:
            result.problems.append(
                ParseProblem(
                    f"line of {len(line)} characters is neither title nor abstract",
                    source,
                    line_no,
                    "title",
                )
            )
            index += 1
            continue
        abstract = ""
        if following is not None and _looks_like_abstract(following):
            abstract = following
            index += 2
        else:
            index += 1
        arxiv_id, code_url, project_url = extract_links(abstract)
        url = f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else project_url
        result.records.append(
            PaperRecord(
                title=" ".join(line.split()),
                abstract=abstract,
                arxiv_id=arxiv_id,
                url=url,
                code_url=code_url,
                source=source,
            )
        )
    return result


# The id mapping: a small hand-kept table that gives the page's papers their arXiv id,
# authors and year, each row naming the public source it was taken from. It lives beside the
# page as ``<page>.ids.tsv``: tab-separated, one paper a line, ``#`` lines are comments.
MAPPING_COLUMNS = ("title", "arxiv_id", "authors", "year", "source")
AUTHOR_SEPARATOR = "; "

_NEW_STYLE_ID = re.compile(r"^(\d{2})(\d{2})\.(\d{4,5})(?:v[1-9]\d*)?$")
_OLD_STYLE_ID = re.compile(r"^[a-z][a-z\-]*(?:\.[A-Z]{2})?/(\d{2})(\d{2})\d{3}(?:v[1-9]\d*)?$")
# Each source is a URL or a repository file (owner/name:path), optionally followed by a note.
_SOURCE_ITEM = re.compile(r"^(?:https?://\S+|[\w.-]+/[\w.-]+:\S+)(?:\s.*)?$")


@dataclass(frozen=True)
class IdMapping:
    """One row of the mapping: what a named public source says about one page title."""

    title: str
    arxiv_id: str
    authors: tuple[str, ...]
    year: int | None
    source: str
    line: int


@dataclass
class IdMappingResult:
    rows: list[IdMapping] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)


def wellformed_arxiv_id(text: str) -> str | None:
    """The id without its version if ``text`` is exactly a well-formed arXiv id, else None.

    Stricter than :func:`reader.ids.normalize_arxiv_id`, which reads ids out of URLs and
    prose: here the cell must be the bare id, with a real month, and the number of digits
    arXiv used in that month (four up to 1412, five from 1501).
    """
    new = _NEW_STYLE_ID.match(text)
    if new:
        yymm = int(new.group(1) + new.group(2))
        digits = 4 if yymm < 1501 else 5
        if 1 <= int(new.group(2)) <= 12 and yymm >= 704 and len(new.group(3)) == digits:
            return normalize_arxiv_id(text)
        return None
    old = _OLD_STYLE_ID.match(text)
    if old and 1 <= int(old.group(2)) <= 12:
        return normalize_arxiv_id(text)
    return None


def _first_version_year(arxiv_id: str) -> int | None:
    new = _NEW_STYLE_ID.match(arxiv_id)
    return 2000 + int(new.group(1)) if new else None


def parse_id_mapping(text: str, *, titles: Collection[str], source: str) -> IdMappingResult:
    """Read the mapping; every row is checked against the page's ``titles`` and each other.

    A bad row is reported by line and left out; nothing is guessed or repaired.
    """
    result = IdMappingResult()
    known_titles = set(titles)
    seen_ids: dict[str, int] = {}
    seen_titles: dict[str, int] = {}
    header_seen = False

    def problem(reason: str, line_no: int, field_name: str | None = None) -> None:
        result.problems.append(ParseProblem(reason, source, line_no, field_name))

    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            header_seen = True
            if tuple(c.strip() for c in cells) != MAPPING_COLUMNS:
                problem(f"header must be the columns {', '.join(MAPPING_COLUMNS)}", line_no)
                return result
            continue
        if len(cells) != len(MAPPING_COLUMNS):
            problem(
                f"expected {len(MAPPING_COLUMNS)} tab-separated cells, found {len(cells)}", line_no
            )
            continue
        title, raw_id, raw_authors, raw_year, row_source = (c.strip() for c in cells)
        arxiv_id = wellformed_arxiv_id(raw_id)
        if title not in known_titles:
            problem(f"no paper on the page has exactly this title: {title!r}", line_no, "title")
        elif title in seen_titles:
            problem(f"title already mapped on line {seen_titles[title]}", line_no, "title")
        elif arxiv_id is None:
            problem(f"not a well-formed arXiv id: {raw_id!r}", line_no, "arxiv_id")
        elif arxiv_id in seen_ids:
            problem(
                f"arXiv id {arxiv_id} already used on line {seen_ids[arxiv_id]}",
                line_no,
                "arxiv_id",
            )
        elif not row_source or not all(
            _SOURCE_ITEM.match(item.strip()) for item in row_source.split(";")
        ):
            problem("each source must be a URL or owner/repo:path", line_no, "source")
        else:
            authors = tuple(a.strip() for a in raw_authors.split(";")) if raw_authors else ()
            year = int(raw_year) if raw_year.isdigit() and len(raw_year) == 4 else None
            expected_year = _first_version_year(arxiv_id)
            if any(not a for a in authors):
                problem("an empty name between separators", line_no, "authors")
            elif raw_year and year is None:
                problem(f"not a four-digit year: {raw_year!r}", line_no, "year")
            elif year is not None and expected_year is not None and year != expected_year:
                problem(
                    f"{year} is not the year of arXiv:{arxiv_id}'s first version ({expected_year})",
                    line_no,
                    "year",
                )
            else:
                seen_titles[title] = seen_ids[arxiv_id] = line_no
                result.rows.append(IdMapping(title, arxiv_id, authors, year, row_source, line_no))
    if not header_seen:
        problem(f"no header line ({', '.join(MAPPING_COLUMNS)})", 1)
    return result


def apply_id_mapping(
    records: Sequence[PaperRecord], rows: Sequence[IdMapping], *, source: str
) -> ParseResult:
    """The records with each mapped paper's id, authors, year and arXiv link filled in."""
    by_title = {row.title: row for row in rows}
    result = ParseResult()
    for record in records:
        row = by_title.get(record.title)
        if row is None:
            result.records.append(record)
            continue
        if record.arxiv_id and record.arxiv_id != row.arxiv_id:
            result.problems.append(
                ParseProblem(
                    f"maps to {row.arxiv_id} but the abstract names {record.arxiv_id}",
                    source,
                    row.line,
                    "arxiv_id",
                )
            )
            result.records.append(record)
            continue
        result.records.append(
            replace(
                record,
                arxiv_id=row.arxiv_id,
                authors=row.authors or record.authors,
                year=row.year or record.year,
                url=f"https://arxiv.org/abs/{row.arxiv_id}",
            )
        )
    return result
