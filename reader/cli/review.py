"""Spaced-review commands: due, review (interactive; on/off), schedule, vacation, forecast."""

from __future__ import annotations

import click

from reader.service import DueItem, Service
from reader.units import plural
from reader.when import day_start, humanize_due

from .base import (
    NUMBERS_MAY_BE_NEGATIVE,
    clip,
    db_option,
    echo_json,
    json_option,
    open_from,
    printable,
    terminal_width,
)

GRADE_PROMPT = "How well did you recall it?  1 again  2 hard  3 good  4 easy"


def _due_rows(items: list[DueItem]) -> list[dict]:
    return [
        {
            "id": item.paper.id,
            "title": item.paper.title,
            "due": item.card.due.isoformat(),
            "when": item.due_text,
            "recall": round(item.recall, 3),
            "stars": item.paper.stars,
            "reviews": item.card.reps,
        }
        for item in items
    ]


@click.command()
@json_option
@db_option
@click.pass_context
def due(ctx, as_json, db_path):
    """Papers to re-read today (and overdue), most urgent first, within the daily limit."""
    service = open_from(ctx, db_path)
    items = service.due()
    if as_json:
        echo_json(_due_rows(items))
        return
    if not items:
        _nothing_due(service)
        return
    width = terminal_width()
    for item in items:
        left = f"{item.paper.id:>5}  {item.due_text:<16} recall {item.recall:>4.0%}  "
        click.echo(left + printable(clip(item.paper.title, max(width - len(left), 20))))
    waiting = service.overdue_count() - len(items)
    if waiting > 0:
        click.echo(f"(+{waiting} more waiting; they roll to the next days)")


def _nothing_due(service: Service) -> None:
    """Why the queue is empty, and the next day with re-reads: the day `reader forecast`
    shows next, by the same plan."""
    planned = service.next_planned()
    if planned is None:
        click.echo("Nothing to re-read. Papers you mark read get scheduled re-reads.")
        return
    day, count = planned
    held = service.overdue_count()  # due by today, held back by the daily limit
    head = (
        f"Nothing more today: the daily limit is reached "
        f"({plural(service.reviewed_today(), 're-read')} done, {held} waiting)."
        if held
        else "Nothing due today."
    )
    when = humanize_due(day_start(day, service.tz), service.clock(), tz=service.tz)
    what = "Next re-read" if count == 1 else f"Next re-reads ({count})"
    click.echo(f"{head} {what} {when} ({day:%a %Y-%m-%d}).")


def _ask(prompt: str, default: str = "") -> str | None:
    """A line from the user; None when input ends (Ctrl-D or no terminal)."""
    try:
        return click.prompt(prompt, default=default, show_default=False, prompt_suffix=" ")
    except click.exceptions.Abort:
        return None


@click.group(invoke_without_command=True)
@db_option
@click.pass_context
def review(ctx, db_path):
    """Re-read today's papers: recall first, then see your notes, then grade.

    Every grade is saved at once, so Ctrl-C keeps what was done.
    """
    if ctx.invoked_subcommand is not None:
        ctx.obj["db_path"] = db_path or ctx.obj.get("db_path")
        return
    service = open_from(ctx, db_path)
    done = 0
    try:
        done = _session(service)
    except KeyboardInterrupt:
        click.echo("")
    click.echo(f"Reviewed {done} paper{'s' if done != 1 else ''}; saved.")


