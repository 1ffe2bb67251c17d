"""Getting papers out: ``reader export`` as BibTeX, RIS, CSV, our own JSON, or a folder of
Markdown notes. A file is written under a temporary name and renamed into place."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.export import PaperWithNotes, to_bibtex, to_csv, to_markdown_files, to_ris
from reader.export.bibtex import citation_keys
from reader.models import EVERY_PAPER, Paper, PaperQuery
from reader.store import to_iso

from .archive_format import archive_chunks
from .context import Context, ServiceError

EXPORT_FORMATS = ("bibtex", "ris", "csv", "json", "markdown")


@dataclass(frozen=True)
class Citation:
    """One paper as a reference: its BibTeX entry, citation key and link (or None)."""

    key: str
    bibtex: str
    link: str | None


def paper_link(paper: Paper) -> str | None:
    """The paper's web page: its own URL, else its arXiv page, else its DOI."""
    if paper.url:
        return paper.url
    if paper.arxiv_id:
        return f"https://arxiv.org/abs/{paper.arxiv_id}"
    if paper.doi:
        return f"https://doi.org/{paper.doi}"
    return None


class NothingToExport(ServiceError):
    """The filters select no paper: nothing is written (not an empty file)."""


class ExportExists(ServiceError):
    """The export would replace a file that exists (``path``), and ``force`` was not given."""

    def __init__(self, path: Path, more: str = "") -> None:
        super().__init__(f"{path}: already exists{more}; use --force to replace it")
        self.path = path


SQLITE_SIDECARS = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database while it is open."""


class Exporting:
    """``reader export``: the papers a :class:`PaperQuery` selects (its filters only)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.store = ctx.store

    def check_selection(self, fmt: str, selection: PaperQuery) -> int:
        """How many papers ``selection`` exports; :class:`NothingToExport` when none and
        the export would be empty (a whole JSON archive still holds settings, interests)."""
        total = self.store.papers.count_papers(selection)
        if total == 0 and not (fmt == "json" and not selection.filtered):
            raise NothingToExport("0 papers to export; nothing written.")
        return total

    def _export_ids(self, selection: PaperQuery) -> list[int] | None:
        """Ids of the papers the filters select, or None for every paper."""
        if not selection.filtered:
            return None
        return [p.id for p in self.store.papers.list_papers(selection)]

    def export_chunks(
        self,
        fmt: str,
        selection: PaperQuery = EVERY_PAPER,
    ) -> Iterator[str]:
        """The export as text pieces (bibtex, ris, csv, json); join or write them."""
        if fmt not in EXPORT_FORMATS or fmt == "markdown":
            raise ServiceError(
                f"cannot export {fmt!r} as text; use one of: bibtex, ris, csv, json"
                + (" (markdown needs -o FOLDER)" if fmt == "markdown" else "")
            )
        ids = self._export_ids(selection)
        if fmt == "json":
            yield from self._json_chunks(ids)
            return
        papers = (
            self.store.papers.list_papers() if ids is None else self.store.papers.get_papers(ids)
        )
        writer = {"bibtex": to_bibtex, "ris": to_ris, "csv": to_csv}[fmt]
        yield writer(papers)

    def _json_chunks(self, ids: list[int] | None) -> Iterator[str]:
        paper_ids = self.store.papers.all_paper_ids() if ids is None else ids
        glob = self.store.archive.archive_globals(None if ids is None else paper_ids)
        head = {"exported_at": to_iso(self.ctx.clock()), **glob}
        yield from archive_chunks(head, self.store.archive.iter_archive_papers(paper_ids))

    def export_to(
        self,
        fmt: str,
        output: Path,
        *,
        force: bool = False,
        selection: PaperQuery = EVERY_PAPER,
    ) -> list[Path]:
        """Write the export to ``output`` (a folder for markdown); never replaces an
        existing file unless ``force``. Returns the files written."""
        output = Path(output)
        _require_folder(output.parent)
        refuse_the_database(output, self.store.path)
        self.check_selection(fmt, selection)
        if fmt == "markdown":
            return self._export_markdown(output, force, selection)
        if output.is_dir():
            raise ServiceError(f"{output}: is a folder; give a file name")
        if output.exists() and not force:
            raise ExportExists(output)
        chunks = self.export_chunks(fmt, selection)
        _write_atomic(output, chunks)
        return [output]

    def citation(self, ref: str | int) -> Citation:
        """The key is the paper's own (surname, year, first word): the one an export of it
        alone gets; in a larger export an older paper with the same key may push it to
        ``...a``."""
        paper = self.store.papers.find(ref)
        key = citation_keys([paper])[0]
        return Citation(key, to_bibtex([paper]), paper_link(paper))

    def write_json(self, paper_ids: list[int], output: Path) -> Path:
        """The JSON export of these papers only (notes and all), written to ``output``."""
        _write_atomic(output, self._json_chunks(paper_ids))
        return output

    def _export_markdown(
        self,
        folder: Path,
        force: bool,
        selection: PaperQuery,
    ) -> list[Path]:
        if folder.exists() and not folder.is_dir():
            raise ServiceError(f"{folder}: is a file; markdown export needs a folder")
        ids = self._export_ids(selection)
        papers = (
            self.store.papers.list_papers() if ids is None else self.store.papers.get_papers(ids)
        )
        files = to_markdown_files(
            PaperWithNotes(p, tuple(n.text for n in self.store.reading.notes(p.id))) for p in papers
        )
        clashes = [name for name in files if (folder / name).exists()]
        if clashes and not force:
            more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
            raise ExportExists(folder / clashes[0], more)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ServiceError(f"{folder}: cannot create the folder ({error.strerror})") from None
        written = []
        for name, content in files.items():
            _write_atomic(folder / name, [content])
            written.append(folder / name)
        return written


