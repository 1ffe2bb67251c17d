"""Import: a file (BibTeX, RIS, arXiv JSON Lines, a reader JSON export) picked in a
folder tree or typed as a path, or arXiv ids / DOIs pasted in; a progress bar while it
runs, then what was added, merged and skipped.

The work runs in a thread worker on its own connection (``ReaderApp.open_connection``),
so the rest of the app stays usable; progress comes back through ``call_from_thread``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    DirectoryTree,
    Header,
    Input,
    ProgressBar,
    Static,
    TextArea,
)

from reader.service import AddOutcome, ImportReport, StoreError
from reader.service.importing import parse_categories, parse_since

from ..text import clean, safe
from ..widgets.footer import KeysFooter
from .base import ReaderScreen, types_text

SUFFIXES = {".bib", ".bibtex", ".ris", ".json", ".jsonl", ".txt"}
BUILD_FOLDERS = frozenset(
    {"__pycache__", "node_modules", "build", "dist", "site-packages", "venv", "target"}
)
"""Folders of tools, never of papers: not shown in the tree (nor hidden ones, nor
``*.egg-info``)."""
"""Files the folder tree lists (any path can still be typed)."""
ADD_CHUNK = 25
"""Ids fetched per service call, so the bar moves on a long list."""
PROBLEMS_SHOWN = 20


class ImportTree(DirectoryTree):
    """Folders and importable files; hidden ones left out. A character typed here goes
    to the path box: someone typing a path or an id in the tree must not set off a
    one-letter key of another screen. Backspace goes up a folder (above the start too)."""

    BINDINGS = [
        Binding(
            "backspace",
            "up",
            "Up a folder",
            tooltip="Show the folder above this one",
            id="import-tree-up",
        ),
    ]

    def action_up(self) -> None:
        here = Path(self.path).expanduser().resolve()
        if here.parent != here:
            self.path = here.parent
            self.screen.query_one("#import-where", Static).update(str(here.parent))

    def on_key(self, event: events.Key) -> None:
        if event.character is None or not types_text(event.key) or event.key == "space":
            return
        event.stop()
        event.prevent_default()
        field = self.screen.query_one("#import-path", Input)
        field.focus()
        field.insert_text_at_cursor(event.character)

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        shown = []
        for path in paths:
            if path.name.startswith(".") or path.name.endswith(".egg-info"):
                continue
            if path.name in BUILD_FOLDERS:
                continue
            try:
                if path.is_dir() or path.suffix.lower() in SUFFIXES:
                    shown.append(path)
            except OSError:
                continue
        return shown


def split_things(text: str) -> list[str]:
    """arXiv ids and DOIs, one per line or separated by spaces, commas or semicolons."""
    return [t for t in re.split(r"[\s,;]+", text) if t]


def import_summary(report: ImportReport) -> Text:
    """What an import did, file by file, then the bad records (each named by line)."""
    text = Text()
    for file in report.files:
        text.append_text(safe(Path(file.path).name, "bold", newlines=False))
        if file.format:
            text.append(f" ({file.format})", style="dim")
        text.append(": ")
        if file.error:
            text.append_text(safe(file.error, "red", newlines=False))
            text.append("\n")
            continue
        skipped = file.present + file.duplicates
        text.append(f"{file.added:,} added", style="bold green")
        text.append(f" · {file.updated:,} merged")
        text.append(f" · {skipped:,} skipped")
        if skipped:
            text.append(
                f" ({file.present:,} already here, {file.duplicates:,} repeated in the file)",
                style="dim",
            )
        if file.problems:
            text.append(f" · {file.problems:,} bad record{'s' if file.problems != 1 else ''}",
                        style="yellow")  # fmt: skip
        if file.warnings:
            text.append(f" · {file.warnings:,} warning{'s' if file.warnings != 1 else ''}",
                        style="yellow")  # fmt: skip
        text.append("\n")
    if report.strict_failed:
        text.append("Nothing stored: the file has problems.\n", style="bold red")
    for problem in report.problems[:PROBLEMS_SHOWN]:
        text.append("  ")
        text.append_text(safe(str(problem), "yellow", newlines=False))
        text.append("\n")
    if len(report.problems) > PROBLEMS_SHOWN:
        text.append(f"  … and {len(report.problems) - PROBLEMS_SHOWN} more\n", style="dim")
    return text


def add_summary(outcomes: list[AddOutcome]) -> Text:
    counts = Counter(o.outcome for o in outcomes)
    text = Text(f"{counts['added']:,} added", style="bold green")
    text.append(f" · {counts['updated']:,} merged · {counts['present']:,} already here")
    if counts["failed"]:
        text.append(f" · {counts['failed']:,} failed", style="bold red")
    text.append("\n")
    for o in outcomes:
        if o.outcome == "failed":
            text.append("  ")
            text.append_text(safe(o.error or o.thing, "red", newlines=False))
            text.append("\n")
        elif o.title:
            text.append(f"  {o.outcome}: ", style="dim")
            text.append_text(safe(o.title, newlines=False))
            text.append("\n")
    return text


class ImportScreen(ReaderScreen):
    HELP_TITLE = "Import"
    BINDINGS = [
        Binding(
            "ctrl+o",
            "import_file",
            "Import file",
            tooltip="Import the file named in the path box",
            id="import-file",
        ),
        Binding(
            "ctrl+s",
            "add_ids",
            "Add ids",
            tooltip="Fetch and add the pasted arXiv ids and DOIs",
            id="import-ids",
        ),
        Binding(
            "escape",
            "leave_field",
            "Leave box",
            tooltip="Leave the text box so keys like t and l work again",
            id="import-leave",
        ),
    ]

    def __init__(self, root: Path | None = None) -> None:
        super().__init__()
        self.root = root or Path.home()
        self.running = False
        self.last_report: ImportReport | None = None
        self.last_outcomes: list[AddOutcome] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="import"):
            with Vertical(id="import-file-pane", classes="panel"):
                yield Input(
                    placeholder="path/to/library.bib", id="import-path", select_on_focus=False
                )
                with Horizontal(id="import-where-bar"):
                    yield Static(str(self.root), id="import-where", markup=False)
                    yield Button("↑ Up", id="import-up", compact=True)
                yield ImportTree(self.root, id="import-tree")
                with Horizontal(id="import-options"):
                    yield Input(placeholder="arXiv categories (cs.LG …)", id="import-category")
                    yield Input(placeholder="since YYYY-MM-DD", id="import-since")
                    yield Checkbox("strict", id="import-strict", compact=True)
                yield Button("Import file  ^O", id="import-file-button", compact=True)
            with Vertical(id="import-ids-pane", classes="panel"):
                yield TextArea(id="import-ids", soft_wrap=True)
                yield Button("Fetch and add  ^S", id="import-ids-button", compact=True)
        with Vertical(id="import-progress"):
            yield Static(id="import-label", markup=False)
            yield ProgressBar(id="import-bar", show_eta=False)
        with VerticalScroll(id="import-summary-box"):
            yield Static(id="import-summary", markup=False)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        if self.reader.closing:  # mounted ahead (ReaderApp.warm_up) as the app closes
            return
        self.sub_title = "Import"
        self.query_one(
            "#import-file-pane"
        ).border_title = "A file: BibTeX, RIS, arXiv JSON Lines, reader JSON"
        self.query_one("#import-ids-pane").border_title = "arXiv ids or DOIs, one a line"
        self.query_one("#import-path", Input).cursor_blink = self.reader.cursor_blink
        self.query_one("#import-ids", TextArea).cursor_blink = self.reader.cursor_blink
        self.query_one("#import-progress").display = False
        self.query_one("#import-summary-box").display = False
        # Tab goes from the path box straight to the tree; Backspace there goes up too.
        self.query_one("#import-up", Button).can_focus = False
        self.query_one("#import-path", Input).focus()

    # Picking ----------------------------------------------------------------------------

    @on(DirectoryTree.FileSelected, "#import-tree")
    def _file_picked(self, event: DirectoryTree.FileSelected) -> None:
        field = self.query_one("#import-path", Input)
        field.value = str(event.path)
        field.focus()

    @on(Input.Submitted, "#import-path")
    def _path_submitted(self) -> None:
        self.action_import_file()

    @on(Button.Pressed, "#import-file-button")
    def _file_button(self) -> None:
        self.action_import_file()

    @on(Button.Pressed, "#import-up")
    def _up_button(self) -> None:
        self.query_one("#import-tree", ImportTree).action_up()

    @on(Button.Pressed, "#import-ids-button")
    def _ids_button(self) -> None:
        self.action_add_ids()

    # Running ----------------------------------------------------------------------------

    def action_import_file(self) -> None:
        typed = self.query_one("#import-path", Input).value.strip()
        if not typed:
            self.notify("Pick a file in the tree or type its path first.", severity="warning")
            return
        path = Path(typed).expanduser()
        if path.is_dir():
            self.query_one("#import-tree", ImportTree).path = path
            self.query_one("#import-where", Static).update(str(path))
            self.notify("That is a folder: the tree shows it now; pick a file in it.")
            return
        if not path.exists():
            self.notify(
                f"{clean(str(path), newlines=False)}: no such file",
                title="Cannot import",
                severity="error",
                markup=False,
            )
            return
        try:
            options = {
                "categories": parse_categories(self.query_one("#import-category", Input).value),
                "since": parse_since(self.query_one("#import-since", Input).value),
                "strict": self.query_one("#import-strict", Checkbox).value,
            }
        except StoreError as error:
            self.notify(str(error), title="Cannot import", severity="error", markup=False)
            return
        if self._begin(f"Importing {clean(path.name, newlines=False)}…", _file_size(path)):
            self._run_import(path, options)

    def action_add_ids(self) -> None:
        things = split_things(self.query_one("#import-ids", TextArea).text)
        if not things:
            self.notify("Paste arXiv ids or DOIs into the box first.", severity="warning")
            return
        if self._begin(f"Fetching {len(things)} paper{'s' if len(things) != 1 else ''}…",
                       len(things)):  # fmt: skip
            self._run_add(things)

    def _begin(self, label: str, total: int | None) -> bool:
        if self.running:
            self.notify("An import is running; wait for it to finish.", severity="warning")
            return False
        self.running = True
        self.query_one("#import-progress").display = True
        self.query_one("#import-label", Static).update(label)
        self.query_one("#import-bar", ProgressBar).update(total=total, progress=0)
        return True

    def _advance(self, amount: int) -> None:
        self.query_one("#import-bar", ProgressBar).advance(amount)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _run_import(self, path: Path, options: dict[str, Any]) -> None:
        reader = self.reader
        try:
            service = reader.open_connection()
            try:
                report = service.import_files(
                    [path], progress=lambda n: reader.call_from_thread(self._advance, n), **options
                )
            finally:
                service.close()
        except (StoreError, OSError, ValueError) as error:
            reader.call_from_thread(self._failed, str(error))
            return
        reader.call_from_thread(self._imported, report)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _run_add(self, things: list[str]) -> None:
        reader = self.reader
        outcomes: list[AddOutcome] = []
        try:
            service = reader.open_connection()
            try:
                for start in range(0, len(things), ADD_CHUNK):
                    chunk = things[start : start + ADD_CHUNK]
                    outcomes.extend(service.add_things(chunk))
                    reader.call_from_thread(self._advance, len(chunk))
            finally:
                service.close()
        except (StoreError, OSError, ValueError) as error:
            reader.call_from_thread(self._failed, str(error))
            if not outcomes:
                return
        reader.call_from_thread(self._added, outcomes)

    def _finish(self, summary: Text) -> None:
        self.running = False
        self.query_one("#import-progress").display = False
        self.query_one("#import-summary-box").display = True
        self.query_one("#import-summary", Static).update(summary)
        self.reader.papers_changed()

    def _failed(self, message: str) -> None:
        self.running = False
        self.query_one("#import-progress").display = False
        self.notify(message, title="Import failed", severity="error", markup=False)

    def _imported(self, report: ImportReport) -> None:
        self.last_report = report
        self._finish(import_summary(report))
        for file in report.failed_files:
            self.notify(file.error or "", title="Cannot import", severity="error", markup=False)
        if not report.failed_files:
            self.notify(
                f"{report.added:,} added, {report.updated:,} merged, "
                f"{report.present + report.duplicates:,} skipped",
                title="Import done",
            )

    def _added(self, outcomes: list[AddOutcome]) -> None:
        self.last_outcomes = outcomes
        self._finish(add_summary(outcomes))
        failed = sum(1 for o in outcomes if o.outcome == "failed")
        added = sum(1 for o in outcomes if o.outcome == "added")
        if failed:
            self.notify(
                f"{failed} of {len(outcomes)} could not be added (see the list).",
                title="Add",
                severity="error",
            )
        else:
            self.notify(f"{added} added.", title="Add done")


def _file_size(path: Path) -> int | None:
    try:
        return path.stat().st_size or None
    except OSError:
        return None
