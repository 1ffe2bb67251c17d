"""The Textual app: ReaderApp takes a Service; make_app(db_path) builds it.

Screens reach the data only through ``app.service`` (the same ``reader.service.Service``
the CLI uses). Quick calls run on the UI thread; library pages and searches run in thread
workers on a second, read-only-in-practice connection (``app.reads``), so a slow query at
100,000 papers never freezes typing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from reader.service import Service, StoreError, open_service

from .commands import ReaderCommands
from .modals.confirm import ConfirmScreen
from .modals.help import HelpScreen
from .opener import Opener, system_open
from .screens.importing import ImportScreen
from .screens.library import LibraryScreen
from .screens.paper import PaperScreen
from .screens.review import ReviewScreen
from .screens.settings import SettingsScreen
from .screens.stats import StatsScreen
from .screens.today import TodayScreen

T = TypeVar("T")

Flusher = Callable[[], bool]
"""Saves pending edits; returns False when they could not be saved (kept for a retry)."""


class ReaderApp(App[None]):
    """The full-screen reader. All data comes through ``service``; no SQL here."""

    CSS_PATH = "reader.tcss"
    TITLE = "reader"
    COMMANDS = App.COMMANDS | {ReaderCommands}
    MODES = {
        "today": TodayScreen,
        "library": LibraryScreen,
        "review": ReviewScreen,
        "stats": StatsScreen,
        "import": ImportScreen,
        "settings": SettingsScreen,
    }
    DEFAULT_MODE = "today"
    BINDINGS = [
        Binding(
            "t",
            "go('today')",
            "Today",
            id="today",
            tooltip="Today: re-reads due, papers in progress, the reading queue",
        ),
        Binding(
            "l",
            "go('library')",
            "Library",
            id="library",
            tooltip="Every paper: sort, filter, search",
        ),
        Binding(
            "v",
            "go('review')",
            "Review",
            show=False,
            id="review",
            tooltip="Review: today's re-reads, one paper at a time",
        ),
        Binding(
            "g",
            "go('stats')",
            "Stats",
            show=False,
            id="stats",
            tooltip="Stats: reading per week, ratings, re-read forecast, recommender quality",
        ),
        Binding(
            "i",
            "go('import')",
            "Import",
            show=False,
            id="import",
            tooltip="Import a file (BibTeX, RIS, arXiv JSON) or add arXiv ids / DOIs",
        ),
        Binding(
            "comma",
            "go('settings')",
            "Settings",
            show=False,
            id="settings",
            tooltip="Settings: suggestions and re-reads per day, retention, theme, data",
        ),
        Binding("question_mark", "help", "Help", id="help", tooltip="Every key, on one screen"),
        Binding("f1", "help", "Help", show=False, id="help-f1"),
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit (notes are saved first)"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="quit-ctrl"),
    ]

    def __init__(
        self,
        service: Service,
        *,
        opener: Opener = system_open,
        cursor_blink: bool = True,
    ) -> None:
        super().__init__()
        _start_resource_tracker()
        self.service = service
        self.opener = opener
        """Opens a URL or a file with the system's program; injectable for tests."""
        self.cursor_blink = cursor_blink
        """False in snapshot tests, so screenshots do not depend on the blink phase."""
        self._reads: Service | None = None
        self._reads_lock = threading.Lock()
        self._suggest: Service | None = None
        self._suggest_lock = threading.Lock()
        self._flushers: list[Flusher] = []
        self._review_start: int | None = None
        self.data_version = 0
        """Bumped when papers arrive from elsewhere (an import): lists reload on return."""
        self._saved_theme: str | None = None

    def on_mount(self) -> None:
        """Start in the theme the user chose last time (``ui.theme``)."""
        settings = self.attempt("load the settings", self.service.settings) or {}
        theme = settings.get("ui.theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self._saved_theme = self.theme

    def watch_theme(self, theme: str) -> None:
        """Remember a theme picked in the palette or in Settings."""
        saved = getattr(self, "_saved_theme", None)
        if saved is None or theme == saved:
            return  # still starting, or nothing new
        if self.attempt("save the theme", self.service.set_setting, "ui.theme", theme) is not None:
            self._saved_theme = theme

    # Data -----------------------------------------------------------------------------

    @contextmanager
    def reads(self) -> Iterator[Service]:
        """A second connection for queries made from worker threads, one at a time."""
        with self._reads_lock:
            if self._reads is None:
                self._reads = self._open_more()
            yield self._reads

    @contextmanager
    def suggester(self) -> Iterator[Service]:
        """A third connection for suggestions: building the recommender's features on a
        new catalog can take minutes and must not hold up library pages and searches."""
        with self._suggest_lock:
            if self._suggest is None:
                self._suggest = self._open_more()
            yield self._suggest

    def _open_more(self) -> Service:
        s = self.service
        return open_service(s.path, clock=s.clock, tz=s.tz, seed=False)

    def open_connection(self) -> Service:
        """A connection of its own for a long job in a worker thread (an import); the
        caller closes it."""
        return self._open_more()

    def data_changed(self) -> None:
        self.data_version += 1

    def attempt(self, what: str, call: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run a service call; a database error becomes a notification, not a crash."""
        try:
            return call(*args, **kwargs)
        except StoreError as error:
            self.notify(str(error), title=f"Could not {what}", severity="error", markup=False)
            return None

    # Edits that must survive quitting -------------------------------------------------

    def register_flusher(self, flush: Flusher) -> None:
        self._flushers.append(flush)

    def unregister_flusher(self, flush: Flusher) -> None:
        if flush in self._flushers:
            self._flushers.remove(flush)

    def flush_all(self) -> bool:
        ok = True
        for flush in list(self._flushers):
            ok = flush() and ok
        return ok

    async def action_quit(self) -> None:
        if self.flush_all():
            self.exit()
            return

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        self.push_screen(
            ConfirmScreen(
                "A note could not be saved (see the message). It is still in the editor and "
                "will be retried. Quit anyway and lose the unsaved text?",
                yes="Quit, lose it",
                no="Stay",
            ),
            answered,
        )

    # Screens --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No "go to Today" key in the footer while on Today (and the same for Library)."""
        if action == "go" and parameters and parameters[0] == self.current_mode:
            return len(self.screen_stack) > 1
        return True

    async def start_review(self, paper_id: int | None = None) -> None:
        """Open Review, with ``paper_id`` (if due) as the first paper."""
        self._review_start = paper_id
        if self.current_mode == "review":
            while len(self.screen_stack) > 1:
                self.pop_screen()
            screen = self.screen
            if isinstance(screen, ReviewScreen):
                screen.load()
            return
        await self.switch_mode("review")

    def take_review_start(self) -> int | None:
        start, self._review_start = self._review_start, None
        return start

    async def action_go(self, mode: str) -> None:
        """Switch to Today or Library; from a paper opened there, go back to it."""
        if mode != self.current_mode:
            await self.switch_mode(mode)
            return
        back = getattr(self.screen, "action_back", None)
        if back is not None and len(self.screen_stack) > 1:
            back()

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        current = type(self.screen)
        screens = [current] + [
            s
            for s in (
                TodayScreen,
                LibraryScreen,
                PaperScreen,
                ReviewScreen,
                StatsScreen,
                ImportScreen,
                SettingsScreen,
            )
            if s is not current
        ]
        sections = [(getattr(s, "HELP_TITLE", s.__name__), s.BINDINGS) for s in screens]
        sections.append(("Everywhere", self.BINDINGS))
        self.push_screen(HelpScreen(sections))

    def palette_commands(self, screen: Screen[Any]) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        """Commands for the palette: the app's own, then the screen's (see commands.py)."""
        yield "Go to Today", "Re-reads due, reading, queued", lambda: self.action_go("today")
        yield "Go to Library", "Every paper", lambda: self.action_go("library")
        yield "Go to Review", "Today's re-reads, one at a time", lambda: self.action_go("review")
        yield "Go to Stats", "Reading, ratings, forecast, quality", lambda: self.action_go("stats")
        yield "Go to Import", "A file, or arXiv ids / DOIs", lambda: self.action_go("import")
        yield (
            "Go to Settings",
            "Per-day numbers, retention, theme",
            lambda: self.action_go("settings"),
        )
        yield "Help: keys", "Every key on one screen", self.action_help
        yield "Quit", "Save notes and quit", self.action_quit
        commands = getattr(screen, "palette_commands", None)
        if commands is not None:
            yield from commands()

    def on_unmount(self) -> None:
        self.flush_all()
        self.service.close()
        for lock, extra in ((self._reads_lock, self._reads), (self._suggest_lock, self._suggest)):
            # A worker still busy (a long feature build) keeps its connection; the process
            # is ending anyway, and waiting for it would make quitting hang.
            if extra is not None and lock.acquire(blocking=False):
                try:
                    extra.close()
                finally:
                    lock.release()


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker now, while ``sys.stderr`` is the real one.

    The recommender builds a large catalog's features with a process pool. The first pool
    starts the tracker, which hands ``sys.stderr.fileno()`` to the new process; inside a
    running Textual app stderr is Textual's capture object, the spawn fails with
    "ValueError: bad value(s) in fds_to_keep" and no suggestions ever come. Started here
    (once per process, a few ms), the tracker is already running when a pool needs it.
    """
    try:
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    except (OSError, ValueError):
        pass  # a pool will try again; the suggestions worker reports what fails


def make_app(db_path: Path | str | None = None, **kwargs: Any) -> ReaderApp:
    return ReaderApp(open_service(db_path), **kwargs)
