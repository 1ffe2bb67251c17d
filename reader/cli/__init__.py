"""The ``reader`` command: a thin click layer over :mod:`reader.service`.

Errors a user can act on are printed as one line on stderr with exit code 1; click's usage
errors exit 2. The full-screen UI lives in ``tui``, which this package never imports: the
launcher passes in a function that opens it (see ``tui.launch``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from reader.service import StoreError

from .base import db_option, printable
from .collections import COMMANDS as COLLECTION_COMMANDS
from .feeds import COMMANDS as FEED_COMMANDS
from .importing import COMMANDS as IMPORT_COMMANDS
from .inbox import COMMANDS as INBOX_COMMANDS
from .library import COMMANDS as LIBRARY_COMMANDS
from .online import COMMANDS as ONLINE_COMMANDS
from .review import COMMANDS as REVIEW_COMMANDS
from .safety import COMMANDS as SAFETY_COMMANDS
from .suggest import COMMANDS as SUGGEST_COMMANDS

UiOpener = Callable[[Path | None], None]


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@click.version_option(package_name="reader")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None) -> None:
    """reader: a reading-list recommender with spaced review.

    With no command, opens the full-screen app.
    """
    obj = ctx.ensure_object(dict)
    obj["db_path"] = db_path
    if ctx.invoked_subcommand is None:
        opener: UiOpener | None = obj.get("open_ui")
        if opener is None:
            click.echo(ctx.get_help())
            return
        opener(Path(db_path) if db_path else None)


for command in [
    *LIBRARY_COMMANDS,
    *REVIEW_COMMANDS,
    *SUGGEST_COMMANDS,
    *IMPORT_COMMANDS,
    *SAFETY_COMMANDS,
    *FEED_COMMANDS,
    *INBOX_COMMANDS,
    *ONLINE_COMMANDS,
    *COLLECTION_COMMANDS,
]:
    cli.add_command(command)


def main(argv: list[str] | None = None, *, open_ui: UiOpener | None = None) -> int:
    """Run the CLI; returns the exit code instead of raising, so errors stay one line."""
    try:
        cli.main(args=argv, prog_name="reader", obj={"open_ui": open_ui}, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as error:
        # click quotes the value typed, whole; its message is Final only to type checkers.
        error.message = _one_line(error.message)  # type: ignore[misc]
        error.show()
        return error.exit_code
    except click.exceptions.Exit as done:
        return int(done.exit_code or 0)
    except StoreError as error:
        click.echo(f"reader: error: {_one_line(str(error))}", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except Exception as error:  # a bug: still one line, unless the user asks for the trace
        if os.environ.get("READER_DEBUG"):
            raise
        click.echo(
            f"reader: internal error: {type(error).__name__}: {error}"[:500]
            + " (set READER_DEBUG=1 for details, and please report it)",
            err=True,
        )
        return 70
    return 0


MAX_ERROR_CHARS = 400


def _one_line(message: str) -> str:
    """An error message cut to :data:`MAX_ERROR_CHARS`: a 5,000-digit argument quoted
    back whole would bury the message."""
    message = printable(message)  # it may quote a title, a tag, a file name
    if len(message) <= MAX_ERROR_CHARS:
        return message
    return message[: MAX_ERROR_CHARS - 1] + "…"


if __name__ == "__main__":
    sys.exit(main())
