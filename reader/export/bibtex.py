"""Write papers as BibTeX with stable, unique citation keys.

Text is UTF-8 with LaTeX's special characters escaped so that the file both compiles and
reads back (through :func:`reader.parse.parse_bibtex`) to the same text. Math in titles
(``$O(n)$``) is kept as math; words with inner capitals (``BERT``, ``ImageNet``) are
braced so bibliography styles do not lowercase them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from reader.match import first_surname
from reader.models import Paper

from .text import without_controls

__all__ = ["citation_keys", "escape_latex", "to_bibtex"]

_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}  # fmt: skip
_SPECIAL = re.compile(r"[\\{}&%$#_~^<>|]")
# TeX ligatures that would change the text: -- ---  `` ''  !` ?`
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[!?])(?=`)")
_STOP_WORDS = frozenset(
    "a an the on of in for and or to with without towards toward via from by at is are "
    "do does can how what why when where which who we our your its it as be into over "
    "under using use beyond between about through".split()
)
_CONFERENCE = re.compile(
    r"proceedings|conference|workshop|symposium|\bproc\.|neurips|nips|icml|iclr|cvpr|"
    r"iccv|eccv|acl|emnlp|naacl|aaai|ijcai|kdd|sigir|www",
    re.IGNORECASE,
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def to_bibtex(papers: Iterable[Paper]) -> str:
    """All ``papers`` as one BibTeX text, in the given order."""
    papers = list(papers)
    keys = citation_keys(papers)
    return "\n".join(_entry(paper, key) for paper, key in zip(papers, keys, strict=True))


def citation_keys(papers: Sequence[Paper]) -> list[str]:
    """One unique key per paper: surname + year + first significant title word.

    Lowercase ASCII (``müller2020optimal``). When several papers share a key, the one
    with the lowest id keeps it and the others get ``a``, ``b``, ... in id order, so a
    paper keeps its key across exports of different subsets as long as no older paper
    collides with it.
    """
    bases = [_base_key(paper) for paper in papers]
    order = sorted(range(len(papers)), key=lambda index: (bases[index], papers[index].id, index))
    taken = set(bases)
    keys = [""] * len(papers)
    claimed: set[str] = set()
    for index in order:
        base = bases[index]
        if base not in claimed:
            keys[index] = base
            claimed.add(base)
            continue
        counter = 0
        while True:
            candidate = base + _suffix(counter)
            counter += 1
            if candidate not in taken and candidate not in claimed:
                break
        keys[index] = candidate
        claimed.add(candidate)
    return keys


def _suffix(counter: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, ..."""
    letters = ""
    counter += 1
    while counter:
        counter, remainder = divmod(counter - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ø", "o"))
    return re.sub(r"[^a-z0-9]", "", folded.encode("ascii", "ignore").decode().lower())


def _base_key(paper: Paper) -> str:
    # The one surname rule of the duplicate check: "Müller, Anna" and "Anna Müller" -> muller,
    # "Marie Curie Jr." -> curie.
    surname = _ascii(first_surname(paper.authors))
    word = next(
        (
            folded
            for token in re.split(r"[\s\-:/]+", paper.title)
            if (folded := _ascii(token)) and folded not in _STOP_WORDS and not folded.isdigit()
        ),
        "",
    )
    year = str(paper.year) if paper.year else ""
    return (surname or "anon") + year + word


def escape_latex(text: str, *, protect_case: bool = False, keep_math: bool = False) -> str:
    """Escape ``text`` for a braced BibTeX value; the result is a single line."""
    text = " ".join(text.split())
    if not keep_math:
        return _escape_words(text, protect_case)
    out = []
    pos = 0
    while pos < len(text):
        start = text.find("$", pos)
        if start < 0:
            out.append(_escape_words(text[pos:], protect_case))
            break
        end = text.find("$", start + 1)
        math = text[start + 1 : end] if end > 0 else ""
        out.append(_escape_words(text[pos:start], protect_case))
        if end > 0 and _safe_math(math):
            out.append(f"${math}$")
            pos = end + 1
        else:
            out.append(r"\$")
            pos = start + 1
    return "".join(out)


def _safe_math(math: str) -> bool:
    """Keep ``$...$`` verbatim only if it cannot break the file or the reading back."""
    if not math.strip() or math.endswith("\\") or any(char in math for char in "%#&"):
        return False
    depth = 0
    for char in math:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


def _escape_words(text: str, protect_case: bool) -> str:
    if not protect_case:
        return _escape_plain(text)
    return "".join(
        f"{{{_escape_plain(part)}}}" if _needs_protection(part) else _escape_plain(part)
        for part in re.split(r"(\s+)", text)
    )


def _escape_plain(text: str) -> str:
    escaped = _SPECIAL.sub(lambda match: _ESCAPES[match.group(0)], text)
    return _LIGATURE.sub("{}", escaped)


def _needs_protection(word: str) -> bool:
    """``BERT``, ``ImageNet``, ``GPT-4``: capitals after the first letter."""
    return any(char.isupper() for char in word[1:])


def _authors(authors: Sequence[str]) -> str:
    names = []
    for name in authors:
        escaped = escape_latex(name)
        if "," in name or re.search(r"\band\b", name, re.IGNORECASE) or "{" in escaped:
            escaped = f"{{{escaped}}}"  # one literal name, not split by BibTeX
        names.append(escaped)
    return " and ".join(names)


def _entry(paper: Paper, key: str) -> str:
    venue = paper.venue.strip()
    if venue and _CONFERENCE.search(venue):
        entry_type, venue_field = "inproceedings", "booktitle"
    elif venue:
        entry_type, venue_field = "article", "journal"
    else:
        entry_type, venue_field = "misc", ""
    fields: list[tuple[str, str]] = [
        ("title", escape_latex(paper.title, protect_case=True, keep_math=True))
    ]
    if paper.authors:
        fields.append(("author", _authors(paper.authors)))
    if venue_field:
        fields.append((venue_field, escape_latex(venue)))
    if paper.year:
        fields.append(("year", str(paper.year)))
    month = _month(paper.date)
    if month:
        fields.append(("month", month))
    if paper.date:
        fields.append(("date", paper.date))
    if paper.doi:
        fields.append(("doi", _verbatim(paper.doi)))
    if paper.arxiv_id:
        fields += [("eprint", paper.arxiv_id), ("archiveprefix", "arXiv")]
    url = paper.url or (f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else None)
    if url and _balanced(url):
        fields.append(("url", _verbatim(url)))
    if paper.abstract:
        fields.append(("abstract", escape_latex(paper.abstract, keep_math=True)))
    if paper.tags:
        fields.append(("keywords", ", ".join(escape_latex(tag) for tag in paper.tags)))
    if paper.pdf_path and _balanced(paper.pdf_path):
        fields.append(("file", f":{_file_escape(paper.pdf_path)}:application/pdf"))
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(
        # Month macros (jan, feb, ...) are written bare so BibTeX styles can format them.
        f"  {name.ljust(width)} = {value if name == 'month' else '{' + value + '}'}"
        for name, value in ((name, without_controls(value)) for name, value in fields)
    )
    return f"@{entry_type}{{{key},\n{body},\n}}\n"


def _month(date: str | None) -> str | None:
    month = date[5:7] if date and len(date) >= 7 else ""
    # ASCII digits only: a stored date is outside text, and int("²") raises.
    if month.isascii() and month.isdigit() and 1 <= int(month) <= 12:
        return _MONTHS[int(month) - 1]
    return None


def _verbatim(value: str) -> str:
    """URLs and DOIs are written as they are; only whitespace is removed."""
    return "".join(value.split())


def _balanced(value: str) -> bool:
    return "{" not in value and "}" not in value and "\n" not in value


def _file_escape(path: str) -> str:
    """Zotero's ``file`` field escapes ``\\``, ``:`` and ``;`` with a backslash."""
    return path.replace("\\", "\\\\").replace(":", "\\:").replace(";", "\\;")
