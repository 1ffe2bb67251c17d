"""What every dialog shares: it answers once, and knows when it was shown."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual._time import get_time
from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

if TYPE_CHECKING:
    from ..app import ReaderApp

R = TypeVar("R")


class Dialog(ModalScreen[R]):
    """A modal screen that gives one answer.

    Keys typed in one burst all reach the dialog before it has closed: Enter twice in a
    prompt posted two ``Input.Submitted``. Textual's ``dismiss`` pops whatever screen is on
    top, so the second answer closed the screen under the dialog (or, with nothing left
    under it, crashed the app), after running the prompt's action a second time. Here
    every answer after the first is ignored; a dialog that acts before it answers (a
    prompt's ``submit``, the edit dialog's save) checks ``answered`` first."""

    def __init__(self) -> None:
        super().__init__()
        self.answered = False
        """True once the dialog has been dismissed: nothing it is sent acts any more."""
        self._shown_at = 0.0

    def on_screen_resume(self) -> None:
        self._shown_at = get_time()

    def typed_ahead(self, at: float | None = None) -> bool:
        """True (and said) when the key being handled, or a click at ``at``, came before
        the dialog had been on screen for the app's typeahead window: the user cannot have
        read it (``ReaderApp.typed_before``)."""
        return cast("ReaderApp", self.app).typed_before(self._shown_at, at=at)

    def dismiss(self, result: R | None = None) -> AwaitComplete:
        if self.answered:
            return AwaitComplete.nothing()  # a later key of the burst: not a second answer
        self.answered = True
        return super().dismiss(result)
