"""What every command shares: the ``--db`` option, opening the service, output helpers."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum
from shlex import quote
from typing import Any, TypeVar

import click

from reader.models import Paper
from reader.service import Service, ServiceError, open_service
from reader.units import clip

F = TypeVar("F", bound=Callable[..., Any])


def _not_empty(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    # `--db "$DB"` with DB unset fell back to the default library: a script meant for a
    # scratch file wrote to the user's own.
    if value is not None and not value.strip():
        raise click.BadParameter("empty path: give a database file, or leave --db out")
    return value


NUMBERS_MAY_BE_NEGATIVE = {"ignore_unknown_options": True}
"""For commands that take a number or period: ``rate 1 -1`` reaches the command and gets
its own message ("stars must be ..."), not click's "No such option '-1'"."""


def db_option(func: F) -> F:
    """``--db PATH`` on every command (also accepted before the command name)."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False),
        default=None,
        callback=_not_empty,
        expose_value=True,
        help="Database file (default: $READER_DB, else the user data dir).",
    )(func)


def confirm(question: str, *, what: str) -> None:
    """Ask ``question``; anything but yes (an empty line, the end of the input) stops the
    command with exit code 1, saying ``what`` was not done. click's confirm called the
    end of the input an abort (exit 130, as for Ctrl+C), which a script reads as a kill."""
    click.echo(f"{question} [y/N]: ", nl=False)
    answer = sys.stdin.readline()
    if not answer:
        click.echo()  # the input ended: end the prompt's line
    if answer.strip().lower() not in ("y", "yes"):
        raise ServiceError(f"not confirmed: {what} (-y skips the question)")


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def open_from(ctx: click.Context, db_path: str | None) -> Service:
    """Open the service once per invocation; a subcommand's --db beats the group's."""
    obj = ctx.ensure_object(dict)
    path = db_path or obj.get("db_path")
    service: Service | None = obj.get("service")
    if service is None:
        service = open_service(path, clock=obj.get("clock") or _default_clock(), tz=obj.get("tz"))
        obj["service"] = service
        ctx.call_on_close(service.close)
    return service


def _default_clock() -> Callable[[], datetime]:
    from reader.store import utc_now

    return utc_now


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def echo_json(value: Any) -> None:
    click.echo(json.dumps(_plain(value), ensure_ascii=False, indent=2))


def progress_bar(label: str) -> Callable[[int, int | None], None]:
    """A progress callback drawn on stderr (so --json output stays clean). Work done in
    steps (two days' papers read, one after the other) gets a bar per step."""
    state: dict[str, Any] = {}

    def report(done: int, total: int | None) -> None:
        bar = state.get("bar")
        if bar is None and total:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
            state.update(bar=bar, done=0)
        if bar is not None:
            bar.update(done - state["done"])
            state["done"] = done
            if total and done >= total:
                bar.__exit__(None, None, None)
                state.clear()

    return report


def stars_text(stars: int | None) -> str:
    return "★" * stars + "☆" * (5 - stars) if stars else "-"


def terminal_width() -> int:
    return shutil.get_terminal_size((100, 24)).columns


def printable(text: str) -> str:
    """Outside text may hold terminal escapes; show control characters, never run them."""
    return "".join(ch if ch.isprintable() or ch in "\n\t" else f"\\x{ord(ch):02x}" for ch in text)


def filter_words(**filters: Any) -> str:
    """The filters given, as typed: ``--tag '' --min-stars 4`` (``None`` means not given;
    an empty string was given, and is shown)."""
    return " ".join(
        f"--{name.replace('_', '-')} {quote(str(value))}"
        for name, value in filters.items()
        if value is not None
    )


def nothing_found(service: Service, **filters: Any) -> str:
    """The empty-state line for a filtered listing: it names the filters that emptied it,
    and says the library is empty only when it is."""
    if service.count() == 0:
        return "No papers yet: try `reader seed` or `reader import FILE`."
    given = printable(filter_words(**filters))
    return f"No papers match {given}." if given else "No papers match."


def tags_text(tags: Sequence[str], width: int) -> str:
    """Tags joined by commas within ``width`` characters: as many whole tags as fit, the
    rest counted ("+3"), so many or long tags never squeeze the title out of a line."""
    for n in range(len(tags), 0, -1):
        rest = len(tags) - n
        text = ", ".join(tags[:n]) + (f", +{rest}" if rest else "")
        if len(text) <= width:
            return text
    more = f", +{len(tags) - 1}" if len(tags) > 1 else ""
    return clip(tags[0], max(width - len(more), 4)) + more


def paper_table(papers: Sequence[Paper], extra: Callable[[Paper], str] | None = None) -> None:
    """One line a paper: id, status, stars, year, title (clipped to the terminal)."""
    width = terminal_width()
    for paper in papers:
        year = paper.year or ""
        left = f"{paper.id:>5}  {paper.status.value:<8} {stars_text(paper.stars):<5} {year:>4}  "
        suffix = f"  [{tags_text(paper.tags, max(width // 4, 16))}]" if paper.tags else ""
        if extra:
            suffix += "  " + extra(paper)
        room = max(width - len(left) - len(suffix), 20)
        click.echo(left + printable(clip(paper.title, room)) + printable(suffix))
