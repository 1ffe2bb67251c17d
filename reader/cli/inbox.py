"""The day's arrivals on the command line: ``reader inbox`` (ranked, with triage) and
``reader digest`` (the picks as Markdown or HTML)."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import click

from reader.service import ArrivalView, Service, ServiceError
from reader.service.digest import since_day
from reader.when import local_date

from .base import (
    clip,
    db_option,
    echo_json,
    json_option,
    open_from,
    printable,
    progress_bar,
    terminal_width,
)


def _a_day(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    # "yesterday" or "2026-3-3" showed an empty day that "every paper ... triaged".
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a day: write YYYY-MM-DD") from None


@click.group(invoke_without_command=True)
@click.option(
    "--day", callback=_a_day, help="An announcement day (YYYY-MM-DD); default: the latest."
)
@click.option("--all", "show_all", is_flag=True, help="Also the papers already triaged.")
@click.option("-n", "limit", type=click.IntRange(1), help="Show at most this many.")
@json_option
@db_option
@click.pass_context
def inbox(ctx, day, show_all, limit, as_json, db_path):
    """The day's arXiv arrivals, best first for you; triage with the subcommands.

    \b
    Examples: reader inbox
              reader inbox queue 2603.01234      (to the reading list)
              reader inbox not-for-me 4812       (never suggested; the ranking learns)
              reader inbox skip 4813 4814        (out of the inbox, nothing learnt)
              reader inbox skip --rest           (empty the inbox)
    """
    obj = ctx.ensure_object(dict)
    if db_path:
        obj["db_path"] = db_path
    obj["inbox_day"] = day
    if ctx.invoked_subcommand is not None:
        return
    view = open_from(ctx, db_path).inbox_day(
        day, progress=progress_bar("Reading the best arrivals closely")
    )
    shown = view.arrivals if show_all else view.waiting
    shown = shown[:limit] if limit else shown
    if as_json:
        # The day's order is close reading's; scores are the blend's, so they need not fall.
        rank = {a.paper.id: i for i, a in enumerate(view.arrivals, start=1)}
        echo_json(
            {
                "day": view.day,
                "headline": view.headline,
                "waiting": len(view.waiting),
                "arrivals": [_arrival_json(a, rank[a.paper.id]) for a in shown],
            }
        )
        return
    click.echo(printable(view.headline))
    if view.day is None:
        return
    if not shown:
        click.echo(
            "Inbox empty: every paper of the day is triaged."
            if view.arrivals
            else f"Nothing arrived on {view.day}."
        )
        return
    click.echo(f"{len(view.waiting)} waiting. Triage: reader inbox queue|not-for-me|skip ID")
    _print_arrivals(shown)


def _arrival_json(a: ArrivalView, rank: int) -> dict[str, object]:
    return {
        "rank": rank,
        "id": a.paper.id,
        "arxiv_id": a.paper.arxiv_id,
        "title": a.paper.title,
        "score": round(a.score, 4),
        "for_you": a.for_you,
        "reason": a.reason,
        "categories": list(a.categories),
        "announce_type": a.announce_type,
        "triage": a.triage,
    }


def _print_arrivals(arrivals: list[ArrivalView]) -> None:
    width = terminal_width()
    for a in arrivals:
        mark = "*" if a.for_you else " "
        cat = a.categories[0] if a.categories else ""
        done = f" [{a.triage.replace('_', '-')}]" if a.triage else ""  # as the command says
        left = f"{a.paper.id:>6} {mark} {cat:<8} "
        title = clip(a.paper.title, max(width - len(left) - len(done) - 1, 10))
        click.echo(left + printable(title) + done)
        if a.reason:
            click.echo(
                textwrap.fill(
                    printable(a.reason), width - 1, initial_indent=" " * 17,
                    subsequent_indent=" " * 19,
                )
            )  # fmt: skip


def _triage(ctx: click.Context, papers: tuple[str, ...], action: str, db_path: str | None) -> None:
    service = open_from(ctx, db_path)
    day = ctx.ensure_object(dict).get("inbox_day")
    for ref in papers:
        paper = service.triage(ref, action, day=day)
        click.echo(f"{action}: {paper.id}  {printable(clip(paper.title, terminal_width() - 20))}")


@inbox.command("queue")
@click.argument("papers", nargs=-1, required=True)
@db_option
@click.pass_context
def inbox_queue(ctx, papers, db_path):
    """Put papers of the day in the reading list."""
    _triage(ctx, papers, "queue", db_path)


@inbox.command("not-for-me")
@click.argument("papers", nargs=-1, required=True)
@db_option
@click.pass_context
def inbox_not_for_me(ctx, papers, db_path):
    """Never suggest these papers; the ranking learns from it."""
    _triage(ctx, papers, "not-for-me", db_path)


@inbox.command("skip")
@click.argument("papers", nargs=-1)
@click.option("--rest", is_flag=True, help="Skip every paper still waiting.")
@db_option
@click.pass_context
def inbox_skip(ctx, papers, rest, db_path):
    """Take papers out of the inbox without a judgement."""
    if rest == bool(papers):
        raise click.UsageError("give paper ids or --rest (not both)")
    if papers:
        _triage(ctx, papers, "skip", db_path)
        return
    service = open_from(ctx, db_path)
    count = service.inbox.skip_rest(day=ctx.ensure_object(dict).get("inbox_day"))
    click.echo(f"skipped {count} papers; the inbox is empty")


def _since(service: Service, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return since_day(text, local_date(service.clock(), service.tz))
    except ServiceError as error:
        raise ServiceError(f"--since {error}") from None


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["markdown", "html"]), default="markdown",
    show_default=True, help="Markdown for notes, HTML for a mail.",
)  # fmt: skip
@click.option("--since", help="From this day (2026-03-01) or this long ago (1 week).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to a file.")
@db_option
@click.pass_context
def digest(ctx, fmt, since, output, db_path):
    """The day's picks (or every day's since --since) as Markdown or HTML."""
    service = open_from(ctx, db_path)
    text = service.digest(
        _since(service, since), fmt=fmt, progress=progress_bar("Reading the best arrivals closely")
    )
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as error:
        raise ServiceError(f"{output}: cannot write the digest ({error.strerror})") from None
    click.echo(f"digest written to {output}")


COMMANDS = [inbox, digest]
