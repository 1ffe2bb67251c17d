"""Today, the start screen: suggestions, re-reads due, papers in progress, the queue.

Re-reads, reading and queued papers are quick queries made on the UI thread. Suggestions
may need the recommender's features built first (seconds on a big, new catalog), so they
come from a thread worker on the app's second connection, with a progress bar.

At start-up the app paints this screen before its service is open: the stored lists come
from ``app.first_screen`` (:mod:`reader.glance`) until then, and what the service adds
later (re-reads due, the inbox's picks) is put in without moving the highlighted paper on
the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from reader.models import Paper, Status

from ..modals.choice import PromptScreen
from ..text import clean, quoted_terms, short, short_stars
from ..widgets.footer import KeysFooter
from .base import ReaderScreen, list_bindings, rating_bindings, steer_bindings, undo_binding

if TYPE_CHECKING:
    from reader.glance import FirstScreen
    from reader.service import Today

SECTION_LIMIT = 50
"""Rows shown per section; the heading says how many there are in all."""
SUGGESTIONS = "Suggestions"
STARTERS = "Rate a few to get suggestions"
REREADS = "Re-reads due"

INDEXING = "Preparing suggestions (indexing the papers)…"
READING = "Preparing suggestions (reading the best candidates closely)…"
EMPTY_MESSAGE = (
    "Nothing for today yet.\n\n"
    "• Press l for the Library: every paper, searchable with /.\n"
    "• Open a paper with Enter, rate it with 1-5, and set its status with s:\n"
    "  queued papers and papers you are reading show up here.\n"
    "• Rate a few papers and suggestions appear here, each with its reason.\n"
    "• Papers you mark read come back here when their re-read is due.\n"
    "• Press i to import a library (BibTeX, RIS, arXiv) or add papers by arXiv id or DOI."
)

PREPARING = "Preparing today's list…"


@dataclass(frozen=True)
class Entry:
    paper: Paper
    note: str = ""
    """Shown after the paper: a re-read's due date, a suggestion's reason."""


def paper_line(paper: Paper, note: str = "", width: int = 78) -> Text:
    """A paper in a list: its title, then authors, year and stars, dimmed; ``note`` on a
    second line. Each line is cut to ``width`` (the list would wrap it otherwise)."""
    line = Text(clean(paper.title, newlines=False)[: width + 1])  # + 1: cut shows "…"
    extra = []
    if paper.authors:
        first = short(paper.authors[0], 40)
        extra.append(first + (" et al." if len(paper.authors) > 1 else ""))
    if paper.year:
        extra.append(str(paper.year))
    if paper.stars:
        extra.append(short_stars(paper.stars))
    if extra:
        line.append("  " + " · ".join(extra), style="dim")
    line.truncate(width, overflow="ellipsis")
    if note:
        second = Text("  " + clean(note, newlines=False)[: width * 2], style="italic dim")
        second.truncate(width, overflow="ellipsis")
        line.append("\n")
        line.append_text(second)
    return line


class TodayScreen(ReaderScreen):
    HELP_TITLE = "Today"
    CHANGES_DATA = frozenset(
        {
            "start_reading",
            "queue",
            "mark_read",
            "dismiss_suggestion",
            "snooze",
            "snooze_for",
            "rate",
            "undo",
            "steer",
        }
    )
    BINDINGS = [
        Binding("enter", "open", "Open", tooltip="Open the highlighted paper", id="today-open"),
        Binding(
            "r",
            "start_reading",
            "Reading",
            tooltip="Set the highlighted paper's status to reading",
            id="today-reading",
        ),
        Binding(
            "a",
            "queue",
            "Queue",
            tooltip="Add the highlighted paper to the reading queue",
            id="today-queue",
        ),
        Binding(
            "x",
            "dismiss_suggestion",
            "Not for me",
            tooltip="Never suggest this paper again (and learn from it)",
            id="today-dismiss",
        ),
        Binding(
            "z",
            "snooze",
            "Later",
            tooltip="Hide this suggestion for two weeks",
            id="today-snooze",
        ),
        Binding(
            "Z",
            "snooze_for",
            "Later…",
            show=False,
            tooltip="Hide this suggestion for a period you choose (3 days, 2 months)",
            id="today-snooze-for",
        ),
        Binding(
            "N",
            "new_suggestions",
            "New list",
            show=False,
            tooltip="Make a new list of today's suggestions",
            id="today-new-list",
        ),
        Binding(
            "d",
            "mark_read",
            "Done",
            show=False,
            tooltip="Mark the highlighted paper read (it gets re-reads)",
            id="today-read",
        ),
        *rating_bindings(
            "today",
            rate_tip="Rate the highlighted paper 1-5 stars",
            clear_tip="Clear the highlighted paper's rating",
        ),
        *steer_bindings("today"),
        undo_binding("today"),
        Binding(
            "h",
            "hidden",
            "Hidden",
            show=False,
            tooltip='Papers marked "not for me" or snoozed: take them back',
            id="today-hidden",
        ),
        *list_bindings("today"),
        Binding(
            "ctrl+r",
            "refresh",
            "Refresh",
            show=False,
            tooltip="Reload today's lists",
            id="today-refresh",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.today: Today | None = None
        """Today's suggestions, once the worker has them."""
        self._suggestion_error: str | None = None
        self._resumed = False
        self._rebuilds = 0
        self._actions = 0
        self._acted_on: dict[int, int] = {}
        """Papers queued, started, read or hidden from here, by the count of actions then:
        their suggestion rows go at once, not when the worker's new list comes (until
        then "ax" queued a paper and called it "not for me")."""
        """How many times the list was made (a late half of an old one is not added)."""
        self._width_shown: int | None = None
        """The width the list's lines were cut to (a resize to the same width keeps them)."""
        self._first: FirstScreen | None = None
        """The stored lists read before the service was open, shown until it answers."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="today"):
            yield Static("", id="today-headline", markup=False)
            # Its progress bar is mounted when a feature build reports progress: one
            # widget type fewer to load and style before the first paint.
            with Vertical(id="today-progress"):
                yield Static(INDEXING, markup=False)
            yield OptionList(id="today-list", markup=False)
            yield Static(EMPTY_MESSAGE, id="today-empty", markup=False)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Today"
        self.query_one("#today-progress").display = False
        self.query_one("#today-headline").display = False
        # The list made earlier today is stored: shown at once, not after the worker.
        if self.reader.first_screen is not None and not self.reader.service_ready:
            self._first = self.reader.first_screen  # the service is opened after the paint
        else:
            self.today = self.reader.attempt("load today's suggestions", self.service.saved_today)
        self._show_lists()
        # Loading a large catalog's features holds the GIL for a while: ask for
        # suggestions only once the lists are on the terminal.
        self.reader.after_first_paint(self._load_suggestions)

    def on_screen_resume(self) -> None:
        if self._resumed:
            self.action_refresh()
        self._resumed = True  # the first resume is the start: on_mount has loaded

    # Data -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="today-suggestions", exit_on_error=False)
    def _load_suggestions(self, refresh: bool = False) -> None:
        reader = self.reader
        asked = self._actions

        def progress(what: str) -> Callable[[int, int | None], None]:
            def report(done: int, total: int | None) -> None:
                reader.call_from_thread(self._progress, done, total, what)

            return report

        from reader.service import StoreError

        try:
            with reader.suggester() as service:
                service.features(progress=progress(INDEXING))
                today = service.today(refresh=refresh, progress=progress(READING))
        except StoreError as error:
            reader.call_from_thread(self._suggestions_failed, str(error))
            return
        except Exception as error:  # a recommender bug must not fail silently
            reader.call_from_thread(self._suggestions_failed, f"{type(error).__name__}: {error}")
            return
        reader.call_from_thread(self._suggestions_ready, today, asked)

    def _progress(self, done: int, total: int | None, what: str) -> None:
        if not self.is_attached:
            return  # the app is closing while the worker still builds
        from textual.widgets import ProgressBar

        box = self.query_one("#today-progress")
        box.display = True
        box.query_one(Static).update(what)
        bars = box.query(ProgressBar)
        if bars:
            bar = bars.first()
        else:
            bar = ProgressBar(id="index-progress", show_eta=False)
            box.mount(bar)
        bar.update(total=total, progress=done)

    def _suggestions_failed(self, message: str) -> None:
        self.query_one("#today-progress").display = False
        self._suggestion_error = message
        self._show_lists()
        self.call_after_refresh(self.reader.warm_up)
        self.notify(message, title="Could not make suggestions", severity="error", markup=False)

    def _suggestions_ready(self, today: Today, asked: int) -> None:
        self.query_one("#today-progress").display = False
        self.today = today
        # A list made after an action knows of it; one asked for before may not.
        self._acted_on = {p: n for p, n in self._acted_on.items() if n > asked}
        self._first = None
        self._show_lists()
        # Now the other screens can be mounted ahead, in idle time.
        self.call_after_refresh(self.reader.warm_up)

    def on_resize(self) -> None:
        if self._list_width() != self._width_shown:
            self._show_lists()

    def _list_width(self) -> int:
        """The width a list line is cut to: the list's, or before layout the screen's less
        the padding of the list and its box (so the first layout keeps the lines)."""
        listing = self.query_one("#today-list", OptionList)
        return max(20, (listing.size.width or self.app.size.width - 4) - 6)

    def _sections(self) -> list[tuple[str, list[Entry], int]]:
        sections: list[tuple[str, list[Entry], int]] = []
        first = self._first
        gone = self._acted_on
        if self.today is not None:
            picks = [Entry(s.paper, s.reason) for s in self.today.suggestions]
            picks = [e for e in picks if e.paper.id not in gone]
            sections.append((SUGGESTIONS, picks, len(picks)))
            reasons = self.today.starter_reasons
            starters = [
                Entry(p, reasons.get(p.id, "")) for p in self.today.starters if p.id not in gone
            ]
            sections.append((STARTERS, starters, len(starters)))
        elif first is not None and first.suggestions is not None:
            picks = [Entry(paper, reason) for paper, reason in first.suggestions]
            picks = [e for e in picks if e.paper.id not in gone]
            sections.append((SUGGESTIONS, picks, len(picks)))
        if first is not None and not self.reader.service_ready:
            # Re-reads due need the scheduler: they come with the service.
            for title, listed in (("Reading", first.reading), ("Queued", first.queued)):
                sections.append((title, [Entry(p) for p in listed.papers], listed.total))
            return sections
        service = self.service
        due = self.reader.attempt("load re-reads", service.due) or []
        sections.append((REREADS, [Entry(d.paper, d.due_text) for d in due], len(due)))
        for title, status, sort in (
            ("Reading", Status.READING, "title"),
            ("Queued", Status.QUEUED, "id"),
        ):
            papers = (
                self.reader.attempt(
                    f"load {status.value} papers",
                    service.papers,
                    status=status,
                    sort=sort,
                    limit=SECTION_LIMIT,
                )
                or []
            )
            total = len(papers)
            if total == SECTION_LIMIT:
                total = self.reader.attempt("count papers", service.count, status=status) or total
            sections.append((title, [Entry(p) for p in papers], total))
        return sections

    def action_refresh(self) -> None:
        """Show what is known now, and ask the worker for today's suggestions."""
        self._show_lists()
        self._load_suggestions()

    def _show_lists(self) -> None:
        headline = self.query_one("#today-headline", Static)
        text = self.today.headline if self.today is not None else None
        headline.display = bool(text)
        if text:
            headline.update(Text(text, style="bold") + Text("   b: the whole inbox", "dim"))
        listing = self.query_one("#today-list", OptionList)
        highlighted = listing.highlighted_option.id if listing.highlighted_option else None
        on_screen = _row_on_screen(listing)
        # A user still at the top (first row, not scrolled) is shown the new top: the
        # suggestions arriving above 45 papers being read were otherwise scrolled out of
        # sight. One who has moved keeps the paper they are on where it was drawn.
        at_top = highlighted is None or (
            highlighted == _first_paper_id(listing) and round(listing.scroll_y) == 0
        )
        width = self._width_shown = self._list_width()
        sections = self._sections()
        options: list[Option | None] = []
        for title, entries, total in sections:
            if not entries:
                continue
            if options:
                options.append(None)
            more = f"  ({len(entries)} of {total})" if total > len(entries) else f"  ({total})"
            heading = Text(title, style="bold") + Text(more, style="dim")
            if title == REREADS:
                heading.append("  v or Enter: review them", style="dim italic")
            if title == STARTERS and self.today is not None and self.today.unmatched_interests:
                heading.append(
                    "  too few papers use the words of "
                    f"{quoted_terms(self.today.unmatched_interests)} to rank by",
                    style="dim italic",
                )
            options.append(Option(heading, id=f"section-{title}", disabled=True))
            for entry in entries:
                options.append(
                    Option(
                        paper_line(entry.paper, entry.note, width), id=f"{title}:{entry.paper.id}"
                    )
                )
        listing.clear_options()
        self._rebuilds += 1
        room = _fitting(options, self.app.size.height)
        if self._rebuilds == 1 and len(options) > room:
            # The first paint lays out only what fits on the screen; the rest of the
            # rows (below it: nothing on screen moves) are added right after it.
            listing.add_options(options[:room])
            self.reader.after_first_paint(self._add_rows, self._rebuilds, options[room:])
        else:
            listing.add_options(options)
        ids = [o.id for o in options if o is not None and not o.disabled and o.id is not None]
        listing.display = bool(ids)
        empty = self.query_one("#today-empty", Static)
        empty.display = not ids
        # Until the suggestions worker has answered, "nothing for today" may not be true.
        waiting = self.today is None and self._suggestion_error is None
        empty.update(PREPARING if waiting else EMPTY_MESSAGE)
        if ids:
            target = highlighted if highlighted in ids and not at_top else ids[0]
            listing.highlighted = listing.get_option_index(target)
            if at_top:
                listing.scroll_to(y=0, animate=False, force=True, immediate=True)
            elif target == highlighted and on_screen is not None:
                _keep_row_on_screen(listing, on_screen)
            listing.focus()
            if target != highlighted and highlighted is not None:
                self.moved_under_cursor()  # the paper the user was on left the list
        self.refresh_bindings()

    def _add_rows(self, rebuild: int, options: list[Option | None]) -> None:
        if rebuild == self._rebuilds and self.is_attached:
            self.query_one("#today-list", OptionList).add_options(options)

    # Actions --------------------------------------------------------------------------

    def _selected(self) -> tuple[str, int] | None:
        """(section, paper id) of the highlighted row."""
        option = self.query_one("#today-list", OptionList).highlighted_option
        if option is None or option.id is None or ":" not in option.id:
            return None
        section, paper_id = option.id.rsplit(":", 1)
        return section, int(paper_id)

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Paper actions only show (and work) when a paper is highlighted; "not for me"
        and "later" only on a suggestion."""
        if not self.is_mounted or action not in {
            "open",
            "start_reading",
            "queue",
            "mark_read",
            "dismiss_suggestion",
            "snooze",
            "snooze_for",
            "rate",
            "steer",
        }:
            return True
        selected = self._selected()
        if selected is None:
            return False
        if action in ("dismiss_suggestion", "snooze", "snooze_for"):
            return selected[0] in (SUGGESTIONS, STARTERS)
        return True

    @on(OptionList.OptionSelected, "#today-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.action_open()

    @on(OptionList.OptionHighlighted, "#today-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.refresh_bindings()

    def action_open(self) -> None:
        from .paper import PaperScreen

        selected = self._selected()
        if selected is None:
            return
        section, paper_id = selected
        if section == REREADS:
            self.run_worker(self.reader.start_review(paper_id))
            return
        if section in (SUGGESTIONS, STARTERS):
            self.reader.attempt("record the visit", self.service.opened, paper_id)
        self.app.push_screen(PaperScreen(paper_id))

    def _set_status(self, status: Status) -> None:
        selected = self._selected()
        if selected is None:
            return
        paper = self.reader.attempt("set the status", self.service.set_status, selected[1], status)
        if paper is not None:
            self.done(f"{short(paper.title, 60)}: {status.value}")
            self._acted(paper.id)
            self.action_refresh()

    def _acted(self, paper_id: int) -> None:
        self._actions += 1
        self._acted_on[paper_id] = self._actions

    def action_start_reading(self) -> None:
        self._set_status(Status.READING)

    def action_queue(self) -> None:
        self._set_status(Status.QUEUED)

    def action_mark_read(self) -> None:
        self._set_status(Status.READ)

    def action_dismiss_suggestion(self) -> None:
        self._hide("dismiss", self.service.dismiss, "Not for me: it will not be suggested again.")

    def action_snooze(self) -> None:
        self._hide("snooze", self.service.snooze, "Later: hidden from suggestions for two weeks.")

    def _hide(self, what: str, hide: Callable[[int], object], said: str) -> None:
        """Take the highlighted paper out of suggestions ("not for me" or later), say so
        with the undo key, and show the lists without it."""
        selected = self._selected()
        if selected is not None and self.reader.attempt(what, hide, selected[1]) is not None:
            self.done(said)
            self._acted(selected[1])
            self.action_refresh()

    def action_snooze_for(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        paper_id = selected[1]

        def snooze(period: str) -> str | None:
            from reader.service import StoreError

            try:
                snoozed = self.service.snooze(paper_id, period)
            except StoreError as error:
                return str(error)
            until = snoozed[1].astimezone(self.service.tz).date().isoformat()
            self.done(f"Later: hidden from suggestions until {until}.")
            self._acted(paper_id)
            self.action_refresh()
            return None

        self.app.push_screen(
            PromptScreen(
                "Hide it from suggestions for…", "3 days, 2 weeks, 6 months", submit=snooze
            )
        )

    def action_new_suggestions(self) -> None:
        """A new list for today (the recommender runs again in the worker)."""
        self.today = None
        self._show_lists()
        self._load_suggestions(refresh=True)
        self.notify("Making a new list of suggestions…")

    def action_rate(self, stars: int) -> None:
        selected = self._selected()
        if selected is None:
            return
        paper = self.reader.attempt("rate", self.service.rate, selected[1], stars or None)
        if paper is not None:
            title = short(paper.title, 50)
            self.done(f"{title}: {short_stars(paper.stars) or 'unrated'}")
            self.action_refresh()

    def palette_commands(self):  # type: ignore[no-untyped-def]
        yield from super().palette_commands()
        for n in range(1, 6):
            yield f"Today: rate highlighted {n}★", "", lambda n=n: self.action_rate(n)

    def action_steer(self, direction: str) -> None:
        selected = self._selected()
        if selected is not None and self.steer(selected[1], direction):
            self.action_refresh()  # "less like this" takes the paper out of the list

    def undone(self, paper_id: int) -> None:
        self._acted_on.pop(paper_id, None)
        self.action_refresh()

    def action_hidden(self) -> None:
        from .hidden import HiddenScreen

        self.app.push_screen(HiddenScreen())

    def list_widget(self) -> OptionList:
        return self.query_one("#today-list", OptionList)


def _fitting(options: list[Option | None], lines: int) -> int:
    """How many of ``options`` fill ``lines`` lines (a divider goes with its row)."""
    used = 0
    for count, option in enumerate(options):
        if used >= lines and option is not None:
            return count
        if option is not None:
            used += 1 + str(option.prompt).count("\n")
    return len(options)


# OptionList says which line each option starts on only through ``_index_to_line``
# (Textual 8); without it the list is still right, only scrolled to show the paper.


def _first_paper_id(listing: OptionList) -> str | None:
    """The id of the list's first paper row (section headings are disabled options)."""
    for index in range(listing.option_count):
        option = listing.get_option_at_index(index)
        if not option.disabled:
            return option.id
    return None


def _row_on_screen(listing: OptionList) -> int | None:
    """How far below the list's top edge the highlighted option is drawn."""
    index = listing.highlighted
    lines: dict[int, int] = getattr(listing, "_index_to_line", {})
    if index is None or index not in lines:
        return None
    return lines[index] - round(listing.scroll_y)


def _keep_row_on_screen(listing: OptionList, row: int) -> None:
    """Scroll the rebuilt list so the highlighted option is drawn ``row`` lines below
    its top edge again: rows added above it (the inbox's picks, re-reads due) do not move
    the paper the user is looking at."""
    index = listing.highlighted
    lines: dict[int, int] = getattr(listing, "_index_to_line", {})
    if index is None or index not in lines:
        return
    listing.scroll_to(y=max(0, lines[index] - row), animate=False, force=True, immediate=True)
