"""Parse BibTeX (Zotero, Google Scholar, arXiv, DBLP, Mendeley flavours) into PaperRecords.

Splitting into entries is bibtexparser v2's job; everything after that is here: LaTeX to
Unicode text, names, dates, identifiers hidden in half a dozen fields, Zotero's ``file``
field. Pure: text in, :class:`~reader.models.ParseResult` out, never an exception.
"""

from __future__ import annotations

import logging
import re
import unicodedata

import bibtexparser
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ImplicitComment,
    ParsingFailedBlock,
)

from reader.ids import ARXIV_IN_TEXT, normalize_arxiv_id, normalize_doi
from reader.models import PaperRecord, ParseProblem, ParseResult
from reader.parse.names import person_name
from reader.parse.tags import unique_tags

__all__ = ["latex_to_text", "parse_bibtex", "split_authors"]

# bibtexparser logs every broken block itself; we report them as ParseProblems instead.
# A NullHandler keeps Python's last-resort handler from printing them to stderr, while an
# application that configures logging still sees them.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

# --- LaTeX to Unicode -------------------------------------------------------------------

_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331",
    "t": "\u0361",
}  # fmt: skip
_SYMBOLS = {
    "ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
    "textbackslash": "\\", "textasciitilde": "~", "textasciicircum": "^",
    "textbraceleft": "{", "textbraceright": "}", "textunderscore": "_",
    "textless": "<", "textgreater": ">", "textbar": "|", "textdollar": "$",
    "textendash": "–", "textemdash": "—", "textquoteleft": "‘", "textquoteright": "’",
    "textquotedblleft": "“", "textquotedblright": "”", "ldots": "…", "dots": "…",
    "textellipsis": "…", "S": "§", "P": "¶", "copyright": "©", "textregistered": "®",
    "texttrademark": "™", "euro": "€", "pounds": "£", "dag": "†", "ddag": "‡",
    "textdegree": "°", "textperiodcentered": "·", "guillemotleft": "«",
    "guillemotright": "»", "LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX",
    "textasteriskcentered": "*", "slash": "/", "textquotesingle": "'",
    "textquotedbl": '"', "textasciigrave": "`",
}  # fmt: skip
# Control symbols: a backslash and one non-letter.
_CONTROL_SYMBOLS = {
    "&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ",
    ",": " ", ";": " ", ":": " ", "!": "", "/": "", "-": "", "@": "", "\\": " ",
    "\n": " ", "\t": " ",
}  # fmt: skip
# Macros whose first braced argument is dropped (href's url), the second kept.
_DROP_FIRST_ARG = {"href"}

# One token: a control word, a control symbol, a brace, a dollar, a tie, a TeX ligature,
# or a run of plain text.
_TOKEN = re.compile(
    r"\\([A-Za-z]+|.?)|([{}$~])|(---|--|``|''|!`|\?`)|([^\\{}$~\-`'!?]+|.)", re.DOTALL
)
_LIGATURES = {"---": "—", "--": "–", "``": "“", "''": "”", "!`": "¡", "?`": "¿"}
_PLAIN = re.compile(r"[\\{}$~`'!?]|--")
_DOTLESS = {"ı": "i", "ȷ": "j"}


def latex_to_text(value: str) -> str:
    """Turn a BibTeX field value written in LaTeX into plain Unicode text.

    Accents (``{\\"o}``, ``\\'e``, ``\\c{c}``), special letters (``\\ss``, ``\\o``), escapes
    (``\\&``, ``\\%``), formatting macros (``\\emph{x}`` -> ``x``) and protective braces
    are resolved; math (``$...$``) is kept verbatim; whitespace is collapsed. A bare ``%``
    is kept as text, since real files (Google Scholar's) often leave it unescaped.
    """
    if not _PLAIN.search(value):
        return " ".join(value.split())
    return " ".join(_decode(value).split())


