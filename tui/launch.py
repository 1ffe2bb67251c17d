"""The ``reader`` console command: the CLI, which opens the app when given no command."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def open_app(db_path: Path | None) -> None:
    from tui.app import make_app

    app = make_app(db_path)
    app.run()
    # Every note is saved and every connection closed by now (ReaderApp.on_unmount). The
    # interpreter's own teardown (numpy, scikit-learn, Textual, a feature build still
    # running in a worker thread) would take most of the time quitting takes: 0.8 s of
    # 1.06 s here (docs/benchmarks.md). Leave at once instead.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(app.return_code or 0)


def main() -> None:
    from reader.cli import main as cli_main

    sys.exit(cli_main(open_ui=open_app))
