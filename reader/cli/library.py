"""Library commands: list, show, search, rate, status, note, tag, untag, tags, seed, backup."""

from __future__ import annotations

import sys
from shlex import quote

import click

from reader.models import Status
from reader.service import ServiceError, paper_query
from reader.units import plural

from .base import (
    NUMBERS_MAY_BE_NEGATIVE,
    db_option,
    echo_json,
    json_option,
    nothing_found,
    open_from,
    paper_table,
    printable,
    stars_text,
)

STATUS_CHOICES = [s.value for s in Status]


@click.command("list")
@click.option("--status", type=click.Choice(STATUS_CHOICES, case_sensitive=False))
@click.option("--tag", help="Only papers with this tag (any case).")
@click.option("--min-stars", type=click.IntRange(1, 5), help="Only papers rated at least this.")
@click.option(
    "--sort",
    type=click.Choice(["id", "title", "year", "added", "status", "stars"]),
    default="id",
    show_default=True,
)
@click.option("--desc", is_flag=True, help="Reverse the order.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many papers.")
@json_option
@db_option
@click.pass_context
def list_cmd(ctx, status, tag, min_stars, sort, desc, limit, as_json, db_path):
    """List papers, with their status, stars and tags."""
    service = open_from(ctx, db_path)
    selection = paper_query(
        status=status, tag=tag, min_stars=min_stars, sort=sort, descending=desc, limit=limit
    )
    papers = service.papers(selection)
    if as_json:
        echo_json(papers)
        return
    if not papers:
        click.echo(nothing_found(service, status=status, tag=tag, min_stars=min_stars))
        return
    paper_table(papers)
    total = service.count(selection)
    noun = "paper" if total == 1 else "papers"
    click.echo(f"({len(papers)} of {total} {noun})" if len(papers) < total else f"({total} {noun})")


@click.command()
@click.argument("paper")
@json_option
@db_option
@click.pass_context
def show(ctx, paper, as_json, db_path):
    """Show one paper: metadata, abstract, notes and history. PAPER is an id or arXiv id."""
    service = open_from(ctx, db_path)
    found = service.paper(paper)
    notes = service.notes(found.id)
    statuses, ratings = service.history(found.id)
    rereads = service.rereads_of(found.id)
    if as_json:
        echo_json(
            {
                "paper": found,
                "notes": notes,
                "status_history": statuses,
                "rating_history": ratings,
                "rereads": rereads,
            }
        )
        return
    lines = [
        f"[{found.id}] {found.title}",
        f"Authors: {', '.join(found.authors) or '-'}",
    ]
    meta = [
        ("Year", found.year),
        ("Venue", found.venue),
        ("arXiv", found.arxiv_id),
        ("DOI", found.doi),
        ("URL", found.url),
        ("Code", found.code_url),
        ("PDF", found.pdf_path),
    ]
    lines += [f"{name}: {value}" for name, value in meta if value]
    lines.append(f"Status: {found.status.value}   Stars: {stars_text(found.stars)}")
    if found.tags:
        lines.append(f"Tags: {', '.join(found.tags)}")
    if said := rereads.describe(service.clock(), service.tz):
        lines.append(f"Re-reads: {said}")
    lines += ["", found.abstract or "(no abstract)"]
    for note in notes:
        lines += ["", f"--- note {note.id} ({note.updated_at:%Y-%m-%d %H:%M} UTC)", note.text]
    events = [(e.at, e.status.value) for e in statuses]
    events += [
        (e.at, f"rated {stars_text(e.stars)}" if e.stars else "rating cleared") for e in ratings
    ]
    if events:
        lines += ["", "--- history"]
        lines += [
            f"{at.astimezone(service.tz):%Y-%m-%d %H:%M}  {what}" for at, what in sorted(events)
        ]
    click.echo(printable("\n".join(lines)))