def _decode(value: str) -> str:
    out: list[str] = []
    pos, end = 0, len(value)
    while pos < end:
        match = _TOKEN.match(value, pos)
        assert match is not None  # the last alternative matches any one character
        pos = match.end()
        macro, special, ligature, text = match.groups()
        if text is not None:
            out.append(text)
        elif ligature is not None:
            out.append(_LIGATURES[ligature])
        elif special == "$":
            close = _find_math_end(value, pos)
            if close is None:
                out.append("$")
            else:
                out.append(value[pos - 1 : close + 1])
                pos = close + 1
        elif special == "~":
            out.append(" ")
        elif special is not None:  # a brace: protective, dropped
            continue
        else:
            text, pos = _decode_macro(value, pos, macro or "")
            out.append(text)
    return "".join(out)


def _find_math_end(value: str, start: int) -> int | None:
    """Index of the ``$`` closing the math opened just before ``start``, if any."""
    index = value.find("$", start)
    while index > 0 and value[index - 1] == "\\":
        index = value.find("$", index + 1)
    return index if index >= 0 else None


def _decode_macro(value: str, pos: int, name: str) -> tuple[str, int]:
    """Decode the macro ``\\name`` whose name ends at ``pos``; return text and new pos."""
    if name in _ACCENTS and (len(name) == 1 and not name.isalpha() or _has_argument(value, pos)):
        argument, pos = _read_argument(value, pos)
        base = _decode(argument)
        if not base:
            return "", pos
        first = _DOTLESS.get(base[0], base[0])
        return unicodedata.normalize("NFC", first + _ACCENTS[name]) + base[1:], pos
    if name in _SYMBOLS:
        return _SYMBOLS[name], _skip_after_word(value, pos)
    if name in _CONTROL_SYMBOLS:
        return _CONTROL_SYMBOLS[name], pos
    if name.isalpha() and pos < len(value) and value[pos] == "{":
        # \emph{x}, \textbf{x}, \url{x}, \mbox{x}, unknown \foo{x}: keep the argument text.
        if name in _DROP_FIRST_ARG:
            _, pos = _read_argument(value, pos)
        return "", pos
    if not name:
        return "", pos
    # Unknown control word or symbol without argument: keep it, a reader can still read it.
    return "\\" + name, pos


def _has_argument(value: str, pos: int) -> bool:
    """Whether a letter-named accent (``\\c``, ``\\v``) is followed by an argument."""
    return pos < len(value) and (value[pos] == "{" or value[pos] == " ")


def _read_argument(value: str, pos: int) -> tuple[str, int]:
    """Read one TeX argument at ``pos``: a braced group, a control word or one character."""
    while pos < len(value) and value[pos] == " ":
        pos += 1
    if pos >= len(value):
        return "", pos
    if value[pos] == "{":
        depth, index = 0, pos
        while index < len(value):
            char = value[index]
            if char == "\\":
                index += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return value[pos + 1 : index], index + 1
            index += 1
        return value[pos + 1 :], len(value)
    if value[pos] == "\\":
        match = re.compile(r"\\(?:[A-Za-z]+|.)").match(value, pos)
        if match:
            return match.group(0), match.end()
    return value[pos], pos + 1


def _skip_after_word(value: str, pos: int) -> int:
    """TeX eats ``{}`` or spaces after a control word like ``\\ss``."""
    if value.startswith("{}", pos):
        return pos + 2
    while pos < len(value) and value[pos] in " \t\n":
        pos += 1
    return pos


# --- Fields -------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_ISO_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_URL_ESCAPE = re.compile(r"\\([_%&#~$])")
_URL_MACRO = re.compile(r"\\url\{([^}]*)\}")
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_TAG_SPLIT = re.compile(r"[;,]")
_ENTRY_LIKE = re.compile(r"^\s*@\s*[A-Za-z]+", re.MULTILINE)
_NOT_PAPERS = {"string", "preamble", "comment"}
# Text right after an entry that goes on with its fields: an extra "}" ended it early.
_FIELDS_AFTER = re.compile(r"\A\s*,\s*[A-Za-z][\w-]*\s*=")
_FIELD_NAME = re.compile(r"(?:\A|,)\s*([A-Za-z][\w-]*)\s*=")


