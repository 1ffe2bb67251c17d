"""Hidden: the papers kept out of suggestions ("not for me", snoozed), to take back.

Opened from Today (``h``, or the palette). Taking a paper back forgets its "not for me"
and its snoozes (``Service.take_back``): it may be suggested again.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from reader.models import Paper
from reader.service import HiddenPaper

from ..text import clean, short
from ..widgets.footer import KeysFooter
from .base import ReaderScreen, list_bindings

EMPTY = 'Nothing hidden: no paper is marked "not for me" or snoozed.'


def hidden_line(hidden: HiddenPaper, paper: Paper, width: int = 78) -> Text:
    """Why it is hidden (dim), then the title, cut to ``width``."""
    if hidden.kind == "not_for_me":
        why = "not for me"
    else:
        assert hidden.until is not None
        why = f"snoozed until {hidden.until.date().isoformat()}"
    line = Text(f"{why:<26}", style="dim")
    line.append(clean(paper.title, newlines=False)[: width + 1])
    line.truncate(width, overflow="ellipsis")
    return line


class HiddenScreen(ReaderScreen):
    HELP_TITLE = "Hidden papers"
    CHANGES_DATA = frozenset({"take_back"})
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back to Today", id="hidden-back"),
        Binding(
            "b",
            "take_back",
            "Take back",
            tooltip="Suggest the highlighted paper again (forget its not-for-me or snooze)",
            id="hidden-take-back",
        ),
        *list_bindings("hidden"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="hidden"):
            yield Static(
                'Papers marked "not for me" or snoozed: b takes one back.',
                id="hidden-title",
                markup=False,
            )
            yield OptionList(id="hidden-list", markup=False)
            yield Static(EMPTY, id="hidden-empty", markup=False)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Hidden"
        self.load()

    def load(self) -> None:
        listing = self.query_one("#hidden-list", OptionList)
        before = listing.highlighted
        before_id = self._selected()
        found = self.reader.attempt("load hidden papers", self.service.hidden) or []
        width = max(20, (listing.size.width or self.app.size.width - 2) - 6)
        listing.clear_options()
        listing.add_options([Option(hidden_line(h, p, width), id=str(p.id)) for h, p in found])
        listing.display = bool(found)
        self.query_one("#hidden-empty").display = not found
        if found:
            listing.highlighted = min(before or 0, len(found) - 1)
            listing.focus()
            if before_id is not None and before_id != self._selected():
                # Another paper under the cursor (the one there was taken back): a b
                # typed in the same burst was meant for the one that left.
                self.moved_under_cursor()
        self.refresh_bindings()

    def on_resize(self) -> None:
        self.load()

    def _selected(self) -> int | None:
        option = self.query_one("#hidden-list", OptionList).highlighted_option
        return int(option.id) if option is not None and option.id else None

    def action_take_back(self) -> None:
        # Always on, doing nothing with nothing to take back: an action turned off lets its
        # key through to the app's own b, and the last b on an emptied list opened the Inbox.
        paper_id = self._selected()
        if paper_id is None:
            return
        paper = self.reader.attempt("take it back", self.service.take_back, paper_id)
        if paper is not None:
            self.notify(
                f"{short(paper.title, 60)}: may be suggested again.",
                markup=False,
            )
            self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def list_widget(self) -> OptionList:
        return self.query_one("#hidden-list", OptionList)
