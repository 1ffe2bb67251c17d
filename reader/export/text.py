"""Text as the exporters write it: without terminal escapes and control characters. Pure.

A title imported from anywhere may carry ``ESC[31m`` or a bell; written into a .bib, .ris
or .csv file it colours or garbles the terminal that shows the file, and no reference
manager wants it. ``reader show`` and ``reader cite`` show such characters as ``\\x1b``;
a file for other programs drops them.
"""

from __future__ import annotations

import re

__all__ = ["without_controls"]

_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, links
    r"|\x1b[@-Z\\-_]"  # the other two-character escapes
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""C0 and C1 controls but tab, line feed and carriage return, which each format handles
as whitespace (or, in CSV, quotes)."""


def without_controls(text: str) -> str:
    """``text`` without terminal escape sequences and control characters (tab and line
    ends stay)."""
    if text.isprintable():
        return text
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))
