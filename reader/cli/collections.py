"""Collections (named, ordered reading lists, as in the app) and ``reader undo``."""

from __future__ import annotations

from pathlib import Path

import click

from reader.models import Paper

from .base import (
    clip,
    confirm,
    db_option,
    echo_json,
    json_option,
    open_from,
    printable,
    stars_text,
    terminal_width,
)


@click.command()
@click.option("--show", "show_only", is_flag=True, help="Only say what would be undone.")
@db_option
@click.pass_context
def undo(ctx, show_only, db_path):
    """Undo the last status change, rating, "not for me" or snooze (made here or in the
    app): the paper's rows are put back exactly as they were before it."""
    service = open_from(ctx, db_path)
    if show_only:
        last = service.last_undoable()
        click.echo(f"would undo: {printable(last.description)}" if last else "nothing to undo")
        return
    done = service.undo()
    click.echo(f"undone: {printable(done.description)}")


@click.group("collection", invoke_without_command=True)
@db_option
@click.pass_context
def collection(ctx, db_path):
    """Named, ordered reading lists (a thesis chapter, a reading group); with no
    subcommand, lists them.

    \b
    Examples: reader collection new "Chapter 2"
              reader collection add "Chapter 2" 12 2406.12345
              reader collection move "Chapter 2" 2406.12345 1    (to the top)
              reader collection export "Chapter 2" -o chapter2.bib
    """
    ctx.ensure_object(dict)
    if db_path:
        ctx.obj["db_path"] = db_path
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_collections)


@collection.command("list")
@json_option
@db_option
@click.pass_context
def list_collections(ctx, as_json=False, db_path=None):
    """Every collection with its number of papers."""
    found = open_from(ctx, db_path).collecting.collections()
    if as_json:
        echo_json([{"name": c.name, "papers": c.size} for c in found])
    elif not found:
        click.echo("No collections yet: `reader collection new NAME` (or press C on a paper).")
    for c in [] if as_json else found:
        click.echo(f"{c.size:>5}  {printable(c.name)}")


@collection.command("show")
@click.argument("name")
@json_option
@db_option
@click.pass_context
def show_collection(ctx, name, as_json, db_path):
    """The collection's papers, in its order: position, [id], stars, year, title."""
    papers = open_from(ctx, db_path).collecting.papers(name)
    if as_json:
        echo_json(papers)
        return
    if not papers:
        click.echo(f"{printable(name)!r} is empty: `reader collection add NAME PAPER...`")
        return
    _numbered(papers)


@collection.command("new")
@click.argument("name")
@db_option
@click.pass_context
def new_collection(ctx, name, db_path):
    """Make an empty collection."""
    made = open_from(ctx, db_path).collecting.create(name)
    click.echo(f"collection {printable(made)!r} made")


@collection.command("add")
@click.argument("name")
@click.argument("papers", nargs=-1, required=True)
@db_option
@click.pass_context
def add_to_collection(ctx, name, papers, db_path):
    """Add papers at the end of NAME (made if it does not exist yet)."""
    service = open_from(ctx, db_path)
    # Every id is looked up first: an unknown one refuses the whole command, not its tail.
    for paper in [service.paper(ref) for ref in papers]:
        added = service.collecting.add(name, paper.id)
        state = "added to" if added else "already in"
        click.echo(f"[{paper.id}] {printable(paper.title)}: {state} {printable(name)!r}")


@collection.command("remove")
@click.argument("name")
@click.argument("papers", nargs=-1, required=True)
@db_option
@click.pass_context
def remove_from_collection(ctx, name, papers, db_path):
    """Take papers out of NAME (the papers themselves stay in the library)."""
    service = open_from(ctx, db_path)
    for paper in [service.paper(ref) for ref in papers]:  # all looked up first, as in add
        service.collecting.remove(name, paper.id)
        click.echo(f"[{paper.id}] {printable(paper.title)}: removed from {printable(name)!r}")


@collection.command("move")
@click.argument("name")
@click.argument("paper")
@click.argument("position", type=click.IntRange(min=1))
@db_option
@click.pass_context
def move_in_collection(ctx, name, paper, position, db_path):
    """Move PAPER to POSITION in NAME (1 is the top; past the end: the bottom)."""
    _numbered(open_from(ctx, db_path).collecting.move_to(name, paper, position))


@collection.command("rename")
@click.argument("old")
@click.argument("new")
@db_option
@click.pass_context
def rename_collection(ctx, old, new, db_path):
    """Rename a collection."""
    made = open_from(ctx, db_path).collecting.rename(old, new)
    click.echo(f"renamed {printable(old)!r} to {printable(made)!r}")


@collection.command("delete")
@click.argument("name")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@db_option
@click.pass_context
def delete_collection(ctx, name, yes, db_path):
    """Delete a collection (its papers stay in the library)."""
    service = open_from(ctx, db_path)
    size = len(service.collecting.papers(name))  # an unknown name fails here, before asking
    if not yes:
        confirm(
            f"Delete {printable(name)!r} ({size} papers stay in the library)?",
            what="the collection is kept",
        )
    service.collecting.delete(name)
    click.echo(f"collection {printable(name)!r} deleted")


@collection.command("export")
@click.argument("name")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="File to write; default stdout."
)
@click.option("--force", is_flag=True, help="Replace an existing file.")
@db_option
@click.pass_context
def export_collection(ctx, name, output, force, db_path):
    """The collection as BibTeX, in its order."""
    collecting = open_from(ctx, db_path).collecting
    if output is None:
        click.echo(collecting.bibtex(name), nl=False)
        return
    written = collecting.export_bibtex(name, Path(output), force=force)
    click.echo(f"{printable(name)!r} written to {written}")


def _numbered(papers: list[Paper]) -> None:
    width = terminal_width()
    for n, paper in enumerate(papers, start=1):
        left = f"{n:>3}. [{paper.id}] {stars_text(paper.stars):<5} {paper.year or '':>4}  "
        click.echo(left + printable(clip(paper.title, max(width - len(left), 20))))


COMMANDS = [undo, collection]
