"""A yes/no question."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from ..text import safe
from ..widgets.footer import KeysFooter
from .dialog import Dialog


class ConfirmScreen(Dialog[bool]):
    BINDINGS = [
        Binding("escape", "dismiss(False)", "Cancel"),
        Binding("y", "yes", "Yes", show=False),
        Binding("n", "dismiss(False)", "No", show=False),
        # Enter answers as the key arrives, not when the button's Pressed message comes
        # back: "Enter y" in one burst ran y first, and Keep (focused) became Delete.
        Binding("enter", "press_focused", "Choose", show=False, priority=True),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe(self.question))  # may quote a title or a file name
            with Horizontal(classes="buttons"):
                yield Button(self.yes, id="yes", variant="error")
                yield Button(self.no, id="no", variant="primary")
        yield KeysFooter(compact=True)  # the dialog's own keys, not the screen's below

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_yes(self, at: float | None = None) -> None:
        """Yes, unless it came before the question could be read: Delete then y 150 ms
        later deleted a paper. No (n, Escape, the No button) always works."""
        if not self.typed_ahead(at):
            self.dismiss(True)

    def action_press_focused(self) -> None:
        if self.focused is self.query_one("#yes", Button):
            self.action_yes()
        else:
            self.dismiss(False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        # Only a click comes here (Enter is action_press_focused): no key is being
        # handled, so the click's own time says when it came.
        if event.button.id == "yes":
            self.action_yes(at=event.time)
        else:
            self.dismiss(False)