def _session(service: Service) -> int:
    done = 0
    while True:
        items = service.due(limit=None)
        if not items:
            _nothing_due(service)
            return done
        item = items[0]
        paper = item.paper
        click.echo("")
        click.secho(f"[{len(items)} left today]  {item.due_text}", dim=True)
        click.secho(printable(paper.title), bold=True)
        if paper.authors:
            click.echo(printable(", ".join(paper.authors)))
        if _ask("Recall its key ideas, then press Enter to see your notes (q to stop):") in (
            None,
            "q",
        ):
            return done
        notes = service.notes(paper.id)
        for note in notes:
            click.secho(
                f"--- your note ({note.updated_at.astimezone(service.tz):%Y-%m-%d})", dim=True
            )
            click.echo(printable(note.text))
        if not notes:
            click.secho("(no notes yet)", dim=True)
        click.echo("")
        click.echo(printable(paper.abstract or "(no abstract)"))
        while True:
            answer = _ask(GRADE_PROMPT)
            if answer is None or answer == "q":
                return done
            try:
                card, _ = service.grade(paper.id, answer)
                break
            except Exception as error:  # a typo: say what went wrong and ask again
                click.echo(str(error), err=True)
        done += 1
        click.echo(f"Next re-read {humanize_due(card.due, service.clock(), tz=service.tz)}.")
        extra = _ask("Add a note (Enter to skip, q to stop):")
        if extra == "q":  # as at every other prompt here, not a note that reads "q"
            return done
        if extra:
            service.add_note(paper.id, extra)


@review.command("off")
@click.argument("paper")
@db_option
@click.pass_context
def review_off(ctx, paper, db_path):
    """Stop scheduling re-reads of PAPER."""
    found = open_from(ctx, db_path).set_review(paper, False)
    click.echo(f"[{found.id}] re-reads off")


@review.command("on")
@click.argument("paper")
@db_option
@click.pass_context
def review_on(ctx, paper, db_path):
    """Schedule re-reads of PAPER again (read papers get a new schedule)."""
    found = open_from(ctx, db_path).set_review(paper, True)
    click.echo(f"[{found.id}] re-reads on")


@review.command("grade")
@click.argument("paper")
@click.argument("grade")
@db_option
@click.pass_context
def review_grade(ctx, paper, grade, db_path):
    """Grade a re-read without the interactive session: again, hard, good or easy."""
    service = open_from(ctx, db_path)
    card, _ = service.grade(paper, grade)
    click.echo(f"next re-read {humanize_due(card.due, service.clock(), tz=service.tz)}")


@click.command(context_settings=NUMBERS_MAY_BE_NEGATIVE)
@click.argument("paper")
@click.argument("when", nargs=-1, required=True)
@db_option
@click.pass_context
def schedule(ctx, paper, when, db_path):
    """Set PAPER's next re-read: a date or a phrase ("in 3 months", "2027-01-10", "next monday")."""
    service = open_from(ctx, db_path)
    scheduled = service.schedule_at(paper, " ".join(when))
    local = scheduled.due.astimezone(service.tz)
    again = " (re-reads of it were off; they are on again)" if scheduled.turned_on else ""
    click.echo(
        f"re-read {humanize_due(scheduled.due, service.clock(), tz=service.tz)} "
        f"({local:%a %Y-%m-%d}){again}"
    )


@click.command(context_settings=NUMBERS_MAY_BE_NEGATIVE)
@click.argument("period", nargs=-1, required=True)
@db_option
@click.pass_context
def vacation(ctx, period, db_path):
    """Postpone every re-read due in the next PERIOD ("2 weeks"), spread out after it."""
    service = open_from(ctx, db_path)
    end, moved = service.vacation(" ".join(period))
    click.echo(
        f"moved {moved} re-read{'s' if moved != 1 else ''} to "
        f"{end.astimezone(service.tz):%a %Y-%m-%d} or later"
    )


@click.command()
@click.option("--days", type=click.IntRange(1, 366), default=30, show_default=True)
@json_option
@db_option
@click.pass_context
def forecast(ctx, days, as_json, db_path):
    """Re-reads planned per day (the daily limit rolls the rest forward)."""
    plan = open_from(ctx, db_path).forecast(days)
    if as_json:
        echo_json([{"day": day, "re_reads": n} for day, n in plan])
        return
    top = max((n for _, n in plan), default=0)
    for day, n in plan:
        click.echo(
            f"{day:%a %Y-%m-%d}  {n:>3}  {'█' * n if top <= 40 else '█' * round(40 * n / top)}"
        )


COMMANDS = [due, review, schedule, vacation, forecast]
