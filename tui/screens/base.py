"""What every reader screen shares: typed access to the app and its service."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual._time import get_time
from textual.binding import Binding
from textual.keys import Keys, format_key, key_to_character
from textual.screen import Screen
from textual.widget import Widget

from ..text import short

if TYPE_CHECKING:
    from reader.service import Service

    from ..app import ReaderApp


def rating_bindings(id_prefix: str, *, rate_tip: str, clear_tip: str) -> list[Binding]:
    """Keys 1-5 rate and 0 clears the rating, as action ``rate(n)``. The footer shows them
    once, as "1-5 Rate", wherever they work."""
    return [
        *[
            Binding(
                str(n),
                f"rate({n})",
                "Rate",
                show=n == 1,
                key_display="1-5",  # every one: Help lists the row once, as "1-5"
                tooltip=rate_tip,
                id=f"{id_prefix}-rate-{n}",
            )
            for n in range(1, 6)
        ],
        Binding(
            "0",
            "rate(0)",
            "Clear rating",
            show=False,
            tooltip=clear_tip,
            id=f"{id_prefix}-unrate",
        ),
    ]


def list_bindings(id_prefix: str) -> list[Binding]:
    """``j``/``k`` move down and up a list, ``G`` to its end (``Home``/``End`` work too).
    ``g`` stays the key for Stats, as everywhere else."""
    return [
        Binding("j", "list_move('down')", "Down", show=False, id=f"{id_prefix}-down"),
        Binding("k", "list_move('up')", "Up", show=False, id=f"{id_prefix}-up"),
        Binding("G", "list_move('last')", "Last", show=False, id=f"{id_prefix}-last"),
    ]


def steer_bindings(id_prefix: str) -> list[Binding]:
    """``>`` asks for more papers like this one, ``<`` for fewer (action ``steer``); the
    same key again takes it off. Both are text in a box (``>`` quotes in Markdown). Both
    are in the help and the palette, not the footer (no room at 80 columns)."""
    return [
        Binding(
            "greater_than_sign",
            "steer('more')",
            "More like this",
            show=False,  # in the footer it pushed "? Help" and "q Quit" off 80 columns
            tooltip="Lift papers like this one in the next suggestions (again: take it off; "
            "< for less)",
            id=f"{id_prefix}-more",
        ),
        Binding(
            "less_than_sign",
            "steer('less')",
            "Less like this",
            show=False,
            tooltip="Sink papers like this one in the next suggestions (again: take it off)",
            id=f"{id_prefix}-less",
        ),
    ]


STEER_DONE = {
    "more": "More like this: the next suggestions lean towards {title}",
    "less": "Less like this: the next suggestions lean away from {title}",
    None: "Steering taken off {title}",
}


UNDO_KEY = "u"


def undo_binding(id_prefix: str) -> Binding:
    """``u`` takes back the last status change, rating, "not for me", snooze, steering or
    re-read grade."""
    return Binding(
        UNDO_KEY,
        "undo",
        "Undo",
        tooltip='Undo the last status change, rating, "not for me", snooze, steering or grade',
        id=f"{id_prefix}-undo",
    )


def types_text(key: str) -> bool:
    """True for a key a text box takes as a character: a letter, a digit, +, space."""
    character = key_to_character(key)
    if character is not None:
        return character.isprintable()
    return key not in SPECIAL_KEYS and len(format_key(key)) == 1


SPECIAL_KEYS = frozenset(k.value for k in Keys)


def typing_in(widget: object) -> bool:
    """True when ``widget`` takes printable keys as text (a single-letter key is text there)."""
    # Only classes already imported can have instances: Today's first paint need not load
    # TextArea (and its syntax themes) to learn that nothing on it is one.
    text_area = sys.modules.get("textual.widgets._text_area")
    if text_area is not None and isinstance(widget, text_area.TextArea):
        return not widget.read_only
    box = sys.modules.get("textual.widgets._input")
    return box is not None and isinstance(widget, box.Input)


class ReaderScreen(Screen[None]):
    HELP_TITLE = "Screen"
    CHANGES_DATA: ClassVar[frozenset[str]] = frozenset()
    """Actions that change stored data: refused when their key was typed before what they
    act on was on screen (see ``typed_ahead``; ``ReaderApp.run_action`` asks it)."""

    def __init__(self) -> None:
        super().__init__()
        self._shown_at = 0.0

    def on_screen_resume(self) -> None:
        """A screen coming to the front (not back from a dialog over it) is new to the eye."""
        reader = self.reader
        if reader.front_screen is not self:
            reader.front_screen = self
            self.moved_under_cursor()

    def moved_under_cursor(self) -> None:
        """What the data keys act on changed without the user asking (a new screen, a
        list rebuilt with another paper highlighted): hold those keys back for a moment."""
        self._shown_at = get_time()

    def typed_ahead(self, action: str) -> bool:
        """True (and said) when the key running ``action`` was typed before the user could
        see what it acts on."""
        return self.reader.typed_before(self._shown_at)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = typing_in(self.focused)
        if action == "leave_field":  # shown, and useful, only while a box takes the keys
            return typing
        if typing and action in self._text_key_actions():
            return False  # its key is text in the box: not shown, never run from there
        if action == "undo":
            # Nothing is undoable before the service is open (it is opened after the
            # first paint; the undo log is in the database).
            reader = self.reader
            return (
                self.is_mounted
                and reader.service_ready
                and reader.service.last_undoable() is not None
            )
        return self.can_run(action, parameters)

    @classmethod
    def _text_key_actions(cls) -> frozenset[str]:
        """Actions whose every key is a character (``s``, ``+``, ``3``)."""
        keys: dict[str, list[str]] = {}
        for b in Binding.make_bindings(cls.BINDINGS):
            keys.setdefault(b.action.partition("(")[0], []).append(b.key)
        return frozenset(a for a, ks in keys.items() if all(types_text(k) for k in ks))

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A screen's own rule for when an action shows and works (``check_action``)."""
        return True

    def action_leave_field(self) -> None:
        self.set_focus(None)

    def done(self, message: str) -> None:
        """Say what an action did, and that ``u`` takes it back."""
        self.notify(f"{message}  ({UNDO_KEY}: undo)", markup=False)
        self.refresh_bindings()

    def steer(self, paper_id: int | None, direction: str) -> bool:
        """``direction`` ("more", "less") on a paper, or off when it is steered so already;
        says what it did. True when it changed something."""
        if paper_id is None:
            return False
        from reader.service import StoreError  # loaded after the first paint (see app.py)

        try:
            now = self.service.toggle_steer(paper_id, direction)
            title = self.service.paper(paper_id).title
        except StoreError as error:
            self.notify(str(error), title="Could not steer", severity="error", markup=False)
            return False
        self.done(STEER_DONE[now].format(title=f'"{short(title, 50)}"'))
        return True

    def action_undo(self) -> None:
        action = self.reader.attempt("undo", self.service.undo)
        if action is not None:
            self.notify(f"Undone: {action.description}", markup=False)
            self.undone(action.paper_id)
        self.refresh_bindings()

    def undone(self, paper_id: int) -> None:
        """Show the paper as it is again after an undo (screens with papers override)."""

    def list_widget(self) -> Widget | None:
        """The list ``j``/``k``/``G`` move in (see ``list_bindings``)."""
        return None

    def action_list_move(self, where: str) -> None:
        listing = self.list_widget()
        if listing is None:
            return
        if where == "last":
            # OptionList: last; DataTable: scroll_bottom moves the cursor to the end.
            where = "last" if hasattr(listing, "action_last") else "scroll_bottom"
        else:
            where = f"cursor_{where}"
        getattr(listing, f"action_{where}")()

    @property
    def reader(self) -> ReaderApp:
        return cast("ReaderApp", self.app)

    @property
    def service(self) -> Service:
        return self.reader.service

    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        """Every binding of this screen, by name; screens add parameterized ones. A name
        shared by keys that do different things (1-5 "Rate") is left to those: the first
        of its keys stood for all, and "Rate" gave one star."""
        bindings = [b for b in Binding.make_bindings(self.BINDINGS) if b.description]
        actions: dict[str, set[str]] = {}
        for b in bindings:
            actions.setdefault(b.description, set()).add(b.action)
        seen: set[str] = set()
        for b in bindings:
            if b.description not in seen and len(actions[b.description]) == 1:
                seen.add(b.description)
                yield (
                    f"{self.HELP_TITLE}: {b.description}",
                    b.tooltip or "",
                    partial(self.run_action, b.action),
                )
