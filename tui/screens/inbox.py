"""Inbox: the day's arXiv arrivals, best first for the user, with one-key triage (queue,
not for me, skip) until it is empty.

Ranking needs the recommender's index (extended with the day's papers), so the list comes
from a thread worker on the app's suggestion connection; triage is a quick call on the UI
thread. Titles and reasons come from outside: shown as text, never markup.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from reader.service import TRIAGE, ArrivalView, InboxDay, StoreError

from ..text import short
from ..widgets.footer import KeysFooter
from .base import ReaderScreen, list_bindings, steer_bindings
from .today import paper_line

LOADING = "Ranking the day's arrivals…"
READING = "Reading the day's best arrivals closely… {}/{}"
EMPTY = (
    "Inbox empty: every paper of the day is triaged.\n\n"
    "New papers arrive each morning for the categories you follow "
    "(Ctrl+P, Feeds: follow…)."
)
TRIAGE_ACTIONS = {"queue": "queue", "not_for_me": "not-for-me", "skip": "skip"}


class InboxScreen(ReaderScreen):
    HELP_TITLE = "Inbox"
    CHANGES_DATA = frozenset({*TRIAGE_ACTIONS, "steer"})
    BINDINGS = [
        Binding("enter", "open", "Open", tooltip="Open the highlighted paper", id="inbox-open"),
        Binding("a", "queue", "Queue", tooltip="Add it to the reading queue", id="inbox-queue"),
        Binding(
            "x",
            "not_for_me",
            "Not for me",
            tooltip="Never suggest it again (and learn from it)",
            id="inbox-not-for-me",
        ),
        Binding("s", "skip", "Skip", tooltip="Take it out of the inbox", id="inbox-skip"),
        *steer_bindings("inbox"),
        *list_bindings("inbox"),
        Binding(
            "ctrl+r", "refresh", "Refresh", show=False, tooltip="Rank again", id="inbox-refresh"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: InboxDay | None = None
        self._resumed = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="inbox"):
            yield Static(LOADING, id="inbox-headline", markup=False)
            yield OptionList(id="inbox-list", markup=False)
            yield Static(EMPTY, id="inbox-empty", markup=False)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Inbox"
        self.query_one("#inbox-list").display = False
        self.query_one("#inbox-empty").display = False
        self.call_after_refresh(self._load)

    def on_screen_resume(self) -> None:
        if self._resumed:
            self.action_refresh()
        self._resumed = True

    @work(thread=True, exclusive=True, group="inbox-rank", exit_on_error=False)
    def _load(self) -> None:
        reader = self.reader

        def progress(done: int, total: int | None) -> None:
            reader.call_from_thread(self._reading, done, total)

        try:
            with reader.suggester() as service:
                day = service.inbox_day(progress=progress)
        except StoreError as error:
            reader.call_from_thread(self._failed, str(error))
            return
        reader.call_from_thread(self._ready, day)

    def _reading(self, done: int, total: int | None) -> None:
        """The best arrivals not read before are read closely first (a second or two)."""
        if self.day is None:  # a list already shown stays until the new one is ready
            self.query_one("#inbox-headline", Static).update(READING.format(done, total or done))

    def _failed(self, message: str) -> None:
        self.query_one("#inbox-headline", Static).update(message)
        self.notify(message, title="Could not rank the inbox", severity="error", markup=False)

    def _ready(self, day: InboxDay) -> None:
        self.day = day
        self._show()

    def action_refresh(self) -> None:
        self._load()

    def _note(self, a: ArrivalView) -> str:
        names = ", ".join(
            f"{code} ({self.service.inbox.category_name(code)})" for code in a.categories[:2]
        )
        parts = [p for p in ("★ for you" if a.for_you else "", names, a.reason) if p]
        return " · ".join(parts)

    def _show(self) -> None:
        if self.day is None:
            return
        headline = self.query_one("#inbox-headline", Static)
        waiting = self.day.waiting
        head = Text(self.day.headline, style="bold")
        if self.day.day is not None:
            head.append(f"   {len(waiting)} waiting · a queue · x not for me · s skip", "dim")
        headline.update(head)
        listing = self.list_widget()
        before = listing.highlighted
        before_id = listing.highlighted_option.id if listing.highlighted_option else None
        width = max(20, (listing.size.width or self.app.size.width - 2) - 6)
        listing.clear_options()
        listing.add_options(
            [
                Option(paper_line(a.paper, self._note(a), width), id=str(a.paper.id))
                for a in waiting
            ]
        )
        listing.display = bool(waiting)
        self.query_one("#inbox-empty").display = not waiting and self.day.day is not None
        if waiting:
            ids = [str(a.paper.id) for a in waiting]
            # Ranked again (after a steering): stay on the same paper. Triaged: the next
            # paper comes up where it was.
            if before_id in ids:
                listing.highlighted = ids.index(before_id)
            else:
                listing.highlighted = min(before or 0, len(waiting) - 1)
            listing.focus()
        self.refresh_bindings()

    def list_widget(self) -> OptionList:
        return self.query_one("#inbox-list", OptionList)

    def _selected(self) -> int | None:
        option = self.list_widget().highlighted_option
        return int(option.id) if option is not None and option.id else None

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in (*TRIAGE_ACTIONS, "open", "steer"):
            return self.is_mounted and self._selected() is not None
        return True

    @on(OptionList.OptionSelected, "#inbox-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.action_open()

    @on(OptionList.OptionHighlighted, "#inbox-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.refresh_bindings()

    def action_open(self) -> None:
        from .paper import PaperScreen

        paper_id = self._selected()
        if paper_id is not None:
            self.reader.attempt("record the visit", self.service.opened, paper_id)
            self.app.push_screen(PaperScreen(paper_id))

    def action_steer(self, direction: str) -> None:
        if self.steer(self._selected(), direction):
            self.action_refresh()  # ranked again with the steering

    def _triage(self, action: str) -> None:
        paper_id = self._selected()
        if paper_id is None or self.day is None:
            return
        what = TRIAGE_ACTIONS[action]
        paper = self.reader.attempt(
            what, self.service.triage, paper_id, what, day=self.day.day
        )
        if paper is None:
            return
        self.notify(f"{short(paper.title, 60)}: {what}", markup=False)
        # Out of the list at once; the ranking of the rest does not change.
        self.day = InboxDay(
            self.day.day,
            self.day.today,
            self.day.followed,
            [
                a if a.paper.id != paper_id else replace(a, triage=TRIAGE[what], for_you=False)
                for a in self.day.arrivals
            ],
        )
        self.reader.papers_changed()
        self._show()

    def action_queue(self) -> None:
        self._triage("queue")

    def action_not_for_me(self) -> None:
        self._triage("not_for_me")

    def action_skip(self) -> None:
        self._triage("skip")

