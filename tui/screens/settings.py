"""Settings: suggestions per day, re-reads per day, desired retention, which ratings get
no re-reads, the theme, and where the data lives.

Each value is checked and stored by the service (``set_setting``) when the user presses
Enter or leaves the field; a refused value keeps the field as typed and says why.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Input, Select, Static

from reader.service import SETTINGS, StoreError
from reader.units import human_size

from ..text import clean
from ..widgets.footer import KeysFooter
from .base import ReaderScreen

THEME = "ui.theme"
LABELS = {
    "suggest.per_day": "Suggestions per day",
    "review.daily_limit": "Re-reads per day",
    "review.desired_retention": "Desired retention",
    "review.skip_stars_at_most": "No re-reads at or below (stars)",
}
"""The settings shown as fields, in this order (the theme has its own picker)."""


def field_id(key: str) -> str:
    return "set-" + key.replace(".", "-").replace("_", "-")


class SettingsScreen(ReaderScreen):
    HELP_TITLE = "Settings"
    AUTO_FOCUS = None
    """No field takes the keys on arrival, so t, l, v... still switch screens; Tab or a
    click enters a field, Escape leaves it."""
    BINDINGS = [
        Binding(
            "escape",
            "leave_field",
            "Leave field",
            tooltip="Leave the field (its value is saved) so keys like t and l work again",
            id="settings-leave",
        ),
        Binding(
            "ctrl+r",
            "refresh",
            "Reload",
            show=False,
            tooltip="Show the stored values again",
            id="settings-reload",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="settings"):
            for key, label in LABELS.items():
                with Vertical(classes="setting"):
                    with Horizontal(classes="setting-row"):
                        yield Static(label, classes="setting-label", markup=False)
                        yield Input(id=field_id(key), classes="setting-input", compact=True)
                    yield Static(SETTINGS[key].help, classes="setting-help", markup=False)
                    yield Static("", id=field_id(key) + "-error", classes="setting-error")
            with Vertical(classes="setting"):
                with Horizontal(classes="setting-row"):
                    yield Static("Theme", classes="setting-label", markup=False)
                    yield Select(
                        [(name, name) for name in sorted(self.app.available_themes)],
                        id=field_id(THEME),
                        allow_blank=False,
                        value=self.app.theme,
                        compact=True,
                    )
                yield Static(
                    "also Ctrl+P, then Theme; remembered for the next start",
                    classes="setting-help",
                    markup=False,
                )
            with Vertical(classes="setting"):
                yield Static("Data", classes="setting-label", markup=False)
                yield Static(id="data-location", markup=False)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        if self.reader.closing:  # mounted ahead (ReaderApp.warm_up) as the app closes
            return
        self.sub_title = "Settings"
        for key in LABELS:
            self.query_one(f"#{field_id(key)}", Input).cursor_blink = self.reader.cursor_blink
        self.action_refresh()
        self.reader.register_flusher(self.flush)

    def on_unmount(self) -> None:
        self.reader.unregister_flusher(self.flush)

    def flush(self) -> bool:
        """Save what is typed in a field and not yet saved (Enter, Tab and leaving the
        field save it; Ctrl+Q quit before any of them and lost it). A value the service
        refuses is said and left; quitting is not held up for it."""
        for key in LABELS:
            field = self.query_one(f"#{field_id(key)}", Input)
            if field.value.strip() != str(self.saved.get(key)):
                self.save(key, field.value)
        return True

    def on_screen_resume(self) -> None:
        # The screen may have been mounted ahead (``ReaderApp.warm_up``) or shown before:
        # what is stored, and the file's size, may have changed since. A value the user
        # is still typing is kept.
        self.query_one(f"#{field_id(THEME)}", Select).value = self.app.theme
        self.action_refresh(keep_edits=True)

    def action_refresh(self, keep_edits: bool = False) -> None:
        values = self.reader.attempt("load the settings", self.service.settings)
        if values is None:
            return
        for key in LABELS:
            field = self.query_one(f"#{field_id(key)}", Input)
            if keep_edits and field.value != str(self.saved.get(key)):
                continue
            with field.prevent(Input.Changed):
                field.value = str(values[key])
            self.saved[key] = values[key]
            self._error(key, "")
        self._show_location()

    def _show_location(self) -> None:
        path = self.service.path
        text = Text(clean(str(path), newlines=False), style="bold")
        sizes = []
        # SQLite keeps recent writes in the write-ahead log beside the file until a
        # checkpoint: the file alone can be a fraction of what the data takes.
        for part, label in ((path, ""), (path.with_name(path.name + "-wal"), " write-ahead log")):
            try:
                sizes.append(human_size(part.stat().st_size) + label)
            except OSError:
                pass
        if sizes:
            text.append(f"  ({' + '.join(sizes)})", style="dim")
        text.append(
            "\nSet with --db or the READER_DB variable. Backups (one a day, automatic) go to "
            "the backups folder beside it; `reader backup` makes one now.",
            style="dim",
        )
        self.query_one("#data-location", Static).update(text)

    def _error(self, key: str, message: str) -> None:
        error = self.query_one(f"#{field_id(key)}-error", Static)
        error.update(Text(message, style="bold red"))
        error.display = bool(message)

    # Saving ---------------------------------------------------------------------------

    def save(self, key: str, text: str) -> bool:
        """Store one value through the service; True when stored (or unchanged)."""
        if str(self.saved.get(key)) == text.strip():
            self._error(key, "")
            return True
        try:
            value = self.service.set_setting(key, text)
        except StoreError as error:
            self._error(key, str(error))
            self.notify(
                str(error),
                title=f"{LABELS.get(key, key)} not saved",
                severity="error",
                markup=False,
            )
            return False
        self.saved[key] = value
        self._error(key, "")
        field = self.query_one(f"#{field_id(key)}", Input)
        with field.prevent(Input.Changed):
            field.value = str(value)
        self.notify(f"{LABELS.get(key, key)}: {value}", title="Saved", markup=False)
        return True

    def _key_of(self, widget_id: str | None) -> str | None:
        return next((k for k in LABELS if field_id(k) == widget_id), None)

    @on(Input.Submitted, ".setting-input")
    def _submitted(self, event: Input.Submitted) -> None:
        key = self._key_of(event.input.id)
        if key is not None and self.save(key, event.value):
            self.focus_next()

    @on(Input.Blurred, ".setting-input")
    def _left(self, event: Input.Blurred) -> None:
        key = self._key_of(event.input.id)
        if key is not None:
            self.save(key, event.value)

    @on(Select.Changed, f"#{field_id(THEME)}")
    def _theme(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.app.theme:
            self.app.theme = event.value  # the app stores it (see ReaderApp.watch_theme)
