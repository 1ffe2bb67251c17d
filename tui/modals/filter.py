"""Choose which papers the library shows: by status, tag and minimum stars."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select

from reader.models import Status

from ..text import clean, safe
from ..widgets.footer import KeysFooter


@dataclass(frozen=True)
class Filters:
    status: Status | None = None
    tag: str | None = None
    min_stars: int | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.status, self.tag, self.min_stars))

    def describe(self) -> str:
        parts = []
        if self.status is not None:
            parts.append(f"status {self.status.value}")
        if self.tag is not None:
            parts.append(f"tag {clean(self.tag, newlines=False)}")
        if self.min_stars is not None:
            parts.append(f"≥{self.min_stars}★")
        return ", ".join(parts)


class FilterScreen(ModalScreen[Filters | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, current: Filters, tags: list[str]) -> None:
        super().__init__()
        self.current = current
        self.tags = tags

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="filter-dialog"):
            yield Label("Status")
            yield Select(
                [(s.value, s) for s in Status],
                id="filter-status",
                value=self.current.status or Select.NULL,
                prompt="any status",
            )
            yield Label("Tag")
            yield Select(
                [(safe(t, newlines=False), t) for t in self.tags],  # a tag is data, not markup
                id="filter-tag",
                value=self.current.tag if self.current.tag in self.tags else Select.NULL,
                prompt="any tag",
            )
            yield Label("At least")
            yield Select(
                [("★" * n + f"  ({n}+)", n) for n in range(1, 6)],
                id="filter-stars",
                value=self.current.min_stars or Select.NULL,
                prompt="any rating",
            )
            with Horizontal(classes="buttons"):
                yield Button("Apply", id="apply", variant="primary")
                yield Button("Clear", id="clear")
                yield Button("Cancel", id="cancel")
        yield KeysFooter(compact=True)  # the dialog's own keys, not the screen's below

    def on_mount(self) -> None:
        self.query_one("#filter-status", Select).focus()

    def _value(self, selector: str) -> object:
        value = self.query_one(selector, Select).value
        return None if value is Select.NULL else value

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            status = self._value("#filter-status")
            tag = self._value("#filter-tag")
            stars = self._value("#filter-stars")
            self.dismiss(
                Filters(
                    status if isinstance(status, Status) else None,
                    tag if isinstance(tag, str) else None,
                    stars if isinstance(stars, int) else None,
                )
            )
        elif event.button.id == "clear":
            self.dismiss(Filters())
        else:
            self.dismiss(None)
