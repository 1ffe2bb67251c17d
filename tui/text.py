"""Making outside text safe to show. No Textual import: plain functions, tested directly.

Titles, abstracts, authors, notes and BibTeX fields come from other people's files. They
are shown as :class:`rich.text.Text` (never parsed as markup), and their control characters
are replaced by visible stand-ins first, so an ANSI escape (``\\x1b[31m``), a carriage return
or a bidi override can neither restyle the terminal nor reorder what the user sees.
"""

from __future__ import annotations

import re

from rich.text import Text

from reader.models import Note
from reader.units import quoted

# C0 controls except tab and newline, DEL, C1 controls, and the Unicode bidi embeddings,
# overrides and isolates (the "Trojan Source" characters). Plain right-to-left letters
# (Hebrew, Arabic) are not controls and are left alone.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # U+2400 block: ␛ for ESC, ␍ for CR, ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def clean(text: str | None, *, newlines: bool = True) -> str:
    """``text`` with every control character made visible; ``newlines=False`` also folds
    line breaks and tabs into spaces, for one-line places such as table cells."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n")
    if not newlines:
        text = " ".join(text.split("\n")).replace("\t", " ")
    return _CONTROL.sub(_visible, text)


def safe(text: str | None, style: str = "", *, newlines: bool = True) -> Text:
    """Outside text as a Rich ``Text``: shown literally, whatever brackets it holds."""
    return Text(clean(text, newlines=newlines), style=style)


def stars_label(stars: int | None) -> str:
    return "★" * stars + "☆" * (5 - stars) if stars else "unrated"


def short_stars(stars: int | None) -> str:
    return "★" * stars if stars else ""


def note_label(note: Note) -> Text:
    """The note's date, then its first line: one line, cut with "…" by the list (the
    date first, so a long first line never pushes it out of sight)."""
    first = note.text.strip().partition("\n")[0].strip()
    first = clean(first.lstrip("#").strip(), newlines=False)[:300] or "(empty)"
    label = Text(f"{note.updated_at:%Y-%m-%d}  ", style="dim")
    label.append(first)
    return label


def quoted_terms(terms: list[str] | tuple[str, ...]) -> str:
    """``'quantum gravity', 'zzyzx'``: terms as typed, quoted (control characters escaped)."""
    return ", ".join(quoted(t) for t in terms)