_ENTRY_HEAD = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s{}()]*)")
_NEXT_BLOCK = re.compile(r"Unexpected block start: `@(\w+)`")


def parse_bibtex(text: str, source: str = "") -> ParseResult:
    """Parse BibTeX text into records; every unusable entry becomes a ParseProblem.

    :param text: the file's content (see :func:`reader.parse.decode_bytes` for bytes).
    :param source: the file name, used in problems and as the records' ``source``.
    """
    try:
        library = bibtexparser.parse_string(text)
    except Exception as error:  # bibtexparser is a third-party parser; never let it leak
        return ParseResult(problems=[ParseProblem(f"could not parse BibTeX: {error}", source)])

    result = ParseResult()
    strings = {
        block.key.lower(): block.value
        for block in library.strings
        if isinstance(block.value, str)
    }
    first_line: dict[str, int] = {}
    seen_any = False
    last: tuple[Entry, PaperRecord | None] | None = None  # the entry just before
    for block in library.blocks:
        line = block.start_line + 1 if block.start_line is not None else None
        before, last = last, None
        if isinstance(block, ImplicitComment):
            if before is not None and _FIELDS_AFTER.match(block.comment):
                entry, record = before
                if record is not None:
                    result.records.remove(record)
                names = ", ".join(_FIELD_NAME.findall(block.comment)[:4])
                result.problems.append(
                    ParseProblem(
                        f"entry {entry.key!r} ends early: an extra '}}' before its fields "
                        f"{names}; entry skipped",
                        source,
                        entry.start_line + 1 if entry.start_line is not None else line,
                    )
                )
                continue
            match = _ENTRY_LIKE.search(block.comment)
            if match:
                seen_any = True
                offset = block.comment.count("\n", 0, match.start())
                result.problems.append(
                    ParseProblem(
                        "looks like an entry but is not valid BibTeX (missing '{' or ',')",
                        source,
                        None if line is None else line + offset,
                    )
                )
            continue
        seen_any = True
        if isinstance(block, DuplicateFieldKeyBlock) and isinstance(
            block.ignore_error_block, Entry
        ):
            block = block.ignore_error_block  # BibTeX itself uses the first value
        elif isinstance(block, DuplicateBlockKeyBlock):
            first = first_line.get(block.key)
            where = f" (first used on line {first})" if first else ""
            result.problems.append(
                ParseProblem(
                    f"duplicate citation key {block.key!r}{where}; entry skipped", source, line
                )
            )
            continue
        elif isinstance(block, ParsingFailedBlock):
            result.problems.append(ParseProblem(_failure_reason(block, text), source, line))
            continue
        if not isinstance(block, Entry) or block.entry_type.lower() in _NOT_PAPERS:
            continue
        first_line.setdefault(block.key, line or 0)
        record = _entry_to_record(block, source, result.problems, strings)
        if record is not None:
            result.records.append(record)
        last = (block, record)

    if not seen_any:
        reason = (
            "file is empty"
            if not text.strip()
            else "not a BibTeX file: no @type{key, ...} entries found"
        )
        result.problems.append(ParseProblem(reason, source))
    return result


def _failure_reason(block: ParsingFailedBlock, text: str) -> str:
    """What was skipped and why, naming the broken entry (its line is the problem's):
    bibtexparser's own reason names the *next* entry ("Unexpected block start:
    `@misc`"), which reads as if that one was lost while it was read fine."""
    reason = getattr(block.error, "abort_reason", None) or str(block.error)
    reason = " ".join(reason.split()).rstrip(".") or type(block.error).__name__
    head = _ENTRY_HEAD.match((block.raw or "").lstrip())
    if head and head.group(2):
        entry = f"entry {head.group(2)!r} (@{head.group(1).lower()})"
    elif head:
        entry = f"@{head.group(1).lower()} entry"
    else:
        entry = "entry"
    following = _NEXT_BLOCK.match(reason)
    end = getattr(block.error, "end_index", None)
    if following and isinstance(end, int) and 0 <= end <= len(text):
        next_line = text.count("\n", 0, end) + 1
        return (
            f"{entry} is not closed (a '}}' is missing); skipped. Reading went on with"
            f" the @{following.group(1).lower()} entry on line {next_line}"
        )
    return f"{entry}: broken BibTeX syntax: {reason}; skipped"


