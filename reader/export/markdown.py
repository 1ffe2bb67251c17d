"""Write each paper and its notes as a Markdown file with YAML front matter (Obsidian-ready)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.export import PaperWithNotes

__all__ = ["markdown_filename", "to_markdown_files", "yaml_string"]

_MAX_STEM = 80
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*#^\[\]]')
_WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(1, 10)]
    + [f"lpt{i}" for i in range(1, 10)]
)  # fmt: skip
# Characters YAML does not allow raw in a double-quoted scalar, or folds as line breaks.
_YAML_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def to_markdown_files(items: Iterable[PaperWithNotes]) -> dict[str, str]:
    """``{filename: content}``, one file per paper; filenames are unique and safe.

    Front matter holds title, authors, year, date, venue, ids, url, stars, tags, status;
    the body is the notes, oldest first, separated by horizontal rules.
    """
    files: dict[str, str] = {}
    used: set[str] = set()
    for item in items:
        name = markdown_filename(item.paper.title, item.paper.id, used)
        used.add(name.casefold())
        files[name] = _content(item)
    return files


def markdown_filename(title: str, paper_id: int, used: Collection[str] = ()) -> str:
    """A portable file name from the title; ``used`` holds casefolded names taken."""
    stem = unicodedata.normalize("NFC", title)
    stem = _UNSAFE.sub(" ", stem)
    stem = "-".join(stem.lower().split()).strip(".-")
    if len(stem) > _MAX_STEM:
        stem = stem[:_MAX_STEM].rsplit("-", 1)[0] or stem[:_MAX_STEM]
    stem = stem.rstrip(".,;:-")  # a title cut after "exploratory," named "…exploratory,.md"
    if not stem or stem.split(".")[0] in _WINDOWS_RESERVED:
        stem = f"paper-{paper_id}" if not stem else f"{stem}-{paper_id}"
    name = f"{stem}.md"
    if name.casefold() in used:
        name = f"{stem}-{paper_id}.md"
    counter = 2
    while name.casefold() in used:
        name = f"{stem}-{paper_id}-{counter}.md"
        counter += 1
    return name


def yaml_string(value: str) -> str:
    """A YAML double-quoted scalar for any string (JSON escaping plus YAML's extra rules)."""
    quoted = json.dumps(value, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda match: f"\\u{ord(match.group(0)):04x}", quoted)


def _content(item: PaperWithNotes) -> str:
    paper = item.paper
    lines = ["---", f"title: {yaml_string(paper.title)}"]
    lines.append("authors:" + ("" if paper.authors else " []"))
    lines += [f"  - {yaml_string(author)}" for author in paper.authors]
    lines.append(f"year: {paper.year if paper.year else 'null'}")
    for key, value in (
        ("date", paper.date),
        ("venue", paper.venue or None),
        ("arxiv", paper.arxiv_id),
        ("doi", paper.doi),
        ("url", paper.url),
        ("code", paper.code_url),
    ):
        if value:
            lines.append(f"{key}: {yaml_string(value)}")
    lines.append(f"reader_id: {paper.id}")
    lines.append(f"stars: {paper.stars if paper.stars is not None else 'null'}")
    lines.append(f"status: {yaml_string(paper.status.value)}")
    lines.append("tags:" + ("" if paper.tags else " []"))
    lines += [f"  - {yaml_string(tag)}" for tag in paper.tags]
    lines.append("---")
    body = "\n\n---\n\n".join(note.strip("\n") for note in item.notes if note.strip())
    return "\n".join(lines) + "\n" + (f"\n{body}\n" if body else "")
