"""Parse RIS (Zotero, EndNote, Mendeley, publishers' "export citation") into PaperRecords.

RIS is line based: ``TY  - JOUR`` opens a record, ``ER  -`` closes it, and every line in
between is ``XX  - value``. Lines without a tag continue the previous field (long
abstracts). Pure: text in, :class:`~reader.models.ParseResult` out, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reader.ids import ARXIV_IN_TEXT, normalize_arxiv_id, normalize_doi
from reader.models import PaperRecord, ParseProblem, ParseResult
from reader.parse.names import person_name
from reader.parse.tags import unique_tags

__all__ = ["parse_ris", "parse_ris_lines"]

# Two-letter tag, then "  - " (some writers use one space, or drop the trailing one).
_LINE = re.compile(r"^([A-Z][A-Z0-9])  ?-(?: (.*)|)$")
_DATE = re.compile(r"^\s*(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?")
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)

_TITLE_TAGS = ("TI", "T1", "CT", "BT")
_AUTHOR_TAGS = ("AU", "A1")
_VENUE_TAGS = ("T2", "JO", "JF", "JA", "J2", "T3")
_URL_TAGS = ("UR", "L2", "LK")
_PDF_TAGS = ("L1",)
_TEXT_TAGS = ("M1", "M3", "N1", "AN", "ID")


def parse_ris(text: str, source: str = "") -> ParseResult:
    """Parse RIS text; records without a title become ParseProblems."""
    return parse_ris_lines(text.splitlines(), source)


def parse_ris_lines(lines: Iterable[str], source: str = "") -> ParseResult:
    """Parse RIS given as lines (with or without line endings)."""
    result = ParseResult()
    fields: dict[str, list[str]] | None = None
    start = 0
    last_tag: str | None = None
    saw_record = False
    stray_reported = False
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n").lstrip("\ufeff")
        match = _LINE.match(line)
        if match is None:
            if fields is not None and last_tag is not None and line.strip():
                fields[last_tag][-1] += " " + line.strip()  # a wrapped value
            elif line.strip() and not stray_reported and saw_record:
                result.problems.append(
                    ParseProblem("text outside a record (no TY line before it)", source, number)
                )
                stray_reported = True
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "TY":
            if fields is not None:  # no ER: the previous record ends here
                _finish(fields, start, source, result)
            fields, start, last_tag, saw_record = {"TY": [value]}, number, "TY", True
        elif fields is None:
            if not stray_reported and saw_record:
                result.problems.append(
                    ParseProblem(
                        f"{tag} line outside a record (no TY line before it)", source, number, tag
                    )
                )
                stray_reported = True
        elif tag == "ER":
            _finish(fields, start, source, result)
            fields, last_tag = None, None
        else:
            fields.setdefault(tag, []).append(value)
            last_tag = tag
    if fields is not None:
        # Some publishers' exports end without the last ER, so the record is kept (as
        # tests/data/publisher.ris expects); but a file cut short ends the same way with
        # fields missing, so it is named, as the BibTeX reader names an unclosed entry.
        result.problems.append(
            ParseProblem(
                "record is not closed (the file ends before its 'ER  -' line); imported "
                "as far as it goes: check the file is complete",
                source,
                start,
                warning=True,
            )
        )
        _finish(fields, start, source, result)
    if not saw_record:
        result.problems.append(ParseProblem("not a RIS file: no 'TY  - ' record found", source))
    return result


def _finish(fields: dict[str, list[str]], line: int, source: str, result: ParseResult) -> None:
    record = _to_record(fields, source, line)
    if record is not None:
        for tags, what in ((("PY", "Y1"), "a year"), (("DA", "Y2"), "a date (YYYY/MM/DD)")):
            tag, value = next(
                ((t, v.strip()) for t in tags for v in fields.get(t, ()) if v.strip()), ("", "")
            )
            if value and not _DATE.match(value):  # imported without it, and said so
                result.problems.append(
                    ParseProblem(f"not {what}: {value!r}", source, line, tag, warning=True)
                )
    if record is None:
        result.problems.append(
            ParseProblem("record has no title (TI or T1); skipped", source, line, "TI")
        )
    else:
        result.records.append(record)


def _first(fields: dict[str, list[str]], tags: Iterable[str]) -> str:
    for tag in tags:
        for value in fields.get(tag, ()):
            if value.strip():
                return " ".join(value.split())
    return ""


def _to_record(fields: dict[str, list[str]], source: str, line: int) -> PaperRecord | None:
    title = _first(fields, _TITLE_TAGS)
    if not title:
        return None
    year, date = _year_and_date(_first(fields, ("PY", "Y1")), _first(fields, ("DA", "Y2")))

    doi = None
    for value in fields.get("DO", ()):
        doi = normalize_doi(value)
        if doi:
            break
    arxiv_id = None
    if doi and (arxiv_doi := _ARXIV_DOI.match(doi)):
        arxiv_id, doi = normalize_arxiv_id(arxiv_doi.group(1)), None

    url = None
    for value in (v.strip() for tag in _URL_TAGS for v in fields.get(tag, ())):
        found = normalize_arxiv_id(value)
        if found:
            arxiv_id = arxiv_id or found
            url = url or value
        elif value and (url is None or normalize_arxiv_id(url)):
            url = value  # prefer the publisher's page over an arXiv one
        if doi is None and value:
            doi = normalize_doi(value)
    if arxiv_id is None:
        for value in (v for tag in _TEXT_TAGS + _VENUE_TAGS for v in fields.get(tag, ())):
            mentioned = ARXIV_IN_TEXT.search(value)
            if mentioned:
                arxiv_id = normalize_arxiv_id(mentioned.group(1))
                break

    venue = _first(fields, _VENUE_TAGS)
    if venue.lower().startswith("arxiv"):
        venue = ""
    pdf = _first(fields, _PDF_TAGS)
    return PaperRecord(
        title=title,
        abstract=_first(fields, ("AB", "N2")),
        authors=tuple(
            _person(value) for tag in _AUTHOR_TAGS for value in fields.get(tag, ()) if value.strip()
        ),
        year=year,
        date=date,
        venue=venue,
        arxiv_id=arxiv_id,
        doi=doi,
        url=url,
        pdf_path=pdf.removeprefix("file://") or None,
        source=source,
        tags=unique_tags(part for value in fields.get("KW", ()) for part in value.split(";")),
        line=line,
    )


def _person(value: str) -> str:
    """``"Müller, Hans"`` or ``"Müller, Hans, Jr."`` -> ``"Hans Müller Jr."``."""
    parts = [" ".join(part.split()) for part in value.split(",")]
    if len(parts) == 1:
        return person_name(parts[0])
    last, first, *rest = parts
    return person_name(" ".join(part for part in (first, last, *rest) if part))


def _year_and_date(py: str, da: str) -> tuple[int | None, str | None]:
    """RIS dates are ``YYYY/MM/DD/other`` with any part empty; ISO dashes are seen too.

    The year comes from PY (Y1) when present, the finer date from DA when present.
    """
    py_match, da_match = _DATE.match(py), _DATE.match(da)
    first = py_match or da_match
    if first is None:
        return None, None
    year = int(first.group(1))
    for match in (da_match, py_match):
        if match and int(match.group(1)) == year and match.group(2):
            month = int(match.group(2))
            day = int(match.group(3)) if match.group(3) else 0
            if 1 <= month <= 12:
                suffix = f"-{day:02d}" if 1 <= day <= 31 else ""
                return year, f"{year:04d}-{month:02d}{suffix}"
    return year, None
