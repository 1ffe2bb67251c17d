"""Exporters: papers in, text out. Pure; writing files is the caller's job."""

from __future__ import annotations

from dataclasses import dataclass

from reader.models import Paper

__all__ = [
    "PaperWithNotes",
    "citation_keys",
    "to_bibtex",
    "to_csv",
    "to_markdown_files",
    "to_ris",
]


@dataclass(frozen=True)
class PaperWithNotes:
    """A paper and the texts of its notes, oldest first: the input of the Markdown export."""

    paper: Paper
    notes: tuple[str, ...] = ()


from reader.export.bibtex import citation_keys, to_bibtex  # noqa: E402
from reader.export.csv import to_csv  # noqa: E402
from reader.export.markdown import to_markdown_files  # noqa: E402
from reader.export.ris import to_ris  # noqa: E402
