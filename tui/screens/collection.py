"""One collection: its papers in the user's order, to reorder, open, remove or export.

Opened from the palette ("Collections: open…"); papers are added from a paper (``C``).
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from reader.service import StoreError

from ..modals.choice import PromptScreen
from ..modals.confirm import ConfirmScreen
from ..text import clean, short
from ..widgets.footer import KeysFooter
from .base import ReaderScreen, list_bindings
from .today import paper_line


class CollectionScreen(ReaderScreen):
    HELP_TITLE = "Collection"
    CHANGES_DATA = frozenset({"move", "remove"})
    BINDINGS = [
        Binding("escape", "back", "Back", id="collection-back"),
        Binding(
            "enter", "open", "Open", tooltip="Open the highlighted paper", id="collection-open"
        ),
        Binding("K", "move(-1)", "Move up", tooltip="Move the paper up", id="collection-up"),
        Binding("J", "move(1)", "Move down", tooltip="Move the paper down", id="collection-down"),
        Binding(
            "delete",
            "remove",
            "Remove",
            tooltip="Take the paper out of this collection (the paper stays)",
            id="collection-remove",
        ),
        Binding(
            "b",
            "export",
            "BibTeX",
            tooltip="Export the collection to a BibTeX file, in this order",
            id="collection-export",
        ),
        *list_bindings("collection"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name_shown = name

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="collection"):
            yield Static(Text(self.name_shown, style="bold"), id="collection-title", markup=False)
            yield OptionList(id="collection-list", markup=False)
            yield Static(
                "Empty: open a paper and press C to add it here.",
                id="collection-empty",
                markup=False,
            )
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Collection"
        self.load()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.is_mounted:
            self.load()

    def load(self, highlight: int | None = None) -> None:
        listing = self.query_one("#collection-list", OptionList)
        current = listing.highlighted_option
        row = listing.highlighted or 0
        keep = (
            highlight
            if highlight is not None
            else (int(current.id) if current and current.id else None)
        )
        papers = (
            self.reader.attempt(
                "load the collection", self.service.collecting.papers, self.name_shown
            )
            or []
        )
        width = max(20, (listing.size.width or self.app.size.width - 2) - 10)
        listing.clear_options()
        for index, paper in enumerate(papers, 1):
            line = Text(f"{index:>3}. ", style="dim")
            line.append_text(paper_line(paper, width=width))
            listing.add_option(Option(line, id=str(paper.id)))
        listing.display = bool(papers)
        self.query_one("#collection-empty").display = not papers
        if papers:
            ids = [p.id for p in papers]
            if keep in ids:
                listing.highlighted = ids.index(keep)
            else:
                # The paper left (removed): its neighbour takes the row, not the first
                # paper, and keys typed meanwhile wait (a second Delete removed #1).
                listing.highlighted = min(row, len(ids) - 1)
                if current is not None:
                    self.moved_under_cursor()
            listing.focus()
        self.refresh_bindings()

    def _selected(self) -> int | None:
        option = self.query_one("#collection-list", OptionList).highlighted_option
        return int(option.id) if option is not None and option.id else None

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open", "move", "remove"):
            return self.is_mounted and self._selected() is not None
        return True

    @on(OptionList.OptionHighlighted, "#collection-list")
    def _highlighted(self) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#collection-list")
    def _chosen(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        from .paper import PaperScreen

        paper_id = self._selected()
        if paper_id is not None:
            self.app.push_screen(PaperScreen(paper_id))

    def action_move(self, by: int) -> None:
        paper_id = self._selected()
        if paper_id is None:
            return
        moved = self.reader.attempt(
            "reorder", self.service.collecting.move, self.name_shown, paper_id, by
        )
        if moved is not None:
            self.load(highlight=paper_id)

    def action_remove(self) -> None:
        paper_id = self._selected()
        if paper_id is None:
            return
        paper = self.reader.attempt("load the paper", self.service.paper, paper_id)
        try:
            self.service.collecting.remove(self.name_shown, paper_id)
        except StoreError as error:
            self.notify(str(error), title="Could not remove", severity="error", markup=False)
        else:
            what = f": {short(paper.title, 60)}" if paper is not None else ""
            self.notify(f"Removed from {self.name_shown}{what}", markup=False)
        self.load()

    def action_export(self) -> None:
        default = Path.home() / f"{clean(self.name_shown, newlines=False).replace('/', '-')}.bib"

        def export(path: str) -> str | None:
            """The prompt stays open with the reason when the file cannot be written (it
            exists, no such folder), so the path is corrected, not typed again."""
            if not path.strip():
                return None
            try:
                written = self.service.collecting.export_bibtex(
                    self.name_shown, Path(path.strip()).expanduser()
                )
            except (StoreError, OSError) as error:
                return str(error)
            self.notify(str(written), title="Exported BibTeX", markup=False)
            return None

        self.app.push_screen(
            PromptScreen("Export to BibTeX file", str(default), str(default), submit=export)
        )

    def rename(self) -> None:
        """``reader collection rename``: the new name is shown at once."""

        def entered(name: str | None) -> None:
            if not name or not name.strip():
                return
            new = self.reader.attempt(
                "rename", self.service.collecting.rename, self.name_shown, name
            )
            if new is not None:
                self.name_shown = new
                self.query_one("#collection-title", Static).update(Text(new, style="bold"))
                self.notify(f"Renamed to {new}", markup=False)

        self.app.push_screen(PromptScreen("Rename the collection", "", self.name_shown), entered)

    def delete(self) -> None:
        """``reader collection delete``, after asking; its papers stay in the library."""

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            if self.reader.attempt("delete", self._delete) is not None:
                self.notify(f"Deleted the collection {self.name_shown}", markup=False)
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmScreen(
                f"Delete the collection {self.name_shown}? Its papers stay in the library.",
                yes="Delete",
                no="Keep",
            ),
            answered,
        )

    def _delete(self) -> bool:
        self.service.collecting.delete(self.name_shown)
        return True

    def palette_commands(self):  # type: ignore[no-untyped-def]
        yield from super().palette_commands()
        yield "Collection: rename…", "Give this collection another name", self.rename
        yield "Collection: delete…", "Delete it (its papers stay in the library)", self.delete

    def action_back(self) -> None:
        self.app.pop_screen()

    def list_widget(self) -> OptionList:
        return self.query_one("#collection-list", OptionList)
