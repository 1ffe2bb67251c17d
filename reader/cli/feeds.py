"""The daily arXiv inbox on the command line: ``reader feed add|list|remove``, ``reader fetch``."""

from __future__ import annotations

import click

from reader.service import ServiceError
from reader.service.inbox import FetchReport, Inbox, InboxError, NothingFollowed

from .base import db_option, echo_json, json_option, open_from, printable


def _inbox(ctx: click.Context, db_path: str | None) -> Inbox:
    return open_from(ctx, db_path).inbox


def _subscriptions(inbox: Inbox, categories, queries, authors):  # type: ignore[no-untyped-def]
    try:
        subs = inbox.subscriptions_from(categories, queries, authors)
    except InboxError as error:
        raise ServiceError(str(error)) from None
    if not subs:
        raise click.UsageError("name a category (cs.LG), --query TEXT or --author NAME")
    return subs


_query_option = click.option(
    "--query", "queries", multiple=True, help='A saved arXiv search, e.g. "ti:grokking".'
)
_author_option = click.option(
    "--author", "authors", multiple=True, help='An author to follow, e.g. "Jacot, Arthur".'
)


@click.group()
@db_option
@click.pass_context
def feed(ctx: click.Context, db_path: str | None) -> None:
    """What the daily arXiv inbox follows: categories, saved searches, authors."""
    if db_path:
        ctx.ensure_object(dict)["db_path"] = db_path


@feed.command("add")
@click.argument("categories", nargs=-1)
@_query_option
@_author_option
@db_option
@click.pass_context
def feed_add(ctx, categories, queries, authors, db_path):
    """Follow arXiv categories (cs.LG stat.ML), searches (--query) or authors (--author).

    \b
    Examples: reader feed add cs.LG stat.ML
              reader feed add --query 'ti:grokking OR abs:"double descent"'
              reader feed add --author "Jacot, Arthur"
    """
    inbox = _inbox(ctx, db_path)
    for sub, added in inbox.add(_subscriptions(inbox, categories, queries, authors)):
        word = "following" if added else "already following"
        click.echo(f"{word} {printable(inbox.describe(sub))}")


@feed.command("remove")
@click.argument("categories", nargs=-1)
@_query_option
@_author_option
@db_option
@click.pass_context
def feed_remove(ctx, categories, queries, authors, db_path):
    """Stop following categories, searches or authors."""
    inbox = _inbox(ctx, db_path)
    results = inbox.remove(_subscriptions(inbox, categories, queries, authors))
    for sub, removed in results:
        word = "stopped following" if removed else "was not following"
        click.echo(f"{word} {printable(inbox.describe(sub))}")
    if not any(removed for _, removed in results):
        raise ServiceError("nothing removed (see `reader feed list`)")


@feed.command("list")
@json_option
@db_option
@click.pass_context
def feed_list(ctx, as_json, db_path):
    """What the inbox follows, and when it last fetched."""
    inbox = _inbox(ctx, db_path)
    subs = inbox.subscriptions()
    if as_json:
        echo_json(
            [{"kind": s.kind, "value": s.value, "name": inbox.describe(s)} for s in subs]
        )
        return
    if not subs:
        click.echo("Following nothing yet. Try: reader feed add cs.LG stat.ML")
        return
    for sub in subs:
        click.echo(printable(inbox.describe(sub)))
    last = inbox.feeds.last_harvest()
    click.echo(f"last fetched: {last.isoformat() if last else 'never'}")


@click.command()
@click.option("--quiet", "-q", is_flag=True, help="No progress lines.")
@json_option
@db_option
@click.pass_context
def fetch(ctx, quiet, as_json, db_path):
    """Fetch today's arXiv announcements (and missed days) for what you follow."""
    inbox = _inbox(ctx, db_path)

    def progress(message: str) -> None:
        if not quiet:
            click.echo(printable(message), err=True)

    try:
        report = inbox.fetch(progress)
    except NothingFollowed as error:
        raise ServiceError(f"{error}: `reader feed add cs.LG`") from None
    except InboxError as error:
        raise ServiceError(str(error)) from None
    unreached = bool(report.errors) and not report.requests
    if as_json:
        echo_json(report)
    elif not unreached:  # offline: "no announcement today: 0 listings" would mislead
        click.echo(_summary(report))
    for line in report.errors:
        click.echo(f"reader: warning: {printable(line)}", err=True)
    if unreached:
        raise ServiceError("nothing was fetched from arXiv (see above); try again later")
    if report.errors:  # a script (cron) must see that part of the fetch failed
        raise ServiceError(
            "part of the fetch failed (see above); what arrived is kept, "
            "`reader fetch` again later fetches the rest"
        )


def _summary(report: FetchReport) -> str:
    day = f"announced {report.announced}" if report.announced else "no announcement today"
    return (
        f"{day}: {report.listed} listings, {report.added} new papers, "
        f"{report.arrivals} arrivals, {report.new_versions} new versions"
    )


COMMANDS = [feed, fetch]
