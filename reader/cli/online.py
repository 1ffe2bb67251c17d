"""Reading a paper online: ``reader open``, ``reader pdf``, and ``reader enrich`` (finding
the arXiv id, authors and year of papers that lack them)."""

from __future__ import annotations

import click

from reader.opener import system_open
from reader.service import ServiceError

from .base import clip, db_option, echo_json, json_option, open_from, printable, terminal_width


@click.command("open")
@click.argument("paper")
@click.option("--pdf", is_flag=True, help="The PDF (the downloaded copy when there is one).")
@db_option
@click.pass_context
def open_cmd(ctx, paper, pdf, db_path):
    """Open a paper's abstract page (or its PDF) in the browser.

    Where no browser can start (over SSH), the URL is printed instead.
    """
    service = open_from(ctx, db_path)
    target = service.paper_link(paper, pdf=pdf)
    problem = system_open(target)
    if problem is None:
        click.echo(f"opened {printable(target)}")
        service.opened(paper)
        return
    click.echo(printable(target))
    click.echo(f"reader: {problem}: open the link above yourself", err=True)


@click.command()
@click.argument("paper")
@db_option
@click.pass_context
def pdf(ctx, paper, db_path):
    """Download a paper's PDF from arXiv into the data folder (once)."""
    service = open_from(ctx, db_path)
    click.echo("downloading from arXiv (one request every 3 s) ...", err=True)
    path, downloaded = service.download_pdf(paper)
    click.echo(f"{'saved' if downloaded else 'already saved:'} {path}")


@click.command()
@click.argument("papers", nargs=-1)
@click.option("--quiet", "-q", is_flag=True, help="No progress lines.")
@json_option
@db_option
@click.pass_context
def enrich(ctx, papers, quiet, as_json, db_path):
    """Find the arXiv id, authors and year of papers that lack them, by title.

    With no PAPERS: every paper with neither an arXiv id nor a DOI. A result is taken
    only when its title matches nearly exactly; each line shows what was matched.
    Runs at arXiv's pace (one request every 3 seconds).
    """
    service = open_from(ctx, db_path)

    def progress(message: str) -> None:
        if not quiet:
            click.echo(printable(clip(message, terminal_width() - 1)), err=True)

    results = service.enrich(papers, progress=progress)
    if as_json:
        echo_json(results)
        return
    if not results:
        click.echo("Nothing to enrich: every paper has an arXiv id or a DOI.")
        return
    width = terminal_width()
    for r in results:
        head = f"{r.paper_id:>6}  {r.outcome:<8}  "
        click.echo(head + printable(clip(r.title, width - len(head) - 1)))
        if r.outcome == "matched":
            filled = ", ".join(r.filled) or "nothing new"
            click.echo(f"        = arXiv:{r.arxiv_id} {printable(r.matched_title or '')}")
            click.echo(f"        filled: {filled}")
        elif r.outcome == "no match" and r.matched_title:
            click.echo(f"        closest, not taken: {printable(r.matched_title)}")
        elif r.error:
            click.echo(f"        {printable(r.error)}")
    matched = sum(r.outcome == "matched" for r in results)
    click.echo(f"{matched} of {len(results)} papers matched")
    if results and all(r.outcome == "failed" for r in results):
        raise ServiceError("no paper could be looked up (see above); try again later")


COMMANDS = [open_cmd, pdf, enrich]
