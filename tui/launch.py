"""The ``reader`` console command: the CLI, which opens the app when given no command."""

from __future__ import annotations

import sys
from pathlib import Path


def open_app(db_path: Path | None) -> None:
    from tui.app import make_app

    make_app(db_path).run()


def main() -> None:
    from reader.cli import main as cli_main

    sys.exit(cli_main(open_ui=open_app))
