"""Write a quick note on a paper (from the review): a Markdown TextArea in a dialog.

The note is saved through the service when the dialog closes (Ctrl+S or Escape) and when
the app ends while it is open (quit, a closed terminal, a failure). A database error keeps
the dialog and the text open.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from reader.models import Note
from reader.service import StoreError

from ..text import short
from ..widgets.footer import KeysFooter

if TYPE_CHECKING:
    from ..app import ReaderApp


class NoteScreen(ModalScreen[Note | None]):
    """Returns the saved note, or None when nothing was written."""

    BINDINGS = [
        # Priority: the editor would take Escape for itself (to leave the text box).
        Binding(
            "ctrl+s",
            "save",
            "Save",
            priority=True,
            tooltip="Save the note and close",
            id="note-save",
        ),
        Binding(
            "escape",
            "save",
            "Done",
            show=False,
            priority=True,
            tooltip="Save the note and close",
            id="note-done",
        ),
    ]

    def __init__(self, paper_id: int, title: str) -> None:
        super().__init__()
        self.paper_id = paper_id
        self.paper_title = title
        self.saved: Note | None = None
        self.typed_text = ""
        """The editor's text, kept here too: it is saved even when the app is closed and
        the editor already taken down."""

    @property
    def reader(self) -> ReaderApp:
        return cast("ReaderApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="note-dialog"):
            heading = Text("Note on ", style="bold")
            heading.append(short(self.paper_title, 80))
            yield Static(heading)
            yield TextArea(id="quick-note", soft_wrap=True, tab_behavior="indent")
            yield Static(
                Text("Markdown. Ctrl+S or Escape saves; an empty note is not kept.", style="dim")
            )
        yield KeysFooter(compact=True)  # the dialog's own keys, not the screen's below

    def on_mount(self) -> None:
        editor = self.query_one("#quick-note", TextArea)
        editor.cursor_blink = self.reader.cursor_blink
        editor.focus()
        self.reader.register_flusher(self.flush)

    def on_unmount(self) -> None:
        # The app's own flush at its end comes after its screens are taken down: a note
        # open when the app failed or was closed another way was lost.
        self.reader.unregister_flusher(self.flush)
        with suppress(Exception):  # the app is going: a message could not be shown
            self.flush()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.typed_text = event.text_area.text

    def flush(self) -> bool:
        """Save what is typed (once); False when the database refused it."""
        text = self.typed_text
        if self.saved is None and not text.strip():
            return True  # nothing written
        if self.saved is not None and self.saved.text == text:
            return True  # saved already
        try:
            self.saved = self.reader.service.save_note(
                self.paper_id, self.saved.id if self.saved else None, text
            )
        except StoreError as error:
            self.notify(
                f"{error}\nYour text is kept here; try Ctrl+S again.",
                title="Note not saved",
                severity="error",
                markup=False,
            )
            return False
        return True

    def action_save(self) -> None:
        if self.flush():
            self.dismiss(self.saved)