def _concatenated(value: str, strings: dict[str, str]) -> str:
    """A field written as pieces joined by ``#`` (``pre # { for grokking}``), joined; the
    parser resolves a macro alone but leaves such a value as it was written. Left as it is
    when a piece is not a braced or quoted text, a number or a known ``@string``."""
    pieces, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            pieces.append(value[start:i].strip())
            start = i + 1
    pieces.append(value[start:].strip())
    if len(pieces) < 2:
        return value
    out = []
    for piece in pieces:
        if len(piece) >= 2 and (piece[0], piece[-1]) in (("{", "}"), ('"', '"')):
            out.append(piece[1:-1])
        elif piece.isdigit():
            out.append(piece)
        elif piece.lower() in strings:
            out.append(strings[piece.lower()])
        else:
            return value
    return "".join(out)


def _entry_to_record(
    entry: Entry, source: str, problems: list[ParseProblem], strings: dict[str, str]
) -> PaperRecord | None:
    fields: dict[str, str] = {}
    for field in entry.fields:  # first occurrence wins, as in BibTeX
        if isinstance(field.value, str):
            value = _concatenated(field.value, strings) if "#" in field.value else field.value
            fields.setdefault(field.key.lower(), value)
    line = entry.start_line + 1 if entry.start_line is not None else None

    title = latex_to_text(fields.get("title", ""))
    if not title:
        problems.append(
            ParseProblem(f"entry {entry.key!r} has no title; skipped", source, line, "title")
        )
        return None

    year, date = _year_and_date(fields)
    for name in ("year", "date"):  # imported without it, and said so
        value = latex_to_text(fields.get(name, "")).strip()
        if value and not (_YEAR if name == "year" else _ISO_DATE).search(value):
            what = "a year" if name == "year" else "a date (YYYY-MM-DD)"
            problems.append(
                ParseProblem(f"not {what}: {value!r}", source, line, name, warning=True)
            )
    arxiv_id, doi, url = _identifiers(fields)
    venue = latex_to_text(
        fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle") or ""
    )
    if _is_preprint_venue(venue):
        venue = ""
    return PaperRecord(
        title=title,
        abstract=latex_to_text(fields.get("abstract", "")),
        authors=split_authors(fields.get("author", "")),
        year=year,
        date=date,
        venue=venue,
        arxiv_id=arxiv_id,
        doi=doi,
        url=url,
        pdf_path=_pdf_path(fields.get("file", "")),
        source=source,
        tags=unique_tags(_TAG_SPLIT.split(latex_to_text(fields.get("keywords", "")))),
        line=line,
    )


def split_authors(value: str) -> tuple[str, ...]:
    """``"Müller, Hans and Doe, J."`` (LaTeX) -> ``("Hans Müller", "J. Doe")``.

    Handles "First von Last", "von Last, First" and "Last, Jr, First"; drops "and others".
    """
    authors = []
    for raw in split_multiple_persons_names(value):
        if raw.strip().lower() == "others":
            continue
        try:
            merged = parse_single_name_into_parts(raw, strict=False).merge_first_name_first
        except Exception:  # a malformed name is still worth keeping as written
            merged = raw
        name = person_name(latex_to_text(merged))
        if name:
            authors.append(name)
    return tuple(authors)


