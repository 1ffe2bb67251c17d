"""Suggestion commands: suggest, dismiss, snooze, interests, eval, index."""

from __future__ import annotations

import sys
import textwrap
from typing import Any

import click

from reader.service import Service
from reader.units import plural

from .base import clip, db_option, echo_json, json_option, open_from, printable, terminal_width


def _progress(label: str):
    """A progress callback for long builds, drawn on stderr so --json output stays clean."""
    state: dict[str, Any] = {}

    def report(done: int, total: int | None) -> None:
        bar = state.get("bar")
        if bar is None and total:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
            state["bar"] = bar
        if bar is not None:
            bar.update(done - state.get("done", 0))
            state["done"] = done
            if total and done >= total:
                bar.__exit__(None, None, None)

    return report


def _ensure_features(service: Service) -> None:
    service.features(progress=_progress("Indexing papers"))


@click.command()
@click.option("-n", "count", type=click.IntRange(1, 100), help="How many (default: setting).")
@click.option("--refresh", is_flag=True, help="Make a new list for today.")
@json_option
@db_option
@click.pass_context
def suggest(ctx, count, refresh, as_json, db_path):
    """Today's suggested papers, each with the reason it was picked."""
    service = open_from(ctx, db_path)
    _ensure_features(service)
    today = service.today(refresh=refresh, n=count)
    if as_json:
        echo_json(
            {
                "day": today.day,
                "headline": today.headline,
                "from_arrivals": today.from_arrivals,
                "cold_start": today.cold_start,
                "suggestions": [
                    {
                        "rank": s.rank,
                        "id": s.paper.id,
                        "title": s.paper.title,
                        "reason": s.reason,
                        "exploration": s.exploration,
                        "score": round(s.score, 4),
                    }
                    for s in today.suggestions
                ],
                "starters": [{"id": p.id, "title": p.title} for p in today.starters],
            }
        )
        return
    width = terminal_width()
    if service.count() == 0:
        click.echo("No papers yet: try `reader seed` or `reader import FILE`.")
        return
    if today.headline:
        click.echo(printable(today.headline))
    if today.cold_start:
        click.echo("Nothing rated yet, so there is nothing to learn from. Start with either:")
        click.echo("  reader rate ID 1-5          rate a few papers you know, e.g. these:")
        for paper in today.starters:
            click.echo(f"{paper.id:>7}  " + printable(clip(paper.title, width - 10)))
        click.echo('  reader interests "causal inference" "domain generalization"')
        return
    if not today.suggestions:
        click.echo(
            "No suggestions left today: everything close to your taste is rated, "
            "read or dismissed. Import more papers (`reader import`) or `--refresh`."
        )
        return
    for s in today.suggestions:
        mark = "  (exploration)" if s.exploration else ""
        click.echo(
            f"{s.paper.id:>5}  " + printable(clip(s.paper.title, width - 7 - len(mark))) + mark
        )
        click.echo(
            textwrap.fill(
                printable(s.reason), width - 1, initial_indent=" " * 7, subsequent_indent=" " * 9
            )
        )


@click.command()
@click.argument("papers", nargs=-1, required=True)
@db_option
@click.pass_context
def dismiss(ctx, papers, db_path):
    """Not for me: never suggest these papers again (and learn from it)."""
    service = open_from(ctx, db_path)
    for ref in papers:
        paper = service.dismiss(ref)
        click.echo(f"[{paper.id}] dismissed: {printable(clip(paper.title, 60))}")


@click.command()
@click.argument("paper")
@click.argument("period", nargs=-1)
@db_option
@click.pass_context
def snooze(ctx, paper, period, db_path):
    """Later: hide PAPER from suggestions for PERIOD (default 2 weeks)."""
    service = open_from(ctx, db_path)
    found, until = service.snooze(paper, " ".join(period) or "2 weeks")
    click.echo(f"[{found.id}] snoozed until {until.astimezone(service.tz):%a %Y-%m-%d}")


@click.command()
@click.argument("terms", nargs=-1)
@click.option("--remove", is_flag=True, help="Remove these interests instead.")
@json_option
@db_option
@click.pass_context
def interests(ctx, terms, remove, as_json, db_path):
    """Free keywords that describe what you want to read, e.g. "causal inference".

    They shape suggestions from day one, before you have rated anything."""
    service = open_from(ctx, db_path)
    if terms:
        current = (
            service.remove_interests(list(terms)) if remove else service.add_interests(list(terms))
        )
    else:
        current = service.interests()
    if as_json:
        echo_json(current)
    elif current:
        click.echo("Interests: " + ", ".join(printable(t) for t in current))
    else:
        click.echo('No interests yet: reader interests "topic one" "topic two"')


@click.command("eval")
@json_option
@db_option
@click.pass_context
def eval_cmd(ctx, as_json, db_path):
    """How well do suggestions fit you? Hides each paper you liked, in turn, and checks
    where the recommender ranks it among all papers you have not rated."""
    service = open_from(ctx, db_path)
    _ensure_features(service)
    report = service.evaluate()
    if as_json:
        echo_json(report)
        return
    click.echo(f"Liked papers tested:       {report.n}")
    click.echo(f"Found in the top 10:       {report.hit_rate_10:.0%}")
    click.echo(f"Found in the top 50:       {report.hit_rate_50:.0%}")
    click.echo(f"Median rank:               {report.median_rank:g}")
    click.echo(f"Mean reciprocal rank:      {report.mrr:.3f}")


@click.command()
@click.option("--rebuild", is_flag=True, help="Rebuild from scratch instead of updating.")
@db_option
@click.pass_context
def index(ctx, rebuild, db_path):
    """Build or update the recommender's index of the catalog (done on demand anyway)."""
    service = open_from(ctx, db_path)
    features = service.features(progress=_progress("Indexing papers"), rebuild=rebuild)
    click.echo(f"index ready: {plural(len(features.ids), 'paper')}")


COMMANDS = [suggest, dismiss, snooze, interests, eval_cmd, index]
