"""Review: today's spaced re-reads, one paper at a time.

The title comes first; the user tries to recall what the paper said and what they took
from it, then Space reveals their notes and the abstract, and a grade (1 Again, 2 Hard,
3 Good, 4 Easy) goes to the service, which schedules the next re-read. A note can be
added before moving on. "N left today" is the service's own queue after each grade, so
it respects the daily limit and what was already reviewed today.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from reader.models import Note
from reader.service import DueItem, ReviewCard, ReviewLogEntry

from ..modals.note import NoteScreen
from ..text import clean, note_label, safe, stars_label
from ..widgets.footer import KeysFooter
from .base import ReaderScreen, undo_binding

GRADES = [(1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy")]
GRADE_HELP = {
    1: "forgot it: see it again soon",
    2: "recalled it with effort",
    3: "recalled the main ideas",
    4: "recalled it easily: a longer wait",
}

RECALL = "recall"
REVEALED = "revealed"
GRADED = "graded"


class ReviewScreen(ReaderScreen):
    HELP_TITLE = "Review"
    CHANGES_DATA = frozenset({"grade", "undo"})
    BINDINGS = [
        Binding(
            "space",
            "reveal",
            "Reveal",
            tooltip="Show your notes and the abstract",
            id="review-reveal",
        ),
        Binding(
            "space,enter",
            "next",
            "Next",
            tooltip="After grading: the next paper",
            id="review-next",
        ),
        *[
            Binding(
                str(n),
                f"grade({n})",
                name,
                tooltip=f"Grade {name}: {GRADE_HELP[n]}",
                id=f"review-grade-{n}",
            )
            for n, name in GRADES
        ],
        Binding("n", "note", "Note", tooltip="Add a note to this paper", id="review-note"),
        Binding(
            "o",
            "open_paper",
            "Paper",
            show=False,
            tooltip="Open the whole paper page (notes editor, links)",
            id="review-open",
        ),
        undo_binding("review"),
        Binding(
            "k",
            "skip",
            "Skip",
            show=False,
            tooltip="Leave this paper for later today",
            id="review-skip",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[DueItem] = []
        """What is left today, in the order shown."""
        self.current: DueItem | None = None
        self.phase = RECALL
        self.result: tuple[ReviewCard, ReviewLogEntry] | None = None
        """The grade just given to ``current`` (phase GRADED)."""
        self.notes: list[Note] = []
        self._later: list[int] = []
        self._done = 0
        self._held_back = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="review-status", markup=False)
        with VerticalScroll(id="review-card"):
            yield Static(id="review-paper", markup=False)
            yield Static(id="review-prompt", markup=False)
            yield Static(id="review-notes", markup=False)
            yield Static(id="review-abstract", markup=False)
        yield Static(id="review-grades", markup=False)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        if self.reader.closing:  # mounted ahead (ReaderApp.warm_up) as the app closes
            return
        self.sub_title = "Review"
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    # Data -----------------------------------------------------------------------------

    def load(self, first: int | None = None) -> None:
        """Ask the service what is due; keep the paper on screen if it still is (or was
        just graded), else show the next one (``first`` if due)."""
        reader = self.reader
        start = first if first is not None else reader.take_review_start()
        if start is not None and (self.current is None or self.current.paper.id != start):
            self.current = None
        items = reader.attempt("load re-reads", self.service.due)
        if items is None:
            return  # the error is shown; keep what is on screen
        self._done = reader.attempt("count reviews", self.service.reviewed_today) or 0
        overdue = reader.attempt("count re-reads", self.service.overdue_count) or 0

        def place(item: DueItem) -> int:
            """The requested paper first, then the service's order, skipped ones last."""
            if item.paper.id == start:
                return 0
            return 2 if item.paper.id in self._later else 1

        self.items = sorted(items, key=place)
        self._held_back = max(0, overdue - len(items))
        ids = {i.paper.id for i in self.items}
        if self.current is not None and (self.phase == GRADED or self.current.paper.id in ids):
            self.current = next(
                (i for i in self.items if i.paper.id == self.current.paper.id), self.current
            )
        else:
            self._show_next()
            return
        self._draw()

    def _show_next(self) -> None:
        if self.current is not None:
            self.moved_under_cursor()  # another paper: a grade typed ahead is not for it
        self.current = self.items[0] if self.items else None
        self.phase = RECALL
        self.result = None
        self.notes = []
        self._draw()
        self.query_one("#review-card", VerticalScroll).scroll_home(animate=False)

    @property
    def left(self) -> int:
        """Re-reads still to do today, the one on screen included unless graded."""
        return len(self.items)

    # Drawing --------------------------------------------------------------------------

    def _draw(self) -> None:
        status = Text()
        if self.current is None:
            status.append("No re-reads left today", style="bold")
        else:
            status.append(f"{self.left} left today", style="bold")
        status.append(f" · {self._done} done today", style="dim")
        if self._held_back:
            status.append(
                f" · {self._held_back} more overdue, held back by the daily limit", style="dim"
            )
        self.query_one("#review-status", Static).update(status)
        paper = self.query_one("#review-paper", Static)
        prompt = self.query_one("#review-prompt", Static)
        notes = self.query_one("#review-notes", Static)
        abstract = self.query_one("#review-abstract", Static)
        grades = self.query_one("#review-grades", Static)
        revealed = self.phase in (REVEALED, GRADED)
        notes.display = abstract.display = revealed and self.current is not None
        if self.current is None:
            paper.update(self._empty_text())
            prompt.display = False
            grades.display = False
            self.refresh_bindings()
            return
        paper.update(self._paper_text(self.current))
        prompt.display = not revealed
        prompt.update(
            Text(
                "Before looking: what was it about? What did you take from it?\n"
                "Press Space to see your notes and the abstract.",
                style="italic",
            )
        )
        if revealed:
            notes.update(self._notes_text())
            abstract.update(self._abstract_text())
        grades.display = revealed
        grades.update(self._grades_text())
        self.refresh_bindings()

    def _paper_text(self, item: DueItem) -> Text:
        p = item.paper
        text = safe(p.title, "bold")
        text.append("\n")
        if p.authors:
            text.append_text(safe(", ".join(p.authors[:6]), "italic", newlines=False))
            if len(p.authors) > 6:
                text.append(f" and {len(p.authors) - 6} more", style="italic")
            text.append("\n")
        facts = [str(p.year) if p.year else "", clean(p.venue, newlines=False)]
        facts = [f for f in facts if f]
        if facts:
            text.append(" · ".join(facts) + "\n", style="dim")
        text.append(stars_label(p.stars), style="yellow" if p.stars else "dim")
        text.append(f"  {item.due_text}", style="dim")
        text.append(f" · recall estimated at {item.recall:.0%}", style="dim")
        return text

    def _notes_text(self) -> RenderableType:
        if not self.notes:
            text = Text("Your notes: none yet", style="bold")
            text.append(" (n adds one)\n", style="dim")
            return text
        parts: list[RenderableType] = [Text(f"Your notes ({len(self.notes)})", style="bold")]
        for note in self.notes:
            # One line per note's date and first line (cut with "…"), then the rest.
            heading = note_label(note)
            heading.no_wrap = True
            heading.overflow = "ellipsis"
            parts += [Text(""), heading]
            rest = note.text.strip().partition("\n")[2].strip()
            if rest:
                parts.append(safe(rest))
        return Group(*parts)

    def _abstract_text(self) -> Text:
        assert self.current is not None
        text = Text("Abstract\n", style="bold")
        abstract = self.current.paper.abstract
        text.append_text(safe(abstract) if abstract else Text("(no abstract)", style="dim"))
        return text

    def _grades_text(self) -> Text:
        if self.phase == GRADED and self.result is not None:
            card, entry = self.result
            name = dict(GRADES)[int(entry.grade)]
            day = card.due.astimezone(self.service.tz).date()
            days = round(entry.interval_days)
            text = Text(f"Graded {name}", style="bold")
            text.append(
                f": next re-read in {days} day{'s' if days != 1 else ''} ({day:%a %d %b %Y}).",
            )
            text.append("  n add a note · Space next", style="dim")
            return text
        text = Text("How well did you recall it?  ")
        for n, name in GRADES:
            text.append(f" {n} ", style="reverse bold")
            text.append(f" {name}  ")
        return text

    def _empty_text(self) -> Text:
        text = Text("Nothing to re-read right now.\n\n", style="bold")
        if self._done:
            text.append(f"You did {self._done} re-read{'s' if self._done != 1 else ''} today. ")
        upcoming = self.reader.attempt("find the next re-read", self.service.next_due_after_today)
        if upcoming is not None:
            day = upcoming.astimezone(self.service.tz).date()
            text.append(f"The next one is due on {day:%a %d %b %Y}.\n")
        text.append(
            "\nPapers you mark read (s on a paper, d on Today) come back here when it is "
            "time to re-read them; the number per day is in Settings.",
            style="dim",
        )
        return text

    # Keys -----------------------------------------------------------------------------

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        if action == "grade":
            return self.phase == REVEALED
        if action == "reveal":
            return self.current is not None and self.phase == RECALL
        if action == "next":
            return self.current is not None and self.phase == GRADED
        if action in ("note", "open_paper"):
            return self.current is not None
        if action == "skip":
            return self.current is not None and self.phase == RECALL and self.left > 1
        return True

    def undone(self, paper_id: int) -> None:
        """A grade taken back: that paper is due again, and comes first to be graded
        again (any other undo: the queue as it is now)."""
        self.current = None
        self.phase = RECALL
        self.result = None
        self.load(first=paper_id)

    def action_reveal(self) -> None:
        if self.current is None or self.phase != RECALL:
            return
        self.notes = (
            self.reader.attempt("load notes", self.service.notes, self.current.paper.id) or []
        )
        self.phase = REVEALED
        self._draw()

    def action_next(self) -> None:
        if self.current is not None and self.phase == GRADED:
            self._show_next()

    def action_grade(self, grade: int) -> None:
        if self.current is None or self.phase != REVEALED:
            return
        result = self.reader.attempt(
            "save the grade", self.service.grade, self.current.paper.id, grade
        )
        if result is None:
            return  # the error is shown; the paper stays, the user can grade again
        self.result = result
        self.phase = GRADED
        self.load()

    def action_skip(self) -> None:
        if self.current is None or self.left < 2:
            return
        self._later = [i for i in self._later if i != self.current.paper.id]
        self._later.append(self.current.paper.id)
        self.current = None
        self.moved_under_cursor()  # another paper: a grade typed ahead is not for it
        self.load()

    def action_note(self) -> None:
        if self.current is None:
            return
        paper = self.current.paper

        def written(note: Note | None) -> None:
            if note is not None:
                self.notify("Note saved.")
                if self.phase != RECALL:
                    self.notes = (
                        self.reader.attempt("load notes", self.service.notes, paper.id)
                        or self.notes
                    )
                    self._draw()

        self.app.push_screen(NoteScreen(paper.id, paper.title), written)

    def action_open_paper(self) -> None:
        from .paper import PaperScreen

        if self.current is not None:
            self.app.push_screen(PaperScreen(self.current.paper.id))
