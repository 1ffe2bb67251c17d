"""Stream the public arXiv metadata snapshot (JSON Lines) into PaperRecords.

One JSON object a line, as in ``arxiv-metadata-oai-snapshot.json``::

    {"id": "0704.0001", "title": "...", "abstract": "...", "authors": "C. Bal\\'azs, ...",
     "authors_parsed": [["Balázs", "C.", ""], ...], "categories": "hep-ph",
     "doi": "10.1103/PhysRevD.76.013009", "journal-ref": "Phys.Rev.D76:013009,2007",
     "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}, ...],
     "update_date": "2008-11-13"}

The dump has millions of lines, so this is a generator over lines (constant memory) and
the hot path is ``json.loads`` plus string methods; regexes run only on the rare lines
that carry LaTeX accents.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from datetime import date as Date

from reader.ids import normalize_arxiv_id, normalize_doi
from reader.models import PaperRecord, ParseProblem, ParseResult
from reader.parse.detect import json_error
from reader.parse.fields import ESCAPED_SURROGATE, FieldError, check_unicode, text_field
from reader.parse.names import person_name
from reader.parse.tags import MAX_TAG_CHARS

__all__ = ["iter_arxiv_jsonl", "parse_arxiv_jsonl"]

_MONTHS = {
    "Jan": "01", "Feb": "02", "Mar": "03", "Apr": "04", "May": "05", "Jun": "06",
    "Jul": "07", "Aug": "08", "Sep": "09", "Oct": "10", "Nov": "11", "Dec": "12",
}  # fmt: skip
_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306",
    "H": "\u030b", "k": "\u0328", "r": "\u030a",
}  # fmt: skip
# \'e  \'{e}  {\'e}  \c{c}  \v{s}  \c c  -- letter-named accents need a brace or a space,
# so math like \vec or \cdot is left alone.
_ACCENT = re.compile(r"\{?\\(?:(['`^\"~=.])\s*|([cvuHkr])(?=[{ ]))\s*\{?\\?([A-Za-z])\}?\}?")


def iter_arxiv_jsonl(
    lines: Iterable[str],
    source: str = "",
    *,
    categories: Collection[str] = (),
    since: Date | None = None,
) -> Iterator[tuple[int, PaperRecord | ParseProblem]]:
    """Yield ``(line number, record or problem)`` for each non-blank line kept.

    :param lines: the file's lines, e.g. an open text file (read lazily).
    :param source: the file name, for problems and the records' ``source``.
    :param categories: keep only papers in one of these; ``cs`` matches ``cs.LG``,
        ``cs.LG`` matches itself. Empty keeps all.
    :param since: keep only papers first submitted (or, lacking versions, last updated)
        on or after this date.

    If the first non-blank line is not a JSON object with an arXiv ``id`` or ``title``,
    a single problem says the file is not in this format and iteration stops.
    """
    exact = frozenset(categories)
    prefixes = tuple(f"{category}." for category in categories)
    since_iso = since.isoformat() if since else None
    first = True
    loads = json.loads
    for number, line in enumerate(lines, start=1):
        if not line or line.isspace():
            continue
        if first:
            line = line.lstrip("\ufeff")
        try:
            obj = loads(line)
        except (ValueError, RecursionError) as error:  # RecursionError: nested too deeply
            if first:
                why = json_error(error, line) if isinstance(error, RecursionError) else None
                yield number, _not_this_format(source, number, why or f"not valid JSON ({error})")
                return
            yield number, ParseProblem(json_error(error, line), source, number)
            continue
        if type(obj) is not dict:
            if first:
                yield number, _not_this_format(source, number, "not a JSON object")
                return
            yield number, ParseProblem("not a JSON object", source, number)
            continue
        if first:
            first = False
            if "id" not in obj and "title" not in obj:
                yield number, _not_this_format(source, number, "no 'id' or 'title' key")
                return
        try:
            cats = _text(obj, "categories").split()
            if categories and not any(tag in exact or tag.startswith(prefixes) for tag in cats):
                continue
            # A category is a tag; a 500-character "category" is not (see MAX_TAG_CHARS).
            tags = tuple(tag for tag in cats if len(tag) <= MAX_TAG_CHARS)
            date = _date(obj)
            if since_iso is not None and (date is None or date < since_iso):
                continue
            if "\\u" in line and ESCAPED_SURROGATE.search(line):
                check_unicode(obj, "")  # the store could not write it, nor its batch
            item: PaperRecord | ParseProblem = _record(obj, tags, date, source, number)
        except FieldError as error:
            item = ParseProblem(f"{error.reason}; skipped", source, number, error.field)
        except RecursionError:  # check_unicode on a record nested nearly as deep as json allows
            item = ParseProblem(json_error(RecursionError(), line), source, number)
        except (AttributeError, TypeError, ValueError, KeyError, IndexError) as error:
            item = ParseProblem(f"malformed record: {error}", source, number)
        yield number, item


def _text(obj: dict, key: str) -> str:
    """The string at `key` ("" when absent or null); any other JSON type is refused by name."""
    return text_field(obj.get(key), key) or ""


def parse_arxiv_jsonl(
    text: str,
    source: str = "",
    *,
    categories: Collection[str] = (),
    since: Date | None = None,
) -> ParseResult:
    """Non-streaming convenience wrapper around :func:`iter_arxiv_jsonl`."""
    result = ParseResult()
    for _, item in iter_arxiv_jsonl(text.splitlines(), source, categories=categories, since=since):
        if isinstance(item, PaperRecord):
            result.records.append(item)
        else:
            result.problems.append(item)
    return result


def _not_this_format(source: str, line: int, why: str) -> ParseProblem:
    return ParseProblem(f"not an arXiv metadata JSON Lines file: {why}", source, line)


def _record(
    obj: dict, tags: tuple[str, ...], date: str | None, source: str, line: int
) -> PaperRecord | ParseProblem:
    title = " ".join(_text(obj, "title").split())
    if not title:
        return ParseProblem("no title; skipped", source, line, "title")
    raw_id = _text(obj, "id")
    arxiv_id = normalize_arxiv_id(raw_id)
    if arxiv_id is None:
        return ParseProblem(f"not an arXiv id: {raw_id!r}; skipped", source, line, "id")
    if "\\" in title:
        title = _accents(title)
    abstract = " ".join(_text(obj, "abstract").split())
    if "\\" in abstract:
        abstract = _accents(abstract)
    doi_field = _text(obj, "doi")
    doi = normalize_doi(doi_field.split()[0]) if doi_field.strip() else None
    return PaperRecord(
        title=title,
        abstract=abstract,
        authors=_authors(obj),
        year=int(date[:4]) if date else None,
        date=date,
        venue=" ".join(_text(obj, "journal-ref").split()),
        arxiv_id=arxiv_id,
        doi=doi,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        source=source,
        tags=tags,
        line=line,
    )


# ASCII only: "²".isdigit() is true, and int() refuses it (or 4,300 digits).
_DAY = re.compile(r"[0-9]{1,2}")
_YEAR = re.compile(r"[0-9]{4}")


def _date(obj: dict) -> str | None:
    """First submission date (``versions[0].created``), else ``update_date``, as ISO."""
    versions = obj.get("versions")
    if type(versions) is list and versions:
        created = versions[0].get("created") if type(versions[0]) is dict else None
        if isinstance(created, str):
            # "Mon, 2 Apr 2007 19:18:42 GMT"
            parts = created.split()
            if (
                len(parts) >= 4
                and parts[2] in _MONTHS
                and _DAY.fullmatch(parts[1])
                and _YEAR.fullmatch(parts[3])
            ):
                return f"{parts[3]}-{_MONTHS[parts[2]]}-{int(parts[1]):02d}"
    updated = obj.get("update_date")
    if isinstance(updated, str) and len(updated) >= 10 and _YEAR.fullmatch(updated[:4]):
        return updated[:10]
    return None


def _authors(obj: dict) -> tuple[str, ...]:
    parsed = obj.get("authors_parsed")
    if parsed and type(parsed) is list:
        names = []
        for parts in parsed:
            if type(parts) is not list:
                continue
            last = parts[0] if parts else ""
            first = parts[1] if len(parts) > 1 else ""
            suffix = parts[2] if len(parts) > 2 else ""
            name = person_name(f"{first or ''} {last or ''} {suffix or ''}")
            if name:
                names.append(name)
        if names:
            return tuple(names)
    listed = obj.get("authors")
    if type(listed) is list and all(type(name) is str for name in listed):
        # Other tools' JSON (and reader's own) lists the names one by one.
        unaccented = (_accents(name) if "\\" in name else name for name in listed)
        return tuple(person_name(name) for name in unaccented if name.strip())
    authors = _text(obj, "authors")
    if not authors.strip():
        return ()
    if "\\" in authors:
        authors = _accents(authors)
    authors = " ".join(authors.split()).replace(" and ", ", ")
    return tuple(person_name(name) for name in authors.split(",") if name.strip())


def _accents(text: str) -> str:
    """Resolve the LaTeX accents arXiv keeps in titles and author strings: ``Bal\\'azs``."""

    def replace(match: re.Match[str]) -> str:
        accent = _ACCENTS[match.group(1) or match.group(2)]
        return unicodedata.normalize("NFC", match.group(3) + accent)

    return _ACCENT.sub(replace, text)
