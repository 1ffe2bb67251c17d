"""Opening a URL or a file with the user's browser or viewer, where one can start.

Over SSH there is no display and no browser to start: Python's :mod:`webbrowser` would then
fall back on a text browser inside the terminal we are printing to, so without a display
(and without ``$BROWSER``) we say so instead, and the caller shows the URL.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import webbrowser
from pathlib import Path

import click

_SCHEMES = ("http://", "https://")


def can_start_browser() -> bool:
    """A browser the user can see can start here: ``$BROWSER`` names one, or there is a
    display (macOS and Windows always have one)."""
    if os.environ.get("BROWSER"):
        return True
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def system_open(target: str) -> str | None:
    """Hand ``target`` to the browser or the system's opener; None on success, else one
    line saying why not. Only web links and existing local files are opened: a paper's
    fields come from outside, so ``file:``/``javascript:`` links are refused."""
    if target.lower().startswith(_SCHEMES):
        if not can_start_browser():
            return "no browser can start here (no display)"
        if os.environ.get("BROWSER"):
            return _open_with_browser_variable(target, os.environ["BROWSER"])
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


def _open_with_browser_variable(url: str, commands: str) -> str | None:
    """``$BROWSER`` as most programs read it: commands separated by ``:``, tried in
    turn, ``%s`` standing for the URL (read here on every call: :mod:`webbrowser` reads
    it once per process)."""
    for command in commands.split(os.pathsep):
        args = shlex.split(command)
        if not args:
            continue
        args = [a.replace("%s", url) for a in args] if "%s" in command else [*args, url]
        try:
            if subprocess.run(args, check=False, stdin=subprocess.DEVNULL).returncode == 0:
                return None
        except OSError:
            continue
    return f"the browser in $BROWSER failed ({commands})"
