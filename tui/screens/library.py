"""Library: every paper in a table, with the selected paper's details beside it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header

from reader.models import Paper
from reader.service import Service

from ..widgets.paper_detail import PaperDetail, stars_label


class LibraryScreen(Screen[None]):
    BINDINGS = [
        Binding("r", "refresh", "Refresh", tooltip="Reload papers from the database"),
    ]

    def __init__(self, service: Service) -> None:
        super().__init__()
        self.service = service
        self._papers: dict[int, Paper] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="library"):
            yield DataTable(id="papers", cursor_type="row", zebra_stripes=True)
            yield PaperDetail(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#papers", DataTable)
        table.add_column("Title", key="title", width=48)
        table.add_column("Status", key="status", width=8)
        table.add_column("Stars", key="stars", width=7)
        self.action_refresh()
        table.focus()

    def action_refresh(self) -> None:
        table = self.query_one("#papers", DataTable)
        papers = self.service.papers()
        self._papers = {p.id: p for p in papers}
        table.clear()
        for paper in papers:
            # Text(...) rather than str: a title like "[bold]" must show as written.
            table.add_row(
                Text(paper.title),
                Text(paper.status.value),
                Text(stars_label(paper.stars) if paper.stars else ""),
                key=str(paper.id),
            )
        self._show_selected()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        table = self.query_one("#papers", DataTable)
        paper = None
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            paper = self._papers.get(int(key)) if key else None
        self.query_one(PaperDetail).show(paper)
