"""Editing and deleting papers: metadata typed by the user, checked here; a deletion keeps
the paper (notes and all) in a JSON export written first, and is recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reader.ids import normalize_arxiv_id, normalize_doi
from reader.models import Paper
from reader.store import EDITABLE, DeletedPaper

from .context import Context, ServiceError
from .exporting import Exporting

DELETED_DIR = "deleted"
"""Folder beside the database where a deleted paper's JSON export is kept."""
YEARS = range(1000, 2200)


def split_authors(text: str) -> list[str]:
    """Authors typed as "Ada Lovelace; Alan Turing" (a semicolon, since names hold commas)."""
    return [" ".join(a.split()) for a in text.split(";") if a.strip()]


def clean_changes(fields: dict[str, Any]) -> dict[str, Any]:
    """What the user typed, checked and made into column values (empty: no value)."""
    changes: dict[str, Any] = {}
    for key, raw in fields.items():
        if key not in EDITABLE:
            raise ServiceError(f"{key}: not a field that can be edited ({', '.join(EDITABLE)})")
        text = raw if not isinstance(raw, str) else raw.strip()
        if key == "title":
            if not text:
                raise ServiceError("title: cannot be empty")
            changes[key] = " ".join(str(text).split())
        elif key == "authors":
            changes[key] = split_authors(text) if isinstance(text, str) else list(text)
        elif key == "year":
            if text in ("", None):
                changes[key] = None
                continue
            try:
                year = int(str(text))
            except ValueError:
                raise ServiceError(f"year: {text!r} is not a year") from None
            if year not in YEARS:
                raise ServiceError(f"year: {year} is out of range")
            changes[key] = year
        elif key == "venue":
            changes[key] = text or ""
        elif key == "arxiv_id":
            changes[key] = _normalized(text, normalize_arxiv_id, "arxiv_id", "an arXiv id")
        elif key == "doi":
            changes[key] = _normalized(text, normalize_doi, "doi", "a DOI")
        else:  # url, code_url, pdf_path
            if text and key != "pdf_path" and not str(text).startswith(("http://", "https://")):
                raise ServiceError(f"{key}: {text!r} is not a web address (http:// or https://)")
            changes[key] = text or None
    return changes


def _normalized(text: Any, normalize: Any, key: str, what: str) -> str | None:
    if not text:
        return None
    value = normalize(str(text))
    if value is None:
        raise ServiceError(f"{key}: {text!r} is not {what}")
    return str(value)


class Editing:
    """Edit a paper's metadata; delete a paper (after a JSON export of it)."""

    def __init__(self, ctx: Context, exporting: Exporting) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.exporting = exporting

    def edit_paper(self, ref: str | int, **fields: Any) -> Paper:
        paper_id = self.store.papers.resolve_id(ref)
        self.store.papers.update_paper(paper_id, clean_changes(fields))
        return self.store.papers.get_paper(paper_id)

    def delete_paper(self, ref: str | int) -> Path:
        """Delete the paper; returns the JSON export of it written first (beside the
        database, in ``deleted/``), which ``reader import`` restores."""
        paper = self.store.papers.find(ref)
        now = self.ctx.clock()
        folder = self.store.path.parent / DELETED_DIR
        export = folder / f"paper-{paper.id}-{now.strftime('%Y%m%d-%H%M%S')}.json"
        # reader's own folder, made as the default backups folder is (an export the user
        # names must go to a folder that exists; this one is ours to create).
        try:
            folder.mkdir(exist_ok=True)
        except OSError as error:
            raise ServiceError(f"{folder}: cannot create the folder ({error.strerror})") from None
        self.exporting.write_json([paper.id], export)
        self.store.papers.delete_paper(paper.id, now=now, export_path=str(export))
        return export

    def deleted_papers(self) -> list[DeletedPaper]:
        return self.store.papers.deleted_papers()
