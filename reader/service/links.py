"""Where a paper can be read: its page and its PDF."""

from __future__ import annotations

import os

from reader.models import Paper

PDF_BASE_ENV = "READER_ARXIV_PDF"
"""Where PDFs are fetched from (``{base}/pdf/<id>``); tests point it at a local server."""


def paper_url(paper: Paper) -> str | None:
    """The paper's page: its arXiv abstract page, else its own link, else its DOI's."""
    if paper.arxiv_id:
        return f"https://arxiv.org/abs/{paper.arxiv_id}"
    if paper.url:
        return paper.url
    if paper.doi:
        return f"https://doi.org/{paper.doi}"
    return None


def pdf_url(paper: Paper, base: str | None = None) -> str | None:
    """The arXiv PDF of a paper with an arXiv id (None without one)."""
    if not paper.arxiv_id:
        return None
    root = (base or os.environ.get(PDF_BASE_ENV) or "https://arxiv.org").rstrip("/")
    return f"{root}/pdf/{paper.arxiv_id}"
