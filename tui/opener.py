"""Opening a paper's URL or PDF with the system's program (browser, PDF viewer): the same
:func:`reader.opener.system_open` as ``reader open`` (where no browser can start, over
SSH, it says so instead of starting a text browser inside the app's terminal)."""

from __future__ import annotations

from collections.abc import Callable

Opener = Callable[[str], str | None]
"""Opens a URL or a path; returns None on success or one line saying what went wrong."""


def system_open(target: str) -> str | None:
    """:func:`reader.opener.system_open`, imported on first use (it loads click and
    webbrowser, which the app's first paint does not need)."""
    from reader.opener import system_open as open_with_system

    return open_with_system(target)


__all__ = ["Opener", "system_open"]
