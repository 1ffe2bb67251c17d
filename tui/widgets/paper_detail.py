"""A paper's metadata and abstract as plain text, and the pane that shows it."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.models import Paper

from ..text import clean, safe, stars_label


def paper_links(paper: Paper) -> list[tuple[str, str]]:
    """(label, target) for every link the paper has, in the order the keys offer them."""
    links = []
    if paper.url:
        links.append(("url", paper.url))
    elif paper.arxiv_id:
        links.append(("url", f"https://arxiv.org/abs/{paper.arxiv_id}"))
    elif paper.doi:
        links.append(("url", f"https://doi.org/{paper.doi}"))
    if paper.code_url:
        links.append(("code", paper.code_url))
    if paper.pdf_path and Path(paper.pdf_path).is_file():  # saved by `reader pdf`
        links.append(("pdf", paper.pdf_path))
    return links


def paper_text(
    paper: Paper, *, abstract: bool = True, steering: str | None = None, rereads: str = ""
) -> Text:
    """Everything here came from outside, so it is built as Text, never parsed as markup,
    and every control character is made visible (see :mod:`tui.text`)."""
    text = Text()
    text.append_text(safe(paper.title, "bold"))
    text.append("\n")
    if paper.authors:
        text.append_text(safe(", ".join(paper.authors), "italic"))
        text.append("\n")
    facts = [
        clean(paper.date or (str(paper.year) if paper.year else ""), newlines=False),
        clean(paper.venue, newlines=False),
        f"arXiv:{clean(paper.arxiv_id)}" if paper.arxiv_id else "",
        f"doi:{clean(paper.doi)}" if paper.doi else "",
        f"#{paper.id}",
    ]
    text.append("  ".join(f for f in facts if f) + "\n", style="dim")
    text.append(f"{paper.status.value}  ", style="bold")
    text.append(stars_label(paper.stars), style="yellow" if paper.stars else "dim")
    if steering:  # "more" or "less" like this (the keys > and <)
        text.append(f"  {'▲' if steering == 'more' else '▼'} {steering} like this", style="bold")
    if paper.tags:
        text.append("  ")
        text.append_text(safe("#" + " #".join(paper.tags), "cyan", newlines=False))
    text.append("\n")
    if rereads:  # "next due in 3 months (Tue 2027-03-02); 2 done, last 2026-11-02"
        text.append(f"re-reads: {rereads}\n", style="dim")
    for label, link in paper_links(paper):
        text.append(f"{label}: ", style="dim")
        text.append_text(safe(link, "dim", newlines=False))
        text.append("\n")
    if abstract:
        text.append("\n")
        text.append_text(safe(paper.abstract) if paper.abstract else Text("(no abstract)", "dim"))
    return text


class PaperDetail(VerticalScroll):
    """Shows the paper given to :meth:`show`."""

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body", markup=False)

    def show(self, paper: Paper | None) -> None:
        body = self.query_one("#detail-body", Static)
        body.update(paper_text(paper) if paper else Text("No paper selected."))
        self.scroll_home(animate=False)
