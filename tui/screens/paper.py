"""One paper: its metadata and abstract; stars, status and tags; its notes in an editor.

Notes are saved by the service a moment after typing stops, when another note is picked,
when the screen is left and when the app quits. A database error keeps the text in the
editor, says so, and retries; leaving or quitting then asks first (see ``ReaderApp``).
"""

from __future__ import annotations

import re
from contextlib import suppress
from functools import partial

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import (
    ContentSwitcher,
    Header,
    Markdown,
    OptionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from reader.models import Note, Paper, Status
from reader.service import StoreError

from ..modals.choice import ChoiceScreen, PromptScreen
from ..modals.confirm import ConfirmScreen
from ..modals.edit_paper import EditPaperScreen
from ..text import clean, from_box, note_label, short, short_stars, to_box
from ..widgets.footer import KeysFooter
from ..widgets.paper_detail import paper_links, paper_text
from .base import ReaderScreen, rating_bindings, steer_bindings, undo_binding

SAVE_AFTER_S = 0.8
"""Typing pause after which a note is saved."""
EDITOR_ASLEEP = "e or Enter: write here · n: a new note"
"""What the empty editor says while keys are commands (5 rates the paper, s sets its
status): a person who took the box for a text field typed "5 stars" and rated the paper."""
EDITOR_AWAKE = "Markdown, saved as you type · Esc: done"
RETRY_AFTER_S = 5.0
"""After a failed save, try again this often."""
NEW_NOTE = "new"
NEW_COLLECTION = "\x00new"
"""The "new collection" choice (no collection name can be this)."""


def split_tags(text: str) -> list[str]:
    return [t for t in re.split(r"[,\s]+", text) if t]


class PaperScreen(ReaderScreen):
    CHANGES_DATA = frozenset({"rate", "undo", "schedule", "steer"})
    HELP_TITLE = "Paper"
    BINDINGS = [
        Binding(
            "escape", "back", "Back", tooltip="Back (the note is saved first)", id="paper-back"
        ),
        *rating_bindings("paper", rate_tip="Rate 1-5 stars", clear_tip="Clear the rating"),
        undo_binding("paper"),
        *steer_bindings("paper"),
        Binding("s", "status", "Status", tooltip="Set the reading status", id="paper-status"),
        Binding("plus", "add_tags", "Tag", tooltip="Add tags", id="paper-tag"),
        Binding(
            "minus", "remove_tag", "Untag", show=False, tooltip="Remove a tag", id="paper-untag"
        ),
        Binding(
            "n", "new_note", "Note", show=False, tooltip="Start a new note", id="paper-new-note"
        ),
        Binding("e", "edit", "Edit", show=False, tooltip="Edit the selected note", id="paper-edit"),
        Binding(
            "p",
            "preview",
            "Preview",
            show=False,  # room in an 80-column footer for Help and Quit (see the help)
            tooltip="Toggle the Markdown preview of the note",
            id="paper-preview",
        ),
        Binding(
            "o", "open('url')", "Open", tooltip="Open the paper's web page", id="paper-open-url"
        ),
        Binding(
            "f", "open('pdf')", "PDF", show=False, tooltip="Open the local PDF", id="paper-open-pdf"
        ),
        Binding(
            "c",
            "open('code')",
            "Code",
            show=False,
            tooltip="Open the code repository",
            id="paper-open-code",
        ),
        Binding(
            "E",
            "edit_paper",
            "Edit paper",
            show=False,
            tooltip="Edit title, authors, year, venue, ids and links",
            id="paper-edit-meta",
        ),
        Binding(
            "delete",
            "delete_paper",
            "Delete paper",
            show=False,
            tooltip="Delete the paper (asks first; a JSON export of it is kept)",
            id="paper-delete",
        ),
        Binding(
            "C",
            "collect",
            "Collect…",
            show=False,
            tooltip="Add the paper to a collection (a named, ordered reading list)",
            id="paper-collect",
        ),
        Binding(
            "y",
            "copy('bibtex')",
            "Copy BibTeX",
            show=False,
            tooltip="Copy the paper's BibTeX entry to the clipboard",
            id="paper-copy-bibtex",
        ),
        Binding(
            "Y",
            "copy('link')",
            "Copy link",
            show=False,
            tooltip="Copy the paper's link to the clipboard",
            id="paper-copy-link",
        ),
        Binding(
            "R",
            "schedule",
            "Re-read on…",
            show=False,
            tooltip='Schedule the next re-read ("in 3 months", "2027-01-10", "next monday")',
            id="paper-schedule",
        ),
        Binding(
            "ctrl+s",
            "save",
            "Save",
            show=False,
            tooltip="Save the note now (it also saves by itself)",
            id="paper-save",
        ),
    ]

    def __init__(self, paper_id: int) -> None:
        super().__init__()
        self.paper_id = paper_id
        self.paper: Paper | None = None
        self.notes: list[Note] = []
        self.note_id: int | None = None
        """The note in the editor; None for a new note not yet saved."""
        self.saved_text = ""
        """What the database holds for the note in the editor."""
        self.typed_text = ""
        """What the editor holds, kept here too: when the app is closed other than by q
        (the terminal closes), the editor is taken down before the last save runs."""
        self._save_timer: Timer | None = None
        self._retry_timer: Timer | None = None
        self._last_error: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="paper"):
            with VerticalScroll(id="paper-info"):
                yield Static(id="paper-body", markup=False)
            with Vertical(id="notes-pane"):
                yield Static("Notes", id="notes-title", markup=False)
                yield OptionList(id="note-list", markup=False)
                with ContentSwitcher(initial="editor", id="note-switcher"):
                    yield TextArea(
                        id="editor",
                        soft_wrap=True,
                        show_line_numbers=False,
                        tab_behavior="indent",
                        placeholder=EDITOR_ASLEEP,
                    )
                    with VerticalScroll(id="preview"):
                        yield Markdown(id="preview-body")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Paper"
        self.query_one("#editor", TextArea).cursor_blink = self.reader.cursor_blink
        self.reader.register_flusher(self.save_note)
        paper = self.reader.attempt("load the paper", self.service.paper, self.paper_id)
        if paper is None:
            self.app.pop_screen()
            return
        self._show(paper)
        self.notes = self.reader.attempt("load notes", self.service.notes, self.paper_id) or []
        self._load_note(self.notes[-1] if self.notes else None)
        self._list_notes()
        self.query_one("#note-list", OptionList).focus()

    def on_unmount(self) -> None:
        self.save_note()
        self.reader.unregister_flusher(self.save_note)

    def on_screen_suspend(self) -> None:
        self.save_note()

    def on_screen_resume(self) -> None:
        # Left on top of the Library's stack while the user went elsewhere: the paper
        # may have been rated, tagged or steered since (on Today, from the shell).
        if self.paper is None or self.app.screen is not self:
            return  # not shown after all: a dialog's answer (delete) took it off the stack
        paper = self.reader.attempt("load the paper", self.service.paper, self.paper_id)
        if paper is None:
            self.app.pop_screen()
            return
        self._show(paper)

    # Showing --------------------------------------------------------------------------

    def _show(self, paper: Paper) -> None:
        self.paper = paper
        steering = self.reader.attempt("load the steering", self.service.steering_of, paper.id)
        rereads = self.reader.attempt("load the re-reads", self.service.rereads_of, paper.id)
        said = rereads.describe(self.service.clock(), self.service.tz) if rereads else ""
        self.query_one("#paper-body", Static).update(
            paper_text(paper, steering=steering, rereads=said)
        )

    def _list_notes(self) -> None:
        listing = self.query_one("#note-list", OptionList)
        listing.clear_options()
        for note in self.notes:
            listing.add_option(Option(note_label(note), id=str(note.id)))
        listing.add_option(Option(Text("+ new note", style="dim"), id=NEW_NOTE))
        current = str(self.note_id) if self.note_id is not None else NEW_NOTE
        listing.highlighted = listing.get_option_index(current)
        count = len(self.notes)
        self.query_one("#notes-title", Static).update(
            Text(f"Notes ({count})", style="bold") if count else Text("Notes", style="bold")
        )

    def _load_note(self, note: Note | None) -> None:
        self.note_id = note.id if note else None
        self.saved_text = self.typed_text = note.text if note else ""
        editor = self.query_one("#editor", TextArea)
        editor.load_text(to_box(self.saved_text))
        self._update_preview()

    def _update_preview(self) -> None:
        if self.query_one("#note-switcher", ContentSwitcher).current == "preview":
            text = clean(self.query_one("#editor", TextArea).text)
            self.query_one("#preview-body", Markdown).update(text or "*(empty note)*")

    # Saving ---------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self.typed_text != self.saved_text

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if event.widget.id == "editor":
            self.query_one("#editor", TextArea).placeholder = EDITOR_AWAKE

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if event.widget.id == "editor":
            self.query_one("#editor", TextArea).placeholder = EDITOR_ASLEEP

    @on(TextArea.Changed, "#editor")
    def _typed(self, event: TextArea.Changed) -> None:
        self.typed_text = from_box(event.text_area.text, self.saved_text)
        if self._save_timer is not None:
            self._save_timer.stop()
        if self.dirty:
            self._save_timer = self.set_timer(SAVE_AFTER_S, self.save_note)

    def save_note(self) -> bool:
        """Save the editor's text through the service. False if it could not be saved;
        the text stays in the editor and a retry is scheduled."""
        text = self.typed_text
        if text == self.saved_text:
            return True
        try:
            note = self.service.save_note(self.paper_id, self.note_id, text)
        except StoreError as error:
            if str(error) != self._last_error:
                self.notify(
                    f"{error}\nYour text is kept in the editor; retrying.",
                    title="Note not saved",
                    severity="error",
                    markup=False,
                )
            self._last_error = str(error)
            if self._retry_timer is None:
                self._retry_timer = self.set_interval(RETRY_AFTER_S, self._retry)
            return False
        if self._last_error is not None:
            self.notify("Note saved.", markup=False)
        self._last_error = None
        if self._retry_timer is not None:
            self._retry_timer.stop()
            self._retry_timer = None
        self.saved_text = text
        self.note_id = note.id if note else None
        self.notes = [n for n in self.notes if n.id != (note.id if note else None)]
        if note is not None:
            self.notes.append(note)
            self.notes.sort(key=lambda n: n.created_at)
        else:  # emptied: the service deleted it
            self.notes = (
                self.reader.attempt("load notes", self.service.notes, self.paper_id) or self.notes
            )
        with suppress(NoMatches):  # saved while the app closes: nothing left to show
            self._list_notes()
        return True

    def _retry(self) -> None:
        self.save_note()

    # Notes list and editor ------------------------------------------------------------

    @on(OptionList.OptionSelected, "#note-list")
    def _note_selected(self, event: OptionList.OptionSelected) -> None:
        self._switch_to(event.option.id)
        self.action_edit()

    def _switch_to(self, option_id: str | None) -> bool:
        wanted = None if option_id in (None, NEW_NOTE) else int(option_id)
        if wanted == self.note_id and wanted is not None:
            return True
        if not self.save_note():
            return False
        self._load_note(next((n for n in self.notes if n.id == wanted), None))
        self._list_notes()
        return True

    def action_new_note(self) -> None:
        if self._switch_to(NEW_NOTE):
            self.action_edit()

    def action_edit(self) -> None:
        switcher = self.query_one("#note-switcher", ContentSwitcher)
        switcher.current = "editor"
        # At once, not after the queued messages: what is typed next goes into the note.
        self.set_focus(self.query_one("#editor", TextArea))

    def action_preview(self) -> None:
        """Toggle the preview. The keys stay with the notes list either way: only e, n or
        Enter put them in the editor, so a key pressed after p is never typed into the
        note."""
        switcher = self.query_one("#note-switcher", ContentSwitcher)
        switcher.current = "preview" if switcher.current == "editor" else "editor"
        self._update_preview()
        self.query_one("#note-list", OptionList).focus()

    def action_save(self) -> None:
        if self.dirty and self.save_note():
            self.notify("Note saved.")

    def action_back(self) -> None:
        editor = self.query_one("#editor", TextArea)
        if editor.has_focus:
            self.save_note()
            self.query_one("#note-list", OptionList).focus()
            return
        if not self.save_note():
            self.notify(
                "The note could not be saved, so this page stays open; the text is "
                "kept and retried (Ctrl+S to retry now).",
                severity="warning",
            )
            return
        self.app.pop_screen()

    # Paper actions --------------------------------------------------------------------

    def action_rate(self, stars: int) -> None:
        paper = self.reader.attempt("rate", self.service.rate, self.paper_id, stars or None)
        if paper is not None:
            self._show(paper)
            self.done(f"Rated {short_stars(paper.stars)}" if paper.stars else "Rating cleared")

    def action_steer(self, direction: str) -> None:
        self.steer(self.paper_id, direction)
        self.undone(self.paper_id)

    def undone(self, paper_id: int) -> None:
        if paper_id == self.paper_id:
            paper = self.reader.attempt("reload the paper", self.service.paper, paper_id)
            if paper is not None:
                self._show(paper)

    def action_status(self) -> None:
        def chosen(value: str | None) -> None:
            if value is not None:
                self.set_status(Status(value))

        current = self.paper.status.value if self.paper else None
        self.app.push_screen(
            ChoiceScreen("Reading status", [(s.value, s.value) for s in Status], current),
            chosen,
        )

    def set_status(self, status: Status) -> None:
        paper = self.reader.attempt(
            "set the status", self.service.set_status, self.paper_id, status
        )
        if paper is not None:
            self._show(paper)
            self.done(f"Status: {paper.status.value}")

    def action_add_tags(self) -> None:
        def entered(value: str | None) -> None:
            tags = split_tags(value or "")
            if tags:
                paper = self.reader.attempt("tag", self.service.tag, self.paper_id, tags)
                if paper is not None:
                    self._show(paper)

        self.app.push_screen(PromptScreen("Add tags", "space or comma separated"), entered)

    def action_remove_tag(self) -> None:
        if self.paper is None or not self.paper.tags:
            self.notify("This paper has no tags.")
            return

        def chosen(value: str | None) -> None:
            if value is not None:
                paper = self.reader.attempt("untag", self.service.untag, self.paper_id, [value])
                if paper is not None:
                    self._show(paper)

        self.app.push_screen(
            ChoiceScreen(
                "Remove which tag?", [(t, clean(t, newlines=False)) for t in self.paper.tags]
            ),
            chosen,
        )

    def action_open(self, kind: str) -> None:
        if self.paper is None:
            return
        links = dict(paper_links(self.paper))
        target = links.get(kind)
        if target is None:
            self.notify(f"This paper has no {kind}.", severity="warning")
            return
        problem = self.reader.opener(target)
        if problem and kind == "url":
            # Over SSH: the link is shown and put on the clipboard (OSC 52) to paste.
            self.app.copy_to_clipboard(target)
            self.notify(
                f"{clean(target, newlines=False)}\n(copied to the clipboard)",
                title=f"Could not open a browser: {problem}",
                severity="warning",
                markup=False,
                timeout=15,
            )
        elif problem:
            self.notify(problem, title=f"Could not open the {kind}", severity="error", markup=False)
        else:
            self.notify(f"Opening {clean(target, newlines=False)}", markup=False)

    def action_schedule(self) -> None:
        def schedule(when: str) -> str | None:
            try:
                scheduled = self.service.schedule_at(self.paper_id, when)
            except StoreError as error:
                return str(error)
            day = scheduled.due.astimezone(self.service.tz).date().isoformat()
            again = " (re-reads of it were off; they are on again)" if scheduled.turned_on else ""
            self.notify(f"Next re-read: {day}{again}", markup=False)
            self._reshow()
            return None

        self.app.push_screen(
            PromptScreen(
                "Next re-read", '"in 3 months", "2027-01-10", "next monday"', submit=schedule
            )
        )

    def action_collect(self) -> None:
        found = self.reader.attempt("list collections", self.service.collecting.collections)
        if found is None:
            return

        def add(name: str | None) -> None:
            if not name or not name.strip():
                return
            added = self.reader.attempt(
                "add to the collection", self.service.collecting.add, name, self.paper_id
            )
            if added is not None:
                self.notify(
                    f"Added to {name.strip()}" if added else f"Already in {name.strip()}",
                    markup=False,
                )

        def chosen(value: str | None) -> None:
            if value == NEW_COLLECTION:
                self.app.push_screen(PromptScreen("New collection", "Thesis chapter 2"), add)
            else:
                add(value)

        choices = [(c.name, f"{c.name}  ({c.size})") for c in found]
        choices.append((NEW_COLLECTION, "+ new collection…"))
        self.app.push_screen(ChoiceScreen("Add to collection", choices), chosen)

    def action_copy(self, what: str) -> None:
        """Copy the BibTeX entry, the citation key or the link (Textual's clipboard: the
        terminal's OSC 52, so it works over ssh where the terminal allows it)."""
        citation = self.reader.attempt("cite", self.service.citation, self.paper_id)
        if citation is None:
            return
        text = {"bibtex": citation.bibtex, "key": citation.key, "link": citation.link}[what]
        if text is None:
            self.notify("This paper has no link (no URL, arXiv id or DOI).", severity="warning")
            return
        self.app.copy_to_clipboard(text)
        shown = citation.key if what == "bibtex" else text
        self.notify(f"Copied {what}: {shown}", markup=False)

    def action_edit_paper(self) -> None:
        if self.paper is None:
            return

        def save(changes: dict[str, str]) -> str | None:
            try:
                paper = self.service.edit_paper(self.paper_id, **changes)
            except StoreError as error:
                return str(error)
            self._show(paper)
            self.reader.papers_changed()
            self.notify("Saved: " + ", ".join(sorted(changes)), markup=False)
            return None

        self.app.push_screen(EditPaperScreen(self.paper, save))

    def action_delete_paper(self) -> None:
        if self.paper is None:
            return
        title = short(self.paper.title, 80)

        def answered(delete: bool | None) -> None:
            if not delete:
                return
            self.save_note()
            export = self.reader.attempt("delete", self.service.delete_paper, self.paper_id)
            if export is not None:
                self.reader.unregister_flusher(self.save_note)
                self.reader.papers_changed()
                self.notify(f"Deleted. Kept as {export}", title="Paper deleted", markup=False)
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmScreen(
                f"Delete {title!r}, with its notes, ratings, tags and re-reads?\n"
                "A JSON export of it is written first (reader import brings it back).",
                yes="Delete",
                no="Keep",
            ),
            answered,
        )

    def set_review(self, enabled: bool) -> None:
        if self.reader.attempt("set re-reads", self.service.set_review, self.paper_id, enabled):
            self.notify("Re-reads on for this paper" if enabled else "No re-reads for this paper")
            self._reshow()

    def download_pdf(self) -> None:
        from ..reach import Reach

        Reach(self.reader).download_pdf(self.paper_id, self._reshow)

    def _reshow(self) -> None:
        """Show the paper again (its PDF path after a download, its re-reads)."""
        paper = self.reader.attempt("load the paper", self.service.paper, self.paper_id)
        if paper is not None and self.is_mounted:
            self._show(paper)

    def palette_commands(self):  # type: ignore[no-untyped-def]
        yield from super().palette_commands()
        yield (
            "Paper: re-reads off",
            "keep this paper out of every re-read",
            partial(self.set_review, False),
        )
        yield "Paper: re-reads on", "re-read this paper again", partial(self.set_review, True)
        yield "Paper: copy citation key", "to the clipboard", partial(self.action_copy, "key")
        yield "Paper: download the PDF", "from arXiv into the data folder, once", self.download_pdf
        for n in range(1, 6):
            yield f"Paper: rate {n}★", "", lambda n=n: self.action_rate(n)
        for status in Status:
            yield (
                f"Paper: status {status.value}",
                "set the reading status",
                lambda s=status: self.set_status(s),
            )
