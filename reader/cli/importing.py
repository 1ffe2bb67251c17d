"""Getting papers in and out: add, import, dedupe, export."""

from __future__ import annotations

import dataclasses
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from reader.models import ParseProblem, Status
from reader.service import (
    ImportReport,
    NothingToExport,
    Service,
    ServiceError,
    open_service,
    paper_query,
)
from reader.units import plural

from .base import (
    _default_clock,
    db_option,
    echo_json,
    json_option,
    nothing_found,
    open_from,
    printable,
)

STATUS_CHOICES = [s.value for s in Status]
IMPORT_FORMATS = ["bibtex", "ris", "arxiv-jsonl", "json"]
EXPORT_FORMATS = ["bibtex", "ris", "csv", "json", "markdown"]


def _open_unseeded(ctx: click.Context, db_path: str | None) -> Service:
    """Like ``open_from``, but a brand-new database is not given the seed catalog: it is
    about to receive a restore, which should come back exactly as it was exported."""
    obj = ctx.ensure_object(dict)
    if obj.get("service") is None:
        service = open_service(
            db_path or obj.get("db_path"),
            clock=obj.get("clock") or _default_clock(),
            tz=obj.get("tz"),
            seed=False,
        )
        obj["service"] = service
        ctx.call_on_close(service.close)
    return obj["service"]


@click.command()
@click.argument("things", nargs=-1, required=True)
@json_option
@db_option
@click.pass_context
def add(ctx, things, as_json, db_path):
    """Add papers by arXiv id or URL, or DOI (several at once).

    \b
    Examples: reader add 2406.12345 arXiv:1706.03762v5 https://arxiv.org/abs/hep-th/9901001
              reader add 10.1038/s41586-021-03819-2 https://doi.org/10.1145/3292500.3330701
    """
    service = open_from(ctx, db_path)
    outcomes = service.add_things(list(things))
    if as_json:
        echo_json(outcomes)
    else:
        for item in outcomes:
            if item.outcome == "failed":
                click.echo(f"failed   {printable(item.error or item.thing)}", err=True)
                continue
            word = {"added": "added", "updated": "merged", "present": "present"}[item.outcome]
            click.echo(f"{word:<8} [{item.paper_id}] {printable(item.title or '')}")
        if any(o.kind in ("network", "timeout") for o in outcomes):
            click.echo(
                "Could not reach the metadata service; check the connection and try again "
                "(nothing was stored for those).",
                err=True,
            )
    failed = sum(o.outcome == "failed" for o in outcomes)
    if failed:
        raise ServiceError(f"{failed} of {len(outcomes)} could not be added")


