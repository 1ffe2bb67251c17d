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
from reader.units import clip, quoted

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


def to_box(text: str) -> str:
    """``text`` to edit in an Input or TextArea: its control characters as visible
    stand-ins, as :func:`clean` shows them (a box writes its text to the terminal as it is,
    so an ESC in a title cleared the screen); :func:`from_box` takes them back."""
    return _CONTROL.sub(_visible, text)


_STAND_IN = re.compile(r"[\u2400-\u241f\u2421]|<U\+([0-9A-F]{4})>")


def from_box(typed: str, stored: str) -> str:
    """What a box's ``typed`` text stands for, given the ``stored`` text it was loaded
    with (:func:`to_box`): the stand-ins back as the control characters they stand for when
    the stored text had control characters, so saving unchanged text changes nothing;
    else ``typed`` as it is (a ␛ typed on purpose stays one)."""
    if not _CONTROL.search(stored):
        return typed

    def back(match: re.Match[str]) -> str:
        if match.group(1) is None:
            code = ord(match.group())
            return "\x7f" if code == 0x2421 else chr(code - 0x2400)
        char = chr(int(match.group(1), 16))
        return char if _CONTROL.fullmatch(char) else match.group()

    return _STAND_IN.sub(back, typed)


def short(text: str | None, width: int) -> str:
    """Outside text on one line of at most ``width`` characters, cut with "…" (a notice
    that names a paper: "XOR Clu: …" cut a title mid-word without saying so)."""
    return clip(clean(text, newlines=False), width)


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
