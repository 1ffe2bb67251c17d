"""Opening a paper's URL or PDF with the system's program (browser, PDF viewer)."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from pathlib import Path

import click

Opener = Callable[[str], str | None]
"""Opens a URL or a path; returns None on success or one line saying what went wrong."""

_SCHEMES = ("http://", "https://")


def system_open(target: str) -> str | None:
    """Hand ``target`` to the system opener. Only web links and existing local files are
    opened: a paper's fields come from outside, so ``file:``/``javascript:`` links or
    shell-looking strings are refused rather than passed on."""
    if target.lower().startswith(_SCHEMES):
        try:
            return None if webbrowser.open(target) else "no web browser found"
        except webbrowser.Error as error:
            return str(error)
    path = Path(target).expanduser()
    if not path.is_file():
        return f"file not found: {path}"
    try:
        code = click.launch(str(path))
    except OSError as error:
        return str(error)
    return None if code == 0 else f"the system opener failed (exit {code})"
