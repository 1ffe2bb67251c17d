"""Numbers as a person reads and types them, and typed text quoted back. Pure functions."""

from __future__ import annotations

import re

__all__ = ["MAX_DIGITS", "human_size", "plural", "quoted", "whole_number"]

MAX_DIGITS = 18
"""A typed whole number has at most this many digits: it fits SQLite's 64-bit integers,
and Python never meets its 4,300-digit conversion limit."""
_WHOLE = re.compile(r"[+-]?[0-9]+")  # ASCII only: "²".isdigit() is true, int("²") fails
_QUOTE_CHARS = 40


def quoted(text: str, limit: int = _QUOTE_CHARS) -> str:
    """``text`` as ``repr`` shows it, cut to ``limit`` characters with "…": what a user
    typed, echoed in an error without flooding the terminal."""
    text = str(text)
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"


def whole_number(text: str | int, *, low: int, high: int, what: str = "value") -> int:
    """``text`` as a whole number in ``low..high``; a ``ValueError`` with a one-line
    message naming ``what`` otherwise (never Python's digit-limit error)."""
    typed = str(text).strip()
    if not _WHOLE.fullmatch(typed):
        raise ValueError(f"{what} must be a whole number {low} to {high}, not {quoted(typed)}")
    if len(typed.lstrip("+-").lstrip("0")) > MAX_DIGITS:
        raise ValueError(
            f"{what} must be a whole number {low} to {high}; {quoted(typed)} is too large"
        )
    value = int(typed)
    if not low <= value <= high:
        raise ValueError(f"{what} must be a whole number {low} to {high}, not {value}")
    return value


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``"1 bad record"``, ``"2 bad records"``, ``"0 papers"``."""
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


def clip(text: str, width: int) -> str:
    """``text`` on one line of at most ``width`` characters: whitespace folded, and cut
    with "…" when longer (never mid-way without saying so)."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 0)].rstrip() + "…"


def human_size(size: int) -> str:
    """``532`` -> ``"532 B"``, ``1536`` -> ``"1.5 KB"``; GB is the largest unit shown
    (a backup or database of 3,000 GB says so)."""
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if abs(value) < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