@click.command()
@click.argument("query", nargs=-1)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@json_option
@db_option
@click.pass_context
def search(ctx, query, limit, as_json, db_path):
    """Full-text search over titles, abstracts, authors and your notes."""
    service = open_from(ctx, db_path)
    text = " ".join(query)
    papers = service.search(text, limit=limit)
    if as_json:
        echo_json(papers)
    elif papers:
        paper_table(papers)
    elif service.count() == 0:
        click.echo("No papers yet: try `reader seed` or `reader import FILE`.")
    elif not text.strip():
        click.echo("Give words to search for, e.g. `reader search grokking`.")
    else:
        click.echo(f"No papers match the search {printable(quote(text))}.")


@click.command(context_settings=NUMBERS_MAY_BE_NEGATIVE)
@click.argument("paper")
@click.argument("stars")
@db_option
@click.pass_context
def rate(ctx, paper, stars, db_path):
    """Rate a paper 1-5 stars (0 clears the rating)."""
    updated = open_from(ctx, db_path).rate(paper, stars)
    click.echo(f"[{updated.id}] {printable(updated.title)}: {stars_text(updated.stars)}")


@click.command()
@click.argument("paper")
@click.argument("status")
@db_option
@click.pass_context
def status(ctx, paper, status, db_path):
    """Set a paper's status: unread, queued, reading, read or dropped."""
    updated = open_from(ctx, db_path).set_status(paper, status)
    click.echo(f"[{updated.id}] {printable(updated.title)}: {updated.status.value}")


def note_text(text: str) -> str:
    """A note as typed, without the blank lines around it and the whitespace at its end:
    ``strip()`` also took the first line's indentation, which turned a Markdown code
    block's first line into a paragraph. Trailing spaces inside stay (a Markdown line
    break)."""
    lines = text.rstrip().split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


@click.command()
@click.argument("paper")
@click.argument("text", nargs=-1)
@db_option
@click.pass_context
def note(ctx, paper, text, db_path):
    """Add a note to a paper. Without TEXT, opens $EDITOR (Markdown); with TEXT ``-``,
    reads the note from standard input."""
    service = open_from(ctx, db_path)
    found = service.paper(paper)
    body = " ".join(text)
    if text == ("-",):
        body = note_text(sys.stdin.read())
    elif not text:  # "" given is an empty note (said below), not a call for the editor
        edited = click.edit(
            f"\n\n<!-- Note on: {found.title}. Lines in this comment are dropped. -->\n",
            extension=".md",
        )
        if edited is None:
            raise ServiceError("editor closed without saving; no note added")
        body = note_text(edited.split("<!-- Note on:")[0])
    saved = service.add_note(found.id, body)
    click.echo(f"note {saved.id} added to [{found.id}] {printable(found.title)}")


@click.command()
@click.argument("paper")
@click.argument("tags", nargs=-1, required=True)
@db_option
@click.pass_context
def tag(ctx, paper, tags, db_path):
    """Add tags to a paper."""
    updated = open_from(ctx, db_path).tag(paper, list(tags))
    click.echo(f"[{updated.id}] tags: {printable(', '.join(updated.tags))}")


@click.command()
@click.argument("paper")
@click.argument("tags", nargs=-1, required=True)
@db_option
@click.pass_context
def untag(ctx, paper, tags, db_path):
    """Remove tags from a paper."""
    updated = open_from(ctx, db_path).untag(paper, list(tags))
    click.echo(f"[{updated.id}] tags: {printable(', '.join(updated.tags)) or '-'}")


@click.command()
@click.option(
    "--rename", nargs=2, metavar="OLD NEW", help="Rename a tag (merges into NEW if it exists)."
)
@json_option
@db_option
@click.pass_context
def tags(ctx, rename, as_json, db_path):
    """List tags with their paper counts, or rename one."""
    service = open_from(ctx, db_path)
    if rename:
        service.rename_tag(*rename)
        click.echo(f"renamed {rename[0]!r} to {rename[1]!r}")
        return
    found = service.tags()
    if as_json:
        echo_json([{"tag": name, "papers": n} for name, n in found])
    elif not found:
        click.echo("No tags yet: `reader tag ID TAG...`")
    for name, n in [] if as_json else found:
        click.echo(f"{n:>5}  {printable(name)}")


