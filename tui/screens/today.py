"""Today, the start screen: re-reads due, papers in progress, the reading queue.

Two slots wait for the service to grow: "Suggestions" (the recommender's ``today()``) and
a one-key "Review" flow; see ``_suggestions`` below.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from reader.models import Paper, Status

from ..text import clean, short_stars
from .base import ReaderScreen

SECTION_LIMIT = 50
"""Rows shown per section; the count says how many more there are."""

EMPTY_MESSAGE = (
    "Nothing for today yet.\n\n"
    "• Press l for the Library: every paper, searchable with /.\n"
    "• Open a paper with Enter, rate it with 1-5, and set its status with s:\n"
    "  queued papers and papers you are reading show up here.\n"
    "• Papers you mark read come back here when their re-read is due.\n"
    "• Import a library from the command line (see reader --help)."
)


@dataclass(frozen=True)
class Entry:
    paper: Paper
    note: str = ""


def paper_line(paper: Paper, note: str = "", width: int = 200) -> Text:
    """One line for a paper in a list: title, then authors, year and stars, dimmed."""
    line = Text(clean(paper.title, newlines=False)[:width], no_wrap=True, overflow="ellipsis")
    extra = []
    if paper.authors:
        first = clean(paper.authors[0], newlines=False)[:40]
        extra.append(first + (" et al." if len(paper.authors) > 1 else ""))
    if paper.year:
        extra.append(str(paper.year))
    if paper.stars:
        extra.append(short_stars(paper.stars))
    if note:
        extra.append(note)
    if extra:
        line.append("  " + " · ".join(extra), style="dim")
    return line


class TodayScreen(ReaderScreen):
    HELP_TITLE = "Today"
    BINDINGS = [
        Binding("enter", "open", "Open", tooltip="Open the highlighted paper", id="today-open"),
        Binding(
            "r",
            "start_reading",
            "Start reading",
            tooltip="Set the highlighted paper's status to reading",
            id="today-reading",
        ),
        Binding(
            "d",
            "mark_read",
            "Done",
            tooltip="Mark the highlighted paper read (it gets re-reads)",
            id="today-read",
        ),
        Binding(
            "ctrl+r",
            "refresh",
            "Refresh",
            show=False,
            tooltip="Reload today's lists",
            id="today-refresh",
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="today"):
            yield OptionList(id="today-list", markup=False)
            yield Static(EMPTY_MESSAGE, id="today-empty", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Today"
        self.action_refresh()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    # Data -----------------------------------------------------------------------------

    def _suggestions(self) -> list[Entry]:
        # SLOT: today's suggestions with their reasons, when the service has them
        # (``service.today()`` from the recommender issue). Until then: none.
        return []

    def _sections(self) -> list[tuple[str, list[Entry], int]]:
        service = self.service
        sections: list[tuple[str, list[Entry], int]] = []
        suggestions = self._suggestions()
        if suggestions:
            sections.append(("Suggestions", suggestions, len(suggestions)))
        due = self.reader.attempt("load re-reads", service.due) or []
        sections.append(("Re-reads due", [Entry(d.paper, d.due_text) for d in due], len(due)))
        for title, status, sort in (
            ("Reading", Status.READING, "title"),
            ("Queued", Status.QUEUED, "added"),
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
        listing = self.query_one("#today-list", OptionList)
        highlighted = listing.highlighted_option.id if listing.highlighted_option else None
        sections = self._sections()
        options: list[Option | None] = []
        for title, entries, total in sections:
            if not entries:
                continue
            if options:
                options.append(None)
            more = f"  ({len(entries)} of {total})" if total > len(entries) else f"  ({total})"
            options.append(
                Option(
                    Text(title, style="bold") + Text(more, style="dim"),
                    id=f"section-{title}",
                    disabled=True,
                )
            )
            for entry in entries:
                options.append(
                    Option(paper_line(entry.paper, entry.note), id=f"{title}:{entry.paper.id}")
                )
        listing.clear_options()
        listing.add_options(options)
        empty = not any(entries for _, entries, _ in sections)
        listing.display = not empty
        self.query_one("#today-empty").display = empty
        if empty:
            return
        ids = [o.id for o in options if o is not None and not o.disabled]
        target = highlighted if highlighted in ids else ids[0]
        listing.highlighted = listing.get_option_index(target)
        listing.focus()

    # Actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Paper actions only show (and work) when a paper is highlighted."""
        if action in ("open", "start_reading", "mark_read") and self.is_mounted:
            return self._selected_id() is not None
        return True

    def _selected_id(self) -> int | None:
        option = self.query_one("#today-list", OptionList).highlighted_option
        if option is None or option.id is None or ":" not in option.id:
            return None
        return int(option.id.rsplit(":", 1)[1])

    @on(OptionList.OptionSelected, "#today-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        from .paper import PaperScreen

        paper_id = self._selected_id()
        if paper_id is not None:
            self.app.push_screen(PaperScreen(paper_id))

    def _set_status(self, status: Status) -> None:
        paper_id = self._selected_id()
        if paper_id is None:
            return
        paper = self.reader.attempt("set the status", self.service.set_status, paper_id, status)
        if paper is not None:
            self.notify(f"{clean(paper.title, newlines=False)[:60]}: {status.value}", markup=False)
            self.action_refresh()

    def action_start_reading(self) -> None:
        self._set_status(Status.READING)

    def action_mark_read(self) -> None:
        self._set_status(Status.READ)