def _parse_since(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2024-01-31") from None


def _summary(report: ImportReport, *, interrupted: bool = False) -> str:
    skipped = []
    if report.present:
        skipped.append(f"{report.present} already in the library")
    if report.duplicates:
        skipped.append(f"{plural(report.duplicates, 'duplicate')} within the import")
    if report.problem_count:
        skipped.append(plural(report.problem_count, "bad record"))
    failed = len(report.failed_files)
    if failed:
        skipped.append(plural(failed, "unreadable file"))
    total = report.present + report.duplicates + report.problem_count
    text = (
        f"{'Interrupted: ' if interrupted else ''}added {report.added}, "
        f"merged/updated {report.updated}, skipped {total}"
    )
    if skipped:
        text += f" ({'; '.join(skipped)})"
    if report.conflicts:
        text += (
            f"; {plural(report.conflicts, 'record')} matched different papers"
            " (one updated, none merged)"
        )
    others = report.warning_count - report.conflicts
    if others:
        text += f"; {plural(others, 'warning')}"
    if interrupted:
        text += ". Every batch above is saved; run the same command again to continue."
    return text


JSON_PROBLEMS = 1000
"""Problems listed in ``reader import --json`` (all are counted, and printed to stderr)."""


@contextmanager
def _readable_twice(paths: list[Path]) -> Iterator[tuple[list[Path], dict[str, str]]]:
    """The paths to import, with standard input (``-``), a pipe or a device copied to a
    temporary file first, and what each copy's name stands for. An import reads a file
    twice (its head for the format, then all of it; ``--strict`` checks first), and
    those give their bytes once: `cat x.bib | reader import /dev/stdin` said "file is
    empty", and a named pipe hung."""
    folder: Path | None = None
    out: list[Path] = []
    names: dict[str, str] = {}
    try:
        for n, path in enumerate(paths):
            stdin = str(path) == "-"
            if not stdin and (not path.exists() or path.is_file() or path.is_dir()):
                out.append(path)
                continue
            folder = folder or Path(tempfile.mkdtemp(prefix="reader-import-"))
            copy = folder / str(n) / ("stdin" if stdin else path.name)
            copy.parent.mkdir()
            try:
                with copy.open("wb") as sink:
                    if stdin:
                        shutil.copyfileobj(sys.stdin.buffer, sink)
                    else:
                        with path.open("rb") as source:
                            shutil.copyfileobj(source, sink)
            except OSError as error:
                raise ServiceError(f"{path}: cannot read ({error.strerror})") from None
            out.append(copy)
            names[str(copy)] = "<stdin>" if stdin else str(path)
        yield out, names
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _as_given(text: str, names: dict[str, str]) -> str:
    for copy, given in names.items():
        text = text.replace(copy, given)
    return text


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option(
    "--format", "fmt", type=click.Choice(IMPORT_FORMATS), help="Default: by extension/content."
)
@click.option("--strict", is_flag=True, help="Store nothing if any record is bad.")
@click.option(
    "--category",
    "categories",
    multiple=True,
    help="arXiv: only these categories (cs matches cs.LG); repeatable.",
)
@click.option(
    "--since", callback=_parse_since, help="Only papers dated on or after DATE (YYYY-MM-DD)."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@json_option
@db_option
@click.pass_context
def import_cmd(ctx, files, fmt, strict, categories, since, quiet, as_json, db_path):
    """Import papers from BibTeX, RIS, arXiv metadata JSON Lines, or a reader JSON export.

    Bad records are reported as FILE:LINE: FIELD: REASON and skipped; papers already in
    the library are merged, never duplicated. arXiv categories become tags. FILE may be
    - (standard input) or a pipe.
    """
    with _readable_twice([Path(f) for f in files]) as (paths, names):
        _import(ctx, paths, names, fmt, strict, categories, since, quiet, as_json, db_path)


def _import(ctx, paths, names, fmt, strict, categories, since, quiet, as_json, db_path):
    """`reader import` once every path can be read twice; ``names``: what the copies of
    standard input and pipes stand for, in what is said."""
    restoring = fmt == "json" or any(p.suffix.lower() == ".json" for p in paths)
    service = _open_unseeded(ctx, db_path) if restoring else open_from(ctx, db_path)
    report = ImportReport()

    skipped: list[ParseProblem] = []  # for --json: what was skipped and why, not a count
    warned: list[ParseProblem] = []  # imported, with a warning

    def show(problem: ParseProblem) -> None:
        problem = dataclasses.replace(problem, source=_as_given(problem.source, names))
        click.echo(printable(str(problem)), err=True)
        listed = warned if problem.warning else skipped
        if as_json and len(listed) < JSON_PROBLEMS:
            listed.append(problem)

    total = sum(p.stat().st_size for p in paths if p.is_file())
    bar_wanted = not quiet and not as_json and sys.stderr.isatty()
    try:
        if bar_wanted:
            with click.progressbar(
                length=total, label="Importing", file=sys.stderr, show_pos=False
            ) as bar:
                service.import_files(
                    paths, format=fmt, strict=strict, categories=categories, since=since,
                    progress=bar.update, on_problem=show, report=report,
                )  # fmt: skip
        else:
            service.import_files(
                paths, format=fmt, strict=strict, categories=categories, since=since,
                on_problem=show, report=report,
            )  # fmt: skip
    except KeyboardInterrupt:
        click.echo(_summary(report, interrupted=True), err=True)
        raise
    for file in report.files:
        file.path = _as_given(file.path, names)
        file.error = _as_given(file.error, names) if file.error else file.error
    if len(report.files) == 1 and report.failed_files:
        raise ServiceError(report.failed_files[0].error or "")  # one clear line
    for file in report.failed_files:
        click.echo(printable(file.error or ""), err=True)
    if as_json:
        echo_json(
            {
                "added": report.added,
                "updated": report.updated,
                "present": report.present,
                "duplicates": report.duplicates,
                "problems": report.problem_count,
                "skipped": [
                    {"file": p.source, "line": p.line, "field": p.field, "reason": p.reason}
                    for p in skipped
                ],
                "conflicts": report.conflicts,
                "warnings": [
                    {"file": p.source, "line": p.line, "field": p.field, "reason": p.reason}
                    for p in warned
                ],
                "strict_failed": report.strict_failed,
                "files": report.files,
            }
        )
    elif report.strict_failed:
        click.echo(
            f"--strict: {plural(report.problem_count, 'bad record')}, "
            f"{plural(len(report.failed_files), 'unreadable file')}; nothing was imported.",
            err=True,
        )
    else:
        click.echo(_summary(report))
    if report.strict_failed or report.failed_files or report.problem_count:
        # One closing line and exit code 1, so scripts notice a partial import.
        raise ServiceError(
            f"{plural(report.problem_count, 'bad record')}, "
            f"{plural(len(report.failed_files), 'unreadable file')} (listed above)"
        )


@click.command()
@click.option("--apply", is_flag=True, help="Merge them (default: only show what would merge).")
@json_option
@db_option
@click.pass_context
def dedupe(ctx, apply, as_json, db_path):
    """Find papers stored twice (same arXiv id, DOI, or title and first author) and,
    with --apply, merge each group into its oldest paper, keeping all your data."""
    service = open_from(ctx, db_path)
    groups = service.dedupe(apply=apply)
    if as_json:
        echo_json(groups)
        return
    if not groups:
        click.echo("No duplicates found.")
        return
    for group in groups:
        verb = "merged" if group.merged else ("NOT merged" if group.error else "would merge")
        drops = ", ".join(f"[{d}]" for d in group.drop)
        click.echo(f"{verb} {drops} into [{group.keep}] {printable(group.titles[group.keep])}")
        if group.error:
            click.echo(f"  {printable(group.error)}", err=True)
    if not apply:
        click.echo(f"({plural(len(groups), 'group')}; run `reader dedupe --apply` to merge them)")


@click.command()
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True)
@click.option("--status", type=click.Choice(STATUS_CHOICES, case_sensitive=False))
@click.option("--tag", help="Only papers with this tag.")
@click.option("--min-stars", type=click.IntRange(1, 5), help="Only papers rated at least this.")
@click.option(
    "-o", "--output", type=click.Path(), help="File (a folder for markdown); default stdout."
)
@click.option("--force", is_flag=True, help="Replace existing files.")
@db_option
@click.pass_context
def export(ctx, fmt, status, tag, min_stars, output, force, db_path):
    """Export papers as BibTeX, RIS, CSV, JSON (everything, re-importable) or Markdown
    notes (one file per paper, with YAML front matter; needs -o FOLDER)."""
    service = open_from(ctx, db_path)
    selection = paper_query(status=status, tag=tag, min_stars=min_stars)
    try:
        total = service.export_count(fmt, selection)
    except NothingToExport as error:  # no empty file, and a non-zero exit for scripts
        raise NothingToExport(
            f"{error} " + nothing_found(service, status=status, tag=tag, min_stars=min_stars)
        ) from None
    if output is None:
        if fmt == "markdown":
            raise click.UsageError("markdown export writes a folder of files: give -o FOLDER")
        for chunk in service.export_chunks(fmt, selection):
            click.echo(chunk, nl=False)
        return
    written = service.export_to(fmt, Path(output), selection, force=force)
    where = output if fmt != "markdown" else f"{plural(len(written), 'file')} in {output}"
    click.echo(f"Exported {plural(total, 'paper')} to {where}", err=True)


COMMANDS = [add, import_cmd, dedupe, export]
