"""Guess an input file's format from its name and first bytes, and decode its bytes safely."""

from __future__ import annotations

import json
import re
from enum import StrEnum
from pathlib import PurePath

__all__ = ["Format", "decode_bytes", "detect_format", "json_error"]


def json_error(error: ValueError | RecursionError, text: str, *, what: str = "line") -> str:
    """Why ``text`` (one JSON Lines line, or a whole file: ``what``) is not JSON, in words.

    Text that stops before its JSON is complete (a download or copy cut short) makes
    ``json`` complain about whatever it met last ("Invalid control character", the
    newline inside an unfinished string; "Unterminated string"); say it is cut off.
    Otherwise the column and json's reason, without its "line 1" that means nothing
    for one line of a file.
    """
    if isinstance(error, RecursionError):
        # json's decoder recurses once per level and stops at Python's recursion limit.
        return "JSON nested too deeply to read (lists or objects about 1,000 levels deep)"
    if not isinstance(error, json.JSONDecodeError):
        return f"not valid JSON ({error})"
    if not text[error.pos :].strip() or error.msg.startswith("Unterminated string"):
        return f"the {what} is cut off: it ends before its JSON is complete"
    where = f"column {error.colno}"
    if what != "line":
        where = f"line {error.lineno} {where}"
    return f"not valid JSON at {where}: {error.msg}"


class Format(StrEnum):
    """Input formats ``reader import`` understands (the values are ``--format`` names)."""

    BIBTEX = "bibtex"
    RIS = "ris"
    ARXIV_JSONL = "arxiv-jsonl"
    JSON = "json"
    """The project's own export; parsed by the service layer, not here."""


_BY_EXTENSION = {
    ".bib": Format.BIBTEX,
    ".bibtex": Format.BIBTEX,
    ".ris": Format.RIS,
    ".jsonl": Format.ARXIV_JSONL,
    ".ndjson": Format.ARXIV_JSONL,
}
_RIS_TAG = re.compile(r"^\s*TY  ?-", re.MULTILINE)
_BIBTEX_ENTRY = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
# Keys every line of the arXiv metadata snapshot has, beyond `id` and `title`.
_ARXIV_KEYS = {"categories", "authors_parsed", "versions", "abstract"}


def detect_format(name: str, head: str = "") -> Format | None:
    """The format of a file called ``name`` whose text starts with ``head``, or None.

    The extension decides when it is unambiguous. ``.json`` is sniffed, because the
    public arXiv snapshot is JSON Lines named ``arxiv-metadata-oai-snapshot.json``.
    Without a known extension the content decides (a few KB of ``head`` is plenty).
    """
    suffix = PurePath(name).suffix.lower()
    if suffix in _BY_EXTENSION:
        return _BY_EXTENSION[suffix]
    sniffed = sniff_format(head)
    if suffix == ".json":
        return Format.ARXIV_JSONL if sniffed is Format.ARXIV_JSONL else Format.JSON
    return sniffed


def sniff_format(head: str) -> Format | None:
    """The format the text ``head`` looks like, or None."""
    head = head.lstrip("\ufeff")
    stripped = head.lstrip()
    if stripped.startswith("{"):
        first_line = stripped.split("\n", 1)[0]
        try:
            obj = json.loads(first_line)
        except (ValueError, RecursionError):  # too deep is still JSON, refused later
            return Format.JSON
        if isinstance(obj, dict) and "id" in obj and _ARXIV_KEYS & obj.keys():
            return Format.ARXIV_JSONL
        return Format.JSON
    if stripped.startswith("["):
        return Format.JSON
    if _RIS_TAG.search(head):
        return Format.RIS
    if _BIBTEX_ENTRY.search(head):
        return Format.BIBTEX
    return None


def decode_bytes(data: bytes) -> str:
    """Decode a file's bytes to text without ever raising UnicodeDecodeError.

    UTF-8 (a BOM is dropped) and BOM-marked UTF-16 first. Bytes that are not UTF-8 are
    decoded as Windows-1252, or Latin-1 where 1252 leaves a byte undefined, unless the
    data also holds valid multi-byte UTF-8, in which case it is UTF-8 with a few broken
    bytes and those become U+FFFD.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8-sig", errors="replace")
    if any(char > "\x7f" and char != "\ufffd" for char in lenient):
        return lenient
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")
