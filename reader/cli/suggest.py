"""Suggestion commands: suggest, dismiss, snooze, more, less, interests, eval, index."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import click

from reader.service import Service, ServiceError
from reader.units import plural, quoted

from .base import (
    NUMBERS_MAY_BE_NEGATIVE,
    clip,
    db_option,
    echo_json,
    json_option,
    open_from,
    printable,
    progress_bar,
    terminal_width,
)


def _ensure_features(service: Service) -> None:
    service.features(progress=progress_bar("Indexing papers"))


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
    today = service.today(refresh=refresh, n=count, progress=progress_bar("Reading papers closely"))
    if as_json:
        echo_json(
            {
                "day": today.day,
                "headline": today.headline,
                "from_arrivals": today.from_arrivals,
                "cold_start": today.cold_start,
                "unmatched_interests": list(today.unmatched_interests),
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
                "starters": [
                    {"id": p.id, "title": p.title, "reason": today.starter_reasons.get(p.id, "")}
                    for p in today.starters
                ],
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
        if today.unmatched_interests:
            click.echo(_unmatched_note(today.unmatched_interests))
        click.echo(
            "Nothing liked yet (4-5★), so there is nothing to learn from. Start with either:"
        )
        click.echo("  reader rate ID 1-5          rate a few papers you know, e.g. these:")
        for paper in today.starters:
            click.echo(f"{paper.id:>7}  " + printable(clip(paper.title, width - 10)))
            reason = today.starter_reasons.get(paper.id)
            if reason:
                click.echo(" " * 11 + printable(clip(reason, width - 12)))
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


@click.command(context_settings=NUMBERS_MAY_BE_NEGATIVE)
@click.argument("paper")
@click.argument("period", nargs=-1)
@db_option
@click.pass_context
def snooze(ctx, paper, period, db_path):
    """Later: hide PAPER from suggestions for PERIOD (default 2 weeks)."""
    service = open_from(ctx, db_path)
    found, until = service.snooze(paper, " ".join(period) or "2 weeks")
    click.echo(f"[{found.id}] snoozed until {until.astimezone(service.tz):%a %Y-%m-%d}")


def _steer_command(direction: str, about: str):  # type: ignore[no-untyped-def]
    @click.command(direction, help=about)
    @click.argument("papers", nargs=-1, required=True)
    @click.option("--remove", is_flag=True, help="Take the steering off these papers.")
    @db_option
    @click.pass_context
    def command(ctx, papers, remove, db_path):  # type: ignore[no-untyped-def]
        service = open_from(ctx, db_path)
        # Every paper is checked before any is steered: a bad one refuses the command whole;
        # one named twice is steered once.
        named: dict[int, str] = {}
        for ref in papers:
            named.setdefault(service.paper(ref).id, ref)
        ids = list(named)
        if remove:
            for paper_id, ref in named.items():
                current = service.steering_of(paper_id)
                if current != direction:
                    raise ServiceError(
                        f"paper {ref} is not steered {direction} like it"
                        + (f" (it is {current})" if current else "")
                    )
        for paper_id in ids:
            if remove:
                paper = service.steer(paper_id, None)
                click.echo(f"[{paper.id}] steering removed: {printable(clip(paper.title, 60))}")
            else:
                paper = service.steer(paper_id, direction)
                click.echo(
                    f"[{paper.id}] {direction} like this: {printable(clip(paper.title, 60))}"
                )
        if not remove:
            click.echo("The next list leans that way: `reader suggest --refresh` to see it now.")

    return command


# Two commands rather than one `reader steer more|less`: each reads as what it does
# (`reader more 12`), like `reader dismiss`; `--remove` takes a steering off, as
# `reader interests --remove` does an interest.
more = _steer_command(
    "more", "More like this: lift the papers close to PAPERS in the next suggestions."
)
less = _steer_command(
    "less",
    "Less like this: sink the papers close to PAPERS in the next suggestions (and drop "
    "these from today's list).",
)


def _weights(terms: list[tuple[str, float]]) -> str:
    return ", ".join(f"{printable(term)} {weight:+.2f}" for term, weight in terms)


def _unmatched_note(interests: Sequence[str]) -> str:
    listed = ", ".join(quoted(t) for t in interests)
    one = len(interests) == 1
    return (
        f"Too few papers here use the words of {listed} to rank by: `reader search` finds "
        f"those that do, and {'it counts' if one else 'they count'} once more arrive."
    )


def _profile_text(service: Service, width: int) -> None:
    profile = service.profile(progress=progress_bar("Indexing papers"))

    def papers(title: str, shown: list[tuple[int, str]], empty: str) -> None:
        click.echo(f"{title} ({len(shown)})" if shown else f"{title}: {empty}")
        for pid, line in shown:
            click.echo(f"{pid:>7}  " + printable(clip(line, width - 10)))

    click.echo(
        "Interests: " + ", ".join(printable(t) for t in profile.interests)
        if profile.interests
        else 'Interests: none (reader interests "topic one" "topic two")'
    )
    if profile.unmatched:
        click.echo("  " + _unmatched_note(profile.unmatched))
    papers(
        "Steering",
        [(s.paper.id, f"{s.direction} like: {s.paper.title}") for s in profile.steering],
        "none (reader more ID / reader less ID)",
    )
    papers(
        "Liked",
        [(p.id, f"{p.stars}★ {p.title}") for p in profile.liked],
        "nothing rated 4-5★ yet",
    )
    papers(
        "Disliked",
        [(p.id, f"{p.stars}★ {p.title}") for p in profile.disliked],
        "nothing rated 1-2★",
    )
    if profile.not_for_me:
        click.echo(f"Not for me: {plural(profile.not_for_me, 'paper')} (Today, h: take them back)")
    if profile.toward:
        click.echo(
            textwrap.fill(
                "Top terms: " + _weights(profile.toward), width - 1, subsequent_indent="  "
            )
        )
    if profile.away:
        click.echo(
            textwrap.fill(
                "Pushed away: " + _weights(profile.away), width - 1, subsequent_indent="  "
            )
        )
    if not profile.toward and not profile.away:
        click.echo("Top terms: none yet (nothing to learn from)")
    click.echo(
        "Remove: reader interests --remove TERM · reader more|less --remove ID · reader rate ID 0"
    )


@click.command()
@click.argument("terms", nargs=-1)
@click.option("--remove", is_flag=True, help="Remove these interests instead.")
@json_option
@db_option
@click.pass_context
def interests(ctx, terms, remove, as_json, db_path):
    """Free keywords that describe what you want to read, e.g. "causal inference".

    They shape suggestions from day one, before you have rated anything. With no TERMS:
    everything the suggestions learn from (interests, steering, liked and disliked papers)
    and the terms that weigh most in your profile."""
    service = open_from(ctx, db_path)
    if terms:
        current = (
            service.remove_interests(list(terms)) if remove else service.add_interests(list(terms))
        )
        if as_json:
            echo_json(current)
        elif current:
            click.echo("Interests: " + ", ".join(printable(t) for t in current))
        else:
            click.echo('No interests left: reader interests "topic one" "topic two"')
        if not remove and not as_json:
            unmatched = service.unmatched_interests(
                list(terms), progress=progress_bar("Indexing papers")
            )
            if unmatched:
                click.echo(_unmatched_note(unmatched))
        return
    if not as_json:
        _profile_text(service, terminal_width())
        return
    profile = service.profile(progress=progress_bar("Indexing papers"))
    echo_json(
        {
            "interests": profile.interests,
            "steering": [
                {"id": s.paper.id, "title": s.paper.title, "direction": s.direction}
                for s in profile.steering
            ],
            "liked": [{"id": p.id, "title": p.title, "stars": p.stars} for p in profile.liked],
            "disliked": [
                {"id": p.id, "title": p.title, "stars": p.stars} for p in profile.disliked
            ],
            "not_for_me": profile.not_for_me,
            "terms": [{"term": t, "weight": w} for t, w in profile.toward],
            "away": [{"term": t, "weight": w} for t, w in profile.away],
        }
    )


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
    features = service.features(progress=progress_bar("Indexing papers"), rebuild=rebuild)
    click.echo(f"index ready: {plural(len(features.ids), 'paper')}")


COMMANDS = [suggest, dismiss, snooze, more, less, interests, eval_cmd, index]