def write_text(path: Path, chunks: Iterable[str]) -> None:
    """Write a file atomically (see ``_write_atomic``), for other use cases' exports."""
    _write_atomic(path, chunks)


def _write_atomic(path: Path, chunks: Iterable[str]) -> None:
    """Write through a temporary file beside ``path`` and rename it into place, so a
    failed export never leaves half a file where a good one was.

    A symbolic link is written through (its target is replaced, the link stays: a
    ``thesis.bib`` linked into a synced folder was turned into a plain file and the synced
    one kept the old text); a device or pipe (``/dev/stdout``) is written to as it is,
    never replaced by a file."""
    if path.is_symlink():
        path = path.resolve()
    if path.exists() and not path.is_file():
        _write_through(path, chunks)
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as error:
        raise ServiceError(f"{path}: cannot write ({error.strerror or error})") from None
    try:
        # mkstemp makes the file 0600; an export is an ordinary file, made as any other
        # program would (0666 less the umask), or keeps the mode of the file it replaces.
        os.chmod(fd, _mode_of(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.writelines(chunks)
        os.replace(tmp, path)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise ServiceError(f"{path}: cannot write ({error.strerror or error})") from None
        raise


def _write_through(path: Path, chunks: Iterable[str]) -> None:
    try:
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.writelines(chunks)
    except OSError as error:
        raise ServiceError(f"{path}: cannot write ({error.strerror or error})") from None


def refuse_the_database(output: Path, database: Path) -> None:
    """Refuse to write an export over the database, its -wal/-shm or a link to it:
    ``--force -o reader.db`` replaced the library with its own JSON export."""
    database = database.resolve()
    own = {database, *(database.with_name(database.name + end) for end in SQLITE_SIDECARS)}
    if output.resolve() in own:
        raise ServiceError(f"{output}: that is the database itself; give another file name")


def _require_folder(folder: Path) -> None:
    """Refuse to write into a folder that does not exist: a mistyped path should not
    quietly create a tree of folders (choose the folder, then export into it)."""
    if not folder.is_dir():
        raise ServiceError(f"{folder}: no such folder; create it first, or give another path")


def _mode_of(path: Path) -> int:
    """The permission bits a new file at ``path`` would get: those of the file it
    replaces, else 0666 less the process's umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0o022)  # reading the umask means setting it; put it back at once
        os.umask(umask)
        return 0o666 & ~umask
