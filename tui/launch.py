"""The ``reader`` console command: the CLI, which opens the app when given no command."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App


def open_app(db_path: Path | None) -> None:
    from tui.app import make_app

    app = make_app(db_path)
    run_and_leave(app)


def run_and_leave(app: App[Any], **options: Any) -> None:
    """Run the app, then end the process as soon as the app has closed."""
    # Not app.run() alone: it ends with asyncio.run()'s teardown, which waits for the
    # default executor's threads, and the app's workers run there. After `q` the terminal
    # stayed frozen while a fetch waited on a slow arXiv (up to two minutes) or a feature
    # build finished. On a loop of our own nothing waits for them; what a stopped worker
    # had not committed, SQLite rolls back (an import keeps the batches it committed).
    app.run(loop=asyncio.new_event_loop(), **options)
    _leave(app.return_code)


def _leave(code: int | None) -> None:
    # Every note is saved and every connection closed by now (ReaderApp.on_unmount). The
    # interpreter's own teardown (numpy, scikit-learn, Textual, a feature build still
    # running in a worker thread) would take most of the time quitting takes: 0.8 s of
    # 1.06 s here (docs/benchmarks.md). Leave at once instead.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


def main() -> None:
    if len(sys.argv) == 1:
        # No collection of cyclic garbage until the first frame is on the terminal (the
        # app turns it back on then, see ``ReaderApp.on_ready``): start-up creates
        # some 60,000 objects and little garbage, and the collector's passes over them,
        # one of them a full one, took 35-40 ms of the launch (docs/benchmarks.md).
        gc.disable()
        if _open_at_a_glance():
            return
        gc.enable()
    from reader.cli import main as cli_main

    sys.exit(cli_main(open_ui=open_app))


def _open_at_a_glance() -> bool:
    """``reader`` alone on an existing database: the app, started without loading the
    CLI and the service first (they load after the first paint; docs/benchmarks.md).
    False when there is no database to glance at: the CLI then opens (and creates, or
    says what is wrong with) it as usual."""
    from reader.glance import first_screen

    first = first_screen(None)
    if first is None:
        return False
    from tui.app import make_app

    app = make_app(first.path, first=first)
    run_and_leave(app)
    return True
