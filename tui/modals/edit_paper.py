"""Edit a paper's metadata: one box per field. The service checks what is typed; a mistake
is shown under the boxes and the dialog stays open with what was typed."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from reader.models import Paper

from ..text import from_box, safe, to_box
from ..widgets.footer import KeysFooter
from .confirm import ConfirmScreen
from .dialog import Dialog

FIELDS: list[tuple[str, str]] = [
    ("title", "Title"),
    ("authors", "Authors (a; b)"),
    ("year", "Year"),
    ("venue", "Venue"),
    ("arxiv_id", "arXiv id"),
    ("doi", "DOI"),
    ("url", "Web page"),
    ("code_url", "Code"),
    ("pdf_path", "Local PDF"),
]

Save = Callable[[dict[str, str]], str | None]
"""Stores the changed fields; returns an error message, or None when saved."""


def field_values(paper: Paper) -> dict[str, str]:
    """The paper's fields as the boxes show them."""
    return {
        "title": paper.title,
        "authors": "; ".join(paper.authors),
        "year": str(paper.year or ""),
        "venue": paper.venue,
        "arxiv_id": paper.arxiv_id or "",
        "doi": paper.doi or "",
        "url": paper.url or "",
        "code_url": paper.code_url or "",
        "pdf_path": paper.pdf_path or "",
    }


class EditPaperScreen(Dialog[bool]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save", priority=True),
    ]

    def __init__(self, paper: Paper, save: Save) -> None:
        super().__init__()
        self.values = field_values(paper)
        self.save = save

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="edit-paper"):
            yield Static(Text("Edit the paper (Ctrl+S or Enter saves)", style="bold"))
            yield Static("", id="edit-error", markup=False)
            for key, label in FIELDS:
                with Horizontal(classes="edit-row"):
                    yield Label(label)
                    yield Input(to_box(self.values[key]), id=f"edit-{key}")
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")
        yield KeysFooter(compact=True)  # the dialog's own keys, not the screen's below

    def on_mount(self) -> None:
        blink = getattr(self.app, "cursor_blink", True)
        for box in self.query(Input):
            box.cursor_blink = blink
        self.query_one("#edit-title", Input).focus()

    def changes(self) -> dict[str, str]:
        typed = {
            key: from_box(self.query_one(f"#edit-{key}", Input).value, self.values[key])
            for key, _ in FIELDS
        }
        return {k: v for k, v in typed.items() if v.strip() != self.values[k].strip()}

    def action_save(self) -> None:
        if self.answered:
            return  # a second Enter of the burst: saved once already
        changes = self.changes()
        if not changes:
            self.dismiss(False)
            return
        error = self.save(changes)
        if error is not None:
            self.query_one("#edit-error", Static).update(safe(error, "bold red"))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close, asking first when something was typed: Escape threw edits away without
        a word, while in the note editor Escape saves."""
        if self.answered:
            return
        if not self.changes():
            self.dismiss(False)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(False)

        self.app.push_screen(
            ConfirmScreen("Discard your changes to this paper?", yes="Discard", no="Keep editing"),
            answered,
        )

    def on_input_submitted(self) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()
