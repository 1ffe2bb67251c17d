"""Every key, generated from the bindings themselves so the list cannot go stale."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..widgets.footer import KeysFooter

Section = tuple[str, Sequence[BindingType]]

EDITOR_KEYS = [
    ("Tab / Shift+Tab", "move between the notes list, the editor and the other panes"),
    ("Escape", "leave the note editor (the note is saved)"),
    ("Ctrl+Z / Ctrl+Y", "undo / redo in the editor"),
    ("Ctrl+P", "command palette: every action by name, and the theme"),
]


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the screen it was opened from first, then every other screen's."""

    BINDINGS = [
        Binding("escape,question_mark,f1,q", "dismiss", "Close", id="help-close"),
    ]

    def __init__(self, sections: Iterable[Section]) -> None:
        super().__init__()
        self.sections = list(sections)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(Text("Keys", style="bold"), id="help-title")
            for title, bindings in self.sections:
                yield Static(self._table(title, bindings), classes="help-section")
            yield Static(self._pairs("Typing", EDITOR_KEYS), classes="help-section")
        yield KeysFooter(compact=True)  # the dialog's own keys, not the screen's below

    def _table(self, title: str, bindings: Sequence[BindingType]) -> Table:
        rows: dict[str, list[str]] = {}
        for binding in Binding.make_bindings(bindings):
            if not binding.description:
                continue
            key = self.app.get_key_display(binding)
            # One row per action, with all its keys ("? / f1" for help).
            label = binding.tooltip or binding.description
            rows.setdefault(label, [])
            if key not in rows[label]:
                rows[label].append(key)
        return self._pairs(title, [(" / ".join(keys), label) for label, keys in rows.items()])

    @staticmethod
    def _pairs(title: str, pairs: Sequence[tuple[str, str]]) -> Table:
        table = Table(
            title=title,
            title_justify="left",
            title_style="bold",
            show_header=False,
            box=None,
            padding=(0, 1),
            expand=True,
        )
        table.add_column("key", style="bold", no_wrap=True, min_width=10)
        table.add_column("action", ratio=1)
        for key, label in pairs:
            table.add_row(Text(key), Text(label))
        return table
