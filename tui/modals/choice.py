"""Pick one of a few values (a status, a tag to remove), or type one (tags to add)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..text import from_box, safe, to_box
from ..widgets.footer import KeysFooter
from .dialog import Dialog


class ChoiceScreen(Dialog[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(
        self, title: str, choices: Sequence[tuple[str, str]], current: str | None = None
    ) -> None:
        """``choices`` are (value, label); labels are shown as plain text."""
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe(self.title_text, "bold"))
            yield OptionList(
                *[Option(safe(label), id=value) for value, label in self.choices],
                id="choices",
                markup=False,
            )
        yield KeysFooter(compact=True)  # the dialog's own keys, not the screen's below

    def on_mount(self) -> None:
        options = self.query_one("#choices", OptionList)
        if self.current is not None:
            try:
                options.highlighted = options.get_option_index(self.current)
            except Exception:  # the current value is not among the choices
                pass
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class PromptScreen(Dialog[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(
        self,
        title: str,
        placeholder: str = "",
        value: str = "",
        *,
        submit: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.value = value
        """What the box starts with (the current interests, a suggested path)."""
        self.submit = submit
        """Acts on what was typed: None when done (the prompt closes), else what was wrong,
        shown under the box, which keeps the text to mend ("3 dayz" typed again from
        nothing was the price of a typo)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe(self.title_text, "bold"))
            yield Input(to_box(self.value), placeholder=self.placeholder, id="prompt")
            error = Static("", id="prompt-error")
            error.display = False  # a line only once there is something wrong to say
            yield error
        yield KeysFooter(compact=True)  # the dialog's own keys, not the screen's below

    def on_mount(self) -> None:
        prompt = self.query_one("#prompt", Input)
        prompt.cursor_blink = getattr(self.app, "cursor_blink", True)
        prompt.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.answered:
            return  # a second Enter of the burst: the action ran once already
        typed = from_box(event.value, self.value)
        if self.submit is not None and typed.strip():
            wrong = self.submit(typed)
            if wrong is not None:
                error = self.query_one("#prompt-error", Static)
                error.update(safe(wrong, "bold red"))
                error.display = True
                return
        self.dismiss(typed)
