"""Papers and arXiv beyond the daily feed: ``reader enrich`` (find the arXiv id, authors,
year and link of papers that lack them, by title), the page or PDF to open, and
``reader pdf`` (download once into the data folder).

Every request goes through the arXiv client the inbox uses, so through the app's one
arXiv limiter (one request every 3 seconds).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.harvest.client import ArxivClient, HarvestError
from reader.match import near_exact_title
from reader.models import Paper
from reader.store import StoreError

from .context import Context, ServiceError
from .links import paper_url, pdf_url

PDF_FOLDER = "pdfs"
"""Downloaded PDFs live here, beside the database (the data folder)."""

Progress = Callable[[str], None]


@dataclass(frozen=True)
class EnrichResult:
    """What ``reader enrich`` did for one paper; the user sees what was matched."""

    paper_id: int
    title: str
    outcome: str
    """matched, no match, or failed."""
    matched_title: str | None = None
    """The arXiv title accepted (matched) or the closest one refused (no match)."""
    arxiv_id: str | None = None
    filled: tuple[str, ...] = ()
    error: str | None = None


class Online:
    """``enrich``, a paper's link, and its PDF."""

    def __init__(self, ctx: Context, client: Callable[[], ArxivClient]) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self._client = client

    def enrich(
        self, refs: Sequence[str | int] = (), *, progress: Progress | None = None
    ) -> list[EnrichResult]:
        """Look up each paper (default: every paper with no arXiv id and no DOI) by title
        on the arXiv API; accept a result only when its title matches nearly exactly, and
        then fill only what the paper lacks (arXiv id, DOI, authors, year, link)."""
        ids = (
            [self.store.papers.resolve_id(ref) for ref in refs]
            if refs
            else self.store.papers.ids_without_identity()
        )
        results = []
        for number, paper in enumerate(self.store.papers.get_papers(ids), start=1):
            if progress:
                progress(f"[{number}/{len(ids)}] {paper.title}")
            results.append(self._enrich_one(paper))
        return results

    def _enrich_one(self, paper: Paper) -> EnrichResult:
        try:
            found = self._client().title_search(paper.title)
        except HarvestError as error:
            return EnrichResult(paper.id, paper.title, "failed", error=str(error))
        match = next((r for r in found if near_exact_title(r.title, paper.title)), None)
        if match is None:
            closest = found[0].title if found else None
            return EnrichResult(paper.id, paper.title, "no match", matched_title=closest)
        try:
            filled = self.store.papers.fill_identity(
                paper.id,
                arxiv_id=match.arxiv_id,
                doi=match.doi,
                authors=match.authors,
                year=match.year,
                url=None,  # the arXiv id gives the page; a paper's own link is kept
            )
        except StoreError as error:
            return EnrichResult(
                paper.id, paper.title, "failed", match.title, match.arxiv_id, error=str(error)
            )
        return EnrichResult(
            paper.id, paper.title, "matched", match.title, match.arxiv_id, tuple(filled)
        )

    # Reading the paper ------------------------------------------------------------------

    def link(self, ref: str | int, *, pdf: bool = False) -> str:
        """What to open: the paper's page, or with ``pdf`` its downloaded PDF (else
        arXiv's PDF URL).

        Raises:
            ServiceError: the paper has no link of that kind.
        """
        paper = self.store.papers.find(ref)
        if pdf:
            local = self.local_pdf(paper)
            target = str(local) if local else pdf_url(paper)
            if target is None:
                raise ServiceError(f"paper {paper.id} has no PDF: no arXiv id (try reader enrich)")
            return target
        url = paper_url(paper)
        if url is None:
            raise ServiceError(
                f"paper {paper.id} has no link: no arXiv id, DOI or URL (try reader enrich)"
            )
        return url

    def local_pdf(self, paper: Paper) -> Path | None:
        """The downloaded PDF, when the store remembers one that still exists."""
        if paper.pdf_path and Path(paper.pdf_path).is_file():
            return Path(paper.pdf_path)
        return None

    def download_pdf(self, ref: str | int) -> tuple[Path, bool]:
        """The paper's PDF in the data folder: downloaded once (True), or the copy
        already there (False). Written under a temporary name and renamed, so an
        interrupted download leaves no half file under the real name.

        Raises:
            ServiceError: no arXiv id, or the download failed (one line).
        """
        paper = self.store.papers.find(ref)
        local = self.local_pdf(paper)
        if local is not None:
            return local, False
        url = pdf_url(paper)
        if url is None or paper.arxiv_id is None:
            raise ServiceError(f"paper {paper.id} has no arXiv id: no PDF to fetch")
        try:
            body = self._client().pdf(url, f"PDF {paper.arxiv_id}")
        except HarvestError as error:
            raise ServiceError(str(error)) from None
        folder = self.store.path.parent / PDF_FOLDER
        target = folder / (paper.arxiv_id.replace("/", "_") + ".pdf")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as out:
                out.write(body)
            os.replace(out.name, target)
        except OSError as error:
            raise ServiceError(f"{target}: cannot save the PDF ({error.strerror})") from None
        self.store.papers.set_pdf_path(paper.id, str(target))
        return target, True