def _year_and_date(fields: dict[str, str]) -> tuple[int | None, str | None]:
    """Year and ISO date from ``year``/``month`` or biblatex ``date``."""
    iso = _ISO_DATE.match(fields.get("date", ""))
    year_match = _YEAR.search(fields.get("year", ""))
    if year_match is None and iso is None:
        return None, None
    year = int(year_match.group(1)) if year_match else int(iso.group(1))  # type: ignore[union-attr]
    if iso and int(iso.group(1)) == year and iso.group(2):
        iso_month, day = int(iso.group(2)), iso.group(3)
        if 1 <= iso_month <= 12:
            if day and 1 <= int(day) <= 31:
                return year, f"{year:04d}-{iso_month:02d}-{int(day):02d}"
            return year, f"{year:04d}-{iso_month:02d}"
    month = _month(fields.get("month", ""))
    return year, f"{year:04d}-{month:02d}" if month else None


def _month(value: str) -> int | None:
    value = value.strip().strip("{}").rstrip(".").lower()
    if value.isdigit():  # "²".isdigit() is true too, and int() refuses 4,300 digits
        number = int(value) if value.isascii() and len(value) <= 2 else 0
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(value)


def _clean_url(value: str) -> str:
    value = value.strip()
    macro = _URL_MACRO.search(value)
    if macro:
        value = macro.group(1)
    return _URL_ESCAPE.sub(r"\1", value).replace("{", "").replace("}", "").strip()


def _identifiers(fields: dict[str, str]) -> tuple[str | None, str | None, str | None]:
    """arXiv id, DOI and URL, wherever the flavour at hand put them."""
    url = _clean_url(fields.get("url", ""))
    if not url and _URL_MACRO.search(fields.get("howpublished", "")):
        url = _clean_url(fields["howpublished"])
    doi = normalize_doi(_clean_url(fields.get("doi", ""))) if fields.get("doi") else None
    if doi is None and url:
        doi = normalize_doi(url)

    arxiv_id = None
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").lower()
    if fields.get("eprint") and "arxiv" in prefix:
        arxiv_id = normalize_arxiv_id(_clean_url(fields["eprint"]))
    for key in ("arxivid", "arxiv"):
        if arxiv_id is None and fields.get(key):
            arxiv_id = normalize_arxiv_id(_clean_url(fields[key]))
    if doi:
        arxiv_doi = _ARXIV_DOI.match(doi)
        if arxiv_doi:
            # arXiv's own DataCite DOI names the preprint; keep it as the arXiv id so the
            # DOI slot stays free for the published version.
            arxiv_id = arxiv_id or normalize_arxiv_id(arxiv_doi.group(1))
            doi = None
    if arxiv_id is None and url:
        arxiv_id = normalize_arxiv_id(url)
    if arxiv_id is None:
        for key in ("journal", "note", "howpublished", "volume", "eprint"):
            found = ARXIV_IN_TEXT.search(fields.get(key, "").replace("abs/", "arXiv:"))
            if found:
                arxiv_id = normalize_arxiv_id(found.group(1))
                break
    return arxiv_id, doi, url or None


def _is_preprint_venue(venue: str) -> bool:
    lowered = venue.lower()
    return lowered in {"corr", "arxiv", "arxiv e-prints", "arxiv.org"} or lowered.startswith(
        ("arxiv preprint", "arxiv:", "corr abs/")
    )


def _pdf_path(value: str) -> str | None:
    """The first PDF in a Zotero/JabRef/Mendeley ``file`` field.

    Zotero writes ``Description:path:mime`` items separated by ``;`` and escapes ``:``,
    ``;`` and ``\\`` in paths with a backslash; a bare path is accepted too.
    """
    if not value.strip():
        return None
    candidates = []
    for item in _split_escaped(value, ";"):
        parts = [_unescape_file(part) for part in _split_escaped(item, ":")]
        if len(parts) >= 3:
            path, mime = ":".join(parts[1:-1]), parts[-1]
        elif len(parts) == 2:
            path, mime = parts[1] or parts[0], ""
        else:
            path, mime = parts[0], ""
        path = path.strip()
        if path:
            candidates.append((path, mime.lower()))
    for path, mime in candidates:
        if "pdf" in mime or path.lower().endswith(".pdf"):
            return path
    return None


def _split_escaped(value: str, separator: str) -> list[str]:
    return re.split(rf"(?<!\\){re.escape(separator)}", value)


def _unescape_file(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)
