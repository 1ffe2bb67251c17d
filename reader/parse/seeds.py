"""Parse a saved "daily papers" listing page: title lines, each followed by its abstract.

The page is plain text with blank lines between blocks and some page furniture around the
list ("new", "Subscribe", a date line, ...). Pure: text in, records and problems out.
"""

from __future__ import annotations

import re

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