@click.command()
@db_option
@click.pass_context
def seed(ctx, db_path):
    """Load the shipped seed catalog (running it again adds nothing)."""
    result = open_from(ctx, db_path).seed()
    click.echo(f"seed catalog: {len(result.added)} added, {len(result.existing)} already present")


@click.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@db_option
@click.pass_context
def backup(ctx, path, db_path):
    """Copy the database safely (even while the app is open). Default: a dated file in
    a backups folder beside the database."""
    from pathlib import Path

    written = open_from(ctx, db_path).backup(Path(path) if path else None)
    click.echo(f"backup written to {written}")


COMMANDS = [list_cmd, show, search, rate, status, note, tag, untag, tags, seed, backup]


@click.command(context_settings=NUMBERS_MAY_BE_NEGATIVE)
@click.argument("key", required=False)
@click.argument("value", required=False)
@json_option
@db_option
@click.pass_context
def config(ctx, key, value, as_json, db_path):
    """Show settings, or set KEY to VALUE (e.g. `reader config review.daily_limit 5`)."""
    from reader.service import SETTINGS

    service = open_from(ctx, db_path)
    if key and value is not None:
        saved = service.set_setting(key, value)
        click.echo(f"{key} = {saved}")
        return
    values = service.settings()
    if key:
        if key not in values:
            raise ServiceError(f"unknown setting {key!r}; known: {', '.join(values)}")
        values = {key: values[key]}
    if as_json:
        echo_json(values)
        return
    names = max(len(name) for name in values)
    widest = max(len(str(current)) for current in values.values())
    for name, current in values.items():
        click.echo(f"{name:<{names}}  {current!s:<{widest}}  {SETTINGS[name].help}")
    click.echo(f"database: {service.path}")


COMMANDS.append(config)


@click.command()
@click.argument("paper")
@click.option("--key", "what", flag_value="key", help="Print only the citation key.")
@click.option("--link", "what", flag_value="link", help="Print only the link.")
@db_option
@click.pass_context
def cite(ctx, paper, what, db_path):
    """Print a paper's BibTeX entry (or its citation key, or its link)."""
    citation = open_from(ctx, db_path).citation(paper)
    if what == "key":
        click.echo(citation.key)
    elif what == "link":
        if citation.link is None:
            raise ServiceError(f"paper {paper} has no link (no URL, arXiv id or DOI)")
        click.echo(printable(citation.link))
    else:
        # Shown in a terminal or pasted: a title's escape codes as text, never run (an
        # export to a file keeps the text as it is).
        click.echo(printable(citation.bibtex), nl=False)


COMMANDS.append(cite)


@click.command()
@click.option("--weeks", type=click.IntRange(1, 104), default=12, show_default=True)
@json_option
@db_option
@click.pass_context
def stats(ctx, weeks, as_json, db_path):
    """Your reading: papers read per week and how you rated them."""
    found = open_from(ctx, db_path).reading_stats(weeks=weeks)
    if as_json:
        echo_json(found)
        return
    click.echo(
        f"{plural(found.total, 'paper')}, {found.read} read, {found.rated} rated, "
        f"{plural(found.notes, 'note')}"
    )
    click.echo("\nRead per week:")
    for start, n in found.weeks:
        click.echo(f"  {start:%Y-%m-%d}  {n:>3}  {'█' * min(n, 60)}")
    click.echo("\nRatings:")
    for stars, n in found.ratings.items():
        click.echo(f"  {stars_text(stars)}  {n:>4}  {'█' * min(n, 60)}")


COMMANDS.append(stats)
