"""Collections: named, ordered reading lists beside tags; exported to BibTeX in order."""

from __future__ import annotations

from pathlib import Path

from reader.export import to_bibtex
from reader.models import Paper
from reader.store import CollectionInfo

from .context import Context, ServiceError
from .exporting import refuse_the_database, write_text


def clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ServiceError("a collection needs a name")
    return cleaned


class Collecting:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.store = ctx.store

    def collections(self) -> list[CollectionInfo]:
        return self.store.collections.all()

    def create(self, name: str) -> str:
        name = clean_name(name)
        self.store.collections.create(name, now=self.ctx.clock())
        return name

    def add(self, name: str, ref: str | int) -> bool:
        """Add a paper at the end of the collection, made if new; False if it was there."""
        name = clean_name(name)
        paper_id = self.store.papers.resolve_id(ref)
        self.store.collections.ensure(name, now=self.ctx.clock())
        return self.store.collections.add(name, paper_id)

    def remove(self, name: str, ref: str | int) -> None:
        self.store.collections.remove(name, self.store.papers.resolve_id(ref))

    def papers(self, name: str) -> list[Paper]:
        return self.store.papers.get_papers(self.store.collections.paper_ids(name))

    def move(self, name: str, ref: str | int, by: int) -> list[Paper]:
        """Move a paper ``by`` places (negative: up), kept within the list."""
        paper_id = self.store.papers.resolve_id(ref)
        order = self.store.collections.paper_ids(name)
        if paper_id not in order:
            raise ServiceError(f"paper {paper_id} is not in {name!r}")
        old = order.index(paper_id)
        new = max(0, min(len(order) - 1, old + by))
        order.insert(new, order.pop(old))
        self.store.collections.reorder(name, order)
        return self.papers(name)

    def move_to(self, name: str, ref: str | int, position: int) -> list[Paper]:
        """Move a paper to ``position`` (1: the top; past the end: the bottom)."""
        paper_id = self.store.papers.resolve_id(ref)
        order = self.store.collections.paper_ids(name)
        if paper_id not in order:
            raise ServiceError(f"paper {paper_id} is not in {name!r}")
        if position < 1:
            raise ServiceError(f"a position is 1 or more, not {position}")
        return self.move(name, paper_id, position - 1 - order.index(paper_id))

    def rename(self, old: str, new: str) -> str:
        """Rename a collection; refused when another one has the new name."""
        new = clean_name(new)
        self.store.collections.rename(old, new)
        return new

    def delete(self, name: str) -> None:
        self.store.collections.delete(name)

    def of_paper(self, ref: str | int) -> list[str]:
        return self.store.collections.of_paper(self.store.papers.resolve_id(ref))

    def bibtex(self, name: str) -> str:
        """The collection's papers as BibTeX text, in the collection's order."""
        return to_bibtex(self.papers(name))

    def export_bibtex(self, name: str, output: Path, *, force: bool = False) -> Path:
        """The collection's papers as BibTeX, in the collection's order."""
        output = Path(output)
        refuse_the_database(output, self.ctx.store.path)
        if output.is_dir():
            raise ServiceError(f"{output}: is a folder; give a file name")
        if output.exists() and not force:
            raise ServiceError(f"{output}: already exists; choose another name")
        write_text(output, [self.bibtex(name)])
        return output
