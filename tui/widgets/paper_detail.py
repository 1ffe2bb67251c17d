"""The detail pane: one paper's metadata and abstract, shown as plain text."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.models import Paper


def stars_label(stars: int | None) -> str:
    return "★" * stars + "☆" * (5 - stars) if stars else "unrated"


def paper_text(paper: Paper) -> Text:
    """Everything here came from outside, so it is built as Text, never parsed as markup."""
    text = Text()
    text.append(paper.title, style="bold")
    text.append("\n")
    if paper.authors:
        text.append(", ".join(paper.authors), style="italic")
        text.append("\n")
    facts = [
        str(paper.year or ""),
        paper.venue,
        f"arXiv:{paper.arxiv_id}" if paper.arxiv_id else "",
        f"doi:{paper.doi}" if paper.doi else "",
    ]
    line = "  ".join(f for f in facts if f)
    if line:
        text.append(line + "\n", style="dim")
    text.append(f"{paper.status.value}  {stars_label(paper.stars)}", style="bold")
    if paper.tags:
        text.append("  #" + " #".join(paper.tags))
    text.append("\n")
    for label, link in (("url", paper.url), ("code", paper.code_url)):
        if link:
            text.append(f"{label}: {link}\n", style="dim")
    text.append("\n")
    text.append(paper.abstract or "(no abstract)")
    return text


class PaperDetail(VerticalScroll):
    """Shows the paper given to :meth:`show`."""

    def compose(self):
        yield Static(id="detail-body", markup=False)

    def show(self, paper: Paper | None) -> None:
        body = self.query_one("#detail-body", Static)
        body.update(paper_text(paper) if paper else Text("No paper selected."))
        self.scroll_home(animate=False)
