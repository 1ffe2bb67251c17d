"""The Textual app: ReaderApp takes a Service; make_app(db_path) builds it.

Screens reach the data only through ``app.service`` (the same ``reader.service.Service``
the CLI uses). Quick calls run on the UI thread; library pages and searches run in thread
workers on a second, read-only-in-practice connection (``app.reads``), so a slow query at
100,000 papers never freezes typing.
"""

from __future__ import annotations

import asyncio
import gc
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from weakref import WeakKeyDictionary

from textual import actions, events, work
from textual._context import active_app
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from .commands import ReaderCommands
from .opener import Opener, system_open
from .screens.base import ReaderScreen, typing_in
from .text import clean, quoted_terms
from .widgets.footer import KeysFooter

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.dom import DOMNode
    from textual.notifications import SeverityLevel

    from reader.glance import FirstScreen
    from reader.service import FetchReport, Service

T = TypeVar("T")

Flusher = Callable[[], bool]
"""Saves pending edits; returns False when they could not be saved (kept for a retry)."""

TYPEAHEAD_S = 0.4
"""Keys that change data are refused this long after what they act on appeared (a screen,
or a list moved under the cursor): they were typed before the user could see it."""


@dataclass(frozen=True)
class Destination:
    """A screen reached by one key from everywhere: its mode, key, name and what it is for.
    The app's modes, key bindings, help sections and palette entries are all made from
    ``DESTINATIONS``. ``screen`` is "module:Class" under ``tui.screens``: a screen's
    module is imported when it is first shown, not at start-up (start-up is compared with
    a bare Textual app in benchmarks/tui_startup.py)."""

    mode: str
    key: str
    name: str
    screen: str
    about: str
    in_footer: bool = False

    def screen_class(self) -> type[Screen[Any]]:
        return load_screen(self.screen)

    def make(self) -> Screen[Any]:
        """The screen for the mode's first visit: the one the app mounted ahead in idle
        time if there is one (see ``ReaderApp._warm_up``), else a new one."""
        app = active_app.get(None)
        warmed = app.take_warm_screen(self.mode) if isinstance(app, ReaderApp) else None
        return warmed or self.fresh()

    def fresh(self) -> Screen[Any]:
        screen = self.screen_class()()
        # Textual re-parses every stylesheet when a mode's screen is first shown, because
        # a new screen's count of CSS updates starts behind the app's; but a new screen
        # has no styles to bring up to date (its styles are computed when it mounts,
        # from the stylesheet as it is). That re-parse was a large part of the first
        # paint and of each first visit (docs/benchmarks.md). Should Textual rename the
        # attribute, this line only stops saving the time.
        app = active_app.get(None)
        if app is not None:
            screen._css_update_count = app._css_update_count
        return screen


def load_screen(where: str) -> type[Screen[Any]]:
    """The screen class named "module:Class" under ``tui.screens``."""
    module, _, name = where.partition(":")
    screen: type[Screen[Any]] = getattr(import_module(f"tui.screens.{module}"), name)
    return screen


DESTINATIONS = (
    Destination(
        "today",
        "t",
        "Today",
        "today:TodayScreen",
        "Today: re-reads due, papers in progress, the reading queue",
        in_footer=True,
    ),
    Destination(
        "inbox",
        "b",
        "Inbox",
        "inbox:InboxScreen",
        "Inbox: today's arXiv arrivals, best for you first; a queue, x not for me, s skip",
        in_footer=True,
    ),
    Destination(
        "library",
        "l",
        "Library",
        "library:LibraryScreen",
        "Every paper: sort, filter, search",
        in_footer=True,
    ),
    Destination(
        "review", "v", "Review", "review:ReviewScreen", "Review: today's re-reads, one at a time"
    ),
    Destination(
        "stats",
        "g",
        "Stats",
        "stats:StatsScreen",
        "Stats: reading per week, ratings, re-read forecast, recommender quality",
    ),
    Destination(
        "import",
        "i",
        "Import",
        "importing:ImportScreen",
        "Import a file (BibTeX, RIS, arXiv JSON) or add arXiv ids / DOIs",
    ),
    Destination(
        "settings",
        "comma",
        "Settings",
        "settings:SettingsScreen",
        "Settings: suggestions and re-reads per day, retention, theme, data",
    ),
)
HELP_ALSO = {"library": "paper:PaperScreen", "stats": "profile:ProfileScreen"}
"""Screens with keys of their own that are not destinations, listed in the help after
the destination they are opened from."""


class ReaderApp(App[None]):
    """The full-screen reader. All data comes through ``service``; no SQL here."""

    CSS_PATH = "today.tcss"
    MORE_CSS = "reader.tcss"
    """Every other screen's and dialog's rules: read once the first frame is written
    (parsing them before it was a few per cent of the launch; docs/benchmarks.md)."""
    TITLE = "reader"
    COMMANDS = App.COMMANDS | {ReaderCommands}
    MODES = {d.mode: d.make for d in DESTINATIONS}
    DEFAULT_MODE = "today"
    # Help and Quit come before the destinations: the footer is cut at the right in a
    # narrow terminal, and a new user must always see how to get help and how to leave.
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="help", tooltip="Every key, on one screen"),
        # F1 and Ctrl+Q also work while typing in a box, where ? and q are text.
        Binding(
            "f1", "help('f1')", "Help", show=False, id="help-f1", tooltip="Every key, on one screen"
        ),
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit (notes are saved first)"),
        Binding(
            "ctrl+q",
            "quit('ctrl')",
            "Quit",
            show=False,
            priority=True,
            id="quit-ctrl",
            tooltip="Quit (notes are saved first)",
        ),
        *(
            Binding(d.key, f"go('{d.mode}')", d.name, show=d.in_footer, id=d.mode, tooltip=d.about)
            for d in DESTINATIONS
        ),
    ]

    def __init__(
        self,
        service: Service | None = None,
        *,
        opening: Callable[[Callable[[str], None]], Service] | None = None,
        first_screen: FirstScreen | None = None,
        opener: Opener = system_open,
        cursor_blink: bool = True,
        typeahead_s: float = TYPEAHEAD_S,
    ) -> None:
        """``service``: the open database. Or ``opening``, a function that opens it, run
        in a worker after the first paint, with ``first_screen`` (what Today shows until
        then, see :mod:`reader.glance`): importing and opening the service takes longer
        than starting Textual (``make_app`` does this). ``opening`` is handed a function
        that takes a warning (a skipped automatic backup), shown once the service is open."""
        super().__init__()
        if service is None and opening is None:
            raise ValueError("ReaderApp needs a service or a way to open one")
        self._service = service
        self._opening = opening
        self._opening_lock = threading.Lock()
        self._open_warnings: list[str] = []
        self.first_screen = first_screen
        """Today's stored lists, read before the service was open (None once it is)."""
        if first_screen is not None and first_screen.theme in self.available_themes:
            # Before the stylesheet is first built: set in on_mount, the theme made
            # Textual parse all the CSS again and restyle every widget before the first
            # frame (+15% of the launch at 10,000 papers; docs/benchmarks.md).
            self.theme = first_screen.theme
        self.opener = opener
        """Opens a URL or a file with the system's program; injectable for tests."""
        self.cursor_blink = cursor_blink
        """False in snapshot tests, so screenshots do not depend on the blink phase."""
        self.typeahead_s = typeahead_s
        """See ``TYPEAHEAD_S``; tests use 0 (only keys sent before a screen appeared)."""
        self.front_screen: Screen[Any] | None = None
        """The reader screen last brought to the front (see ``ReaderScreen``)."""
        self._typed_on: WeakKeyDictionary[events.Key, tuple[Screen[Any], Widget | None]] = (
            WeakKeyDictionary()
        )
        """The screen and the focused widget each key in flight was typed on (``on_event``)."""
        self.key_time: float | None = None
        """When the key being handled was typed (None outside a key press)."""
        self._reads: Service | None = None
        self._reads_lock = threading.Lock()
        self._suggest: Service | None = None
        self._suggest_lock = threading.Lock()
        self._flushers: list[Flusher] = []
        self._lent: list[Service] = []
        """Connections lent to workers (:meth:`open_connection`), until they close."""
        self._review_start: int | None = None
        self.papers_generation = 0
        """Bumped when papers arrive, go or have their details changed (an import, the
        seed, the inbox's arrivals, an edit or a delete, enrich, a merge of duplicates, a
        renamed tag, a repair, a restore): lists start over on return. Not SQLite's
        ``data_version``, which any commit changes."""
        self._saved_theme: str | None = None
        self._warm: dict[str, Screen[Any]] = {}
        """Destinations' screens mounted ahead of their first visit, by mode."""
        self._shown_modes: set[str] = set()
        self._exiting = False
        self._painted = False
        self._after_paint: list[Callable[[], object]] = []
        """What waits for the first frame (see ``after_first_paint``)."""

    def on_mount(self) -> None:
        """Start in the theme the user chose last time (``ui.theme``)."""
        if self.first_screen is not None and not self.service_ready:
            theme: object = self.first_screen.theme
        else:
            settings = self.attempt("load the settings", self.service.settings) or {}
            theme = settings.get("ui.theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self._saved_theme = self.theme
        self._catch_hang_up(True)

    def _catch_hang_up(self, catch: bool) -> None:
        """Closing the terminal (SIGHUP) or ``kill`` (SIGTERM) ended the process before
        the notes being typed were saved: the editor's last words, or the whole of a note
        written in Review. Now they save the notes, then close the app."""
        loop = asyncio.get_running_loop()
        for name in ("SIGHUP", "SIGTERM"):
            signum = getattr(signal, name, None)  # Windows has no SIGHUP
            if signum is None:
                continue
            with suppress(NotImplementedError, RuntimeError, ValueError):
                if catch:
                    loop.add_signal_handler(signum, self._hang_up)
                else:
                    loop.remove_signal_handler(signum)

    def _hang_up(self) -> None:
        self.flush_all()  # what cannot be saved now is lost: nobody is left to ask
        self.exit()

    def after_first_paint(self, callback: Callable[..., object], *args: Any) -> None:
        """Run ``callback`` once the first frame has been handed to the terminal, or after
        the next refresh when it has. ``call_after_refresh`` alone is too early at
        start-up: a screen with nothing marked dirty yet runs such callbacks at once, so
        the service's import and the suggestions worker competed with the first paint
        for the interpreter (docs/benchmarks.md)."""
        if self._painted:
            self.call_after_refresh(callback, *args)
        else:
            self._after_paint.append(partial(callback, *args))

    @property
    def painted(self) -> bool:
        """True once the first frame has been written (Textual's Ready)."""
        return self._painted

    async def on_ready(self) -> None:
        """Textual's Ready: the first frame is written. The rest of the CSS, then the
        footer's keys (next frame, see ``KeysFooter``), then, once they are drawn, the
        work the first frame left out (``_after_first_frames``)."""
        self._painted = True
        gc.enable()  # off since the launch began (tui/launch.py)
        self._read_more_css()
        for footer in self.screen.query(KeysFooter):
            await footer.show_keys()
        # Run after the frame that draws the keys: the workers' imports would hold it up.
        self.call_after_refresh(self._after_first_frames)

    def _after_first_frames(self) -> None:
        """The screen's deferred work (the rows below the screen), then the workers (the
        service, the suggestions, the arXiv fetch): they never hold up what the user
        sees first."""
        _start_resource_tracker()  # before any worker thread runs: see there
        waiting, self._after_paint = self._after_paint, []
        for callback in waiting:
            callback()
        if not self.service_ready:
            self._open_service()
        self.fetch_arxiv()

    def _read_more_css(self) -> None:
        """Add ``MORE_CSS`` to the stylesheet, after the rules read at start-up (as if
        they were one file). None of them is Today's, so Today is not styled again
        (that repainted the whole screen); a screen or dialog opened by a key typed
        before the first frame is."""
        self.stylesheet.read(Path(__file__).with_name(self.MORE_CSS))
        self.stylesheet.parse()
        today = load_screen("today:TodayScreen")  # loaded: it is the first screen
        for screen in self.screen_stack:
            if not isinstance(screen, today):
                self.stylesheet.update(screen)

    # The service ------------------------------------------------------------------------

    @property
    def service(self) -> Service:
        """The open database. Before the worker has opened it, the first use opens it
        (or waits for the worker to finish opening it)."""
        service = self._service
        if service is None:
            with self._opening_lock:
                if self._service is None:
                    assert self._opening is not None
                    self._service = self._opening(self._open_warnings.append)
                service = self._service
        return service

    @service.setter
    def service(self, service: Service) -> None:
        self._service = service

    @property
    def service_ready(self) -> bool:
        """True once the service is open (always, when the app was given one)."""
        return self._service is not None

    @work(thread=True, exclusive=True, group="open-service", exit_on_error=False)
    def _open_service(self) -> None:
        """Import and open the service after the first paint, then warm up the screens
        in idle time (see ``_warm_up``)."""
        from reader.service import StoreError

        try:
            self.service  # noqa: B018 - opens it
        except StoreError as error:
            self.call_from_thread(self._cannot_open, str(error))
            return
        self.call_from_thread(self._service_opened)

    def _service_opened(self) -> None:
        self.first_screen = None
        for warning in self._open_warnings:
            self.notify(warning, title="reader", severity="warning", markup=False)
        self._open_warnings.clear()

    # Screens mounted ahead ------------------------------------------------------------

    WARM_UP = ("library", "settings", "import", "review")
    """Destinations mounted ahead, in this order, once Today has its suggestions: a
    first visit then only shows the screen (Textual's styling of a new screen's widgets
    took 0.4-0.7 s). Inbox and Stats start heavy work when they mount (ranking, the
    recommender's evaluation), so they are not."""

    def warm_up(self) -> None:
        """Mount the next destination's screen, hidden, and come back after the next
        refresh for the one after: one screen at a time, so keys are still handled in
        between."""
        if not self.is_running or not self.service_ready:
            return
        for mode in self.WARM_UP:
            if mode in self._warm or mode in self._shown_modes:
                continue
            destination = next(d for d in DESTINATIONS if d.mode == mode)
            screen = destination.fresh()
            try:
                # Textual mounts (composes and styles) a screen it is about to show
                # with ``_get_screen``; there is no public call that does only that.
                self._get_screen(screen)
            except Exception:  # another Textual: then first visits build their screens
                return
            self._warm[mode] = screen
            self.set_timer(0.05, self.warm_up)
            return

    @property
    def closing(self) -> bool:
        """Whether the app is on its way out. A screen mounted ahead may get its mount
        event after that, with its widgets or the screen stack already gone (a test's
        teardown under load raised ScreenStackError from the Settings screen's mount):
        such a screen's ``on_mount`` then does nothing."""
        return self._exiting or not self.is_running

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notice with its control characters as visible stand-ins: many name a
        title, tag, collection or file, and a tag "x<ESC>[2Jy" in "Tag renamed" cleared the
        screen (every widget's notify comes here)."""
        shown, heading = clean(str(message)), clean(title)
        super().notify(shown, title=heading, severity=severity, timeout=timeout, markup=markup)

    def exit(
        self,
        result: Any = None,
        return_code: int = 0,
        message: RenderableType | None = None,
    ) -> None:
        self._exiting = True
        super().exit(result, return_code, message)

    def take_warm_screen(self, mode: str) -> Screen[Any] | None:
        self._shown_modes.add(mode)
        return self._warm.pop(mode, None)

    def _cannot_open(self, message: str) -> None:
        self.exit(return_code=1, message=f"reader: error: {message}")

    # The day's arXiv papers ------------------------------------------------------------

    @work(thread=True, exclusive=True, group="arxiv-fetch", exit_on_error=False)
    def fetch_arxiv(self, force: bool = False) -> None:
        """Fetch the day's announcements in the background when arXiv has announced since
        the last fetch (see ``Inbox.fetch_due``), or now with ``force`` (the palette's
        "Fetch arXiv now"), on a connection of its own; progress in the header, the
        outcome in a notification."""
        from reader.service import StoreError

        try:
            service = self.open_connection()
        except StoreError:
            return  # the app's own connection reports database problems
        try:
            if not force and not service.inbox.fetch_due():
                return
            self.call_from_thread(self._fetch_progress, "fetching today's arXiv papers…")
            report = service.fetch(
                lambda message: self.call_from_thread(self._fetch_progress, message)
            )
        except StoreError as error:
            self.call_from_thread(self._fetch_failed, str(error))
            return
        finally:
            service.close()
        self.call_from_thread(self._fetched, report)

    def _fetch_progress(self, message: str) -> None:
        self.title = f"reader · {clean(message, newlines=False)[:70]}"

    def _fetch_failed(self, message: str) -> None:
        self.title = "reader"
        self.notify(message, title="Could not fetch arXiv", severity="error", markup=False)

    def _fetched(self, report: FetchReport) -> None:
        self.title = "reader"
        if report.errors and not report.requests:
            self.notify(
                f"offline: {report.errors[0]}. The inbox keeps what was fetched before; "
                "Ctrl+P, Fetch arXiv now tries again.",
                title="arXiv not reached",
                severity="warning",
                markup=False,
                timeout=30,
            )
            return
        for line in report.errors:
            self.notify(line, title="Part of the fetch failed", severity="warning", markup=False)
        self.notify(
            f"{report.added} new papers from arXiv"
            + (f" ({report.announced})" if report.announced else " (nothing announced)"),
            title="Inbox",
            markup=False,
            timeout=15,
        )
        self.papers_changed()
        refresh = getattr(self.screen, "action_refresh", None)
        if refresh is not None:
            refresh()

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
        from reader.service import open_service

        s = self.service
        return open_service(s.path, clock=s.clock, tz=s.tz, seed=False)

    def open_connection(self) -> Service:
        """A connection of its own for a long job in a worker thread (an import); the
        caller closes it."""
        service = self._open_more()
        self._lent = [s for s in self._lent if not s.closed] + [service]
        return service

    def papers_changed(self) -> None:
        self.papers_generation += 1

    def reopen_database(self, change: Callable[[Path], T]) -> T:
        """Close every connection, run ``change`` on the database file (a restore), and
        open it again; lists reload. Refused (StoreError) while a worker holds one."""
        from reader.service import StoreError, open_service

        locks = (self._reads_lock, self._suggest_lock)
        held = [lock for lock in locks if lock.acquire(blocking=False)]
        try:
            if len(held) != len(locks):
                raise StoreError("the app is busy (suggestions or a search); try again")
            if any(not s.closed for s in self._lent):
                # A restore under an import waited on it for good, and the import on the
                # screen the restore held: the app froze and kept the database locked.
                raise StoreError(
                    "an import, a fetch or another long job is using the database; "
                    "try again when it has finished"
                )
            self.flush_all()
            old = self.service
            path, clock, tz = old.path, old.clock, old.tz
            for extra in (self._reads, self._suggest):
                if extra is not None:
                    extra.close()
            self._reads = self._suggest = None
            old.close()
            try:
                result = change(path)
            finally:
                self.service = open_service(path, clock=clock, tz=tz, seed=False)
        finally:
            for lock in held:
                lock.release()
        self.papers_changed()
        refresh = getattr(self.screen, "action_refresh", None)
        if refresh is not None:
            refresh()
        return result

    def attempt(self, what: str, call: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run a service call; a database error becomes a notification, not a crash."""
        from reader.service import StoreError  # loaded by now: ``call`` is the service's

        try:
            return call(*args, **kwargs)
        except StoreError as error:
            self.notify(str(error), title=f"Could not {what}", severity="error", markup=False)
            return None

    def warn_unmatched_interests(self, terms: list[str]) -> None:
        """Say which of `terms`, just added as interests, have no term to rank by."""
        unmatched = self.attempt("check the interests", self.service.unmatched_interests, terms)
        if unmatched:
            self.notify(
                f"Too few papers here use the words of {quoted_terms(unmatched)} to rank by: "
                "search the Library (/) for those that do; interests count once more arrive.",
                severity="warning",
                markup=False,
            )

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

    async def action_quit(self, key: str = "") -> None:
        """Save every note, then quit (``key`` only tells Ctrl+Q's binding apart); while
        an import runs, ask first (quitting stops it)."""
        from .modals.confirm import ConfirmScreen

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        if self.flush_all():
            if not self._importing():
                self.exit()
                return
            self.push_screen(
                ConfirmScreen(
                    "An import is running. Quitting stops it: the papers stored so far are "
                    "kept, and importing the file again adds the rest. Quit now?",
                    yes="Quit, stop the import",
                    no="Stay",
                ),
                answered,
            )
            return

        self.push_screen(
            ConfirmScreen(
                "A note could not be saved (see the message). It is still in the editor and "
                "will be retried. Quit anyway and lose the unsaved text?",
                yes="Quit, lose it",
                no="Stay",
            ),
            answered,
        )

    def _importing(self) -> bool:
        from textual.worker import WorkerState

        return any(
            w.group == "import" and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
            for w in self.workers
        )

    # Screens --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Which app keys act (and show in the footer) now.

        While a box takes text, ``?``, ``q`` and the destination letters are text: they
        are hidden from the footer (F1 and Ctrl+Q still work). (Dialogs keep the app's
        keys out by themselves: Textual stops the binding chain at a modal screen.)
        No "go to Today" key while on Today (and the same for every destination)."""
        typing = typing_in(self.focused)
        if action in ("help", "quit") and not parameters:
            return not typing
        if action == "go":
            if typing:
                return False
            if parameters and parameters[0] == self.current_mode:
                return len(self.screen_stack) > 1
        return True

    async def on_event(self, event: events.Event) -> None:
        """Keys act only on the screen they were typed on.

        Textual sends a key to the widget focused when it arrives and runs bindings when it
        comes back unused; keys typed quickly after one that changes the screen (``t``,
        Enter on a paper, ``n`` for a note) would otherwise act on a screen the user has
        not seen yet. Such a key is dropped, and said; but a character typed right after
        the key that opened a text box (``n``, ``/``) goes into that box, never to a
        command. The key's time is noted for ``ReaderScreen.typed_ahead`` while it is
        handled. Once the app is quitting, no key acts: "qu" typed in one burst undid a
        rating after the user had left."""
        if not isinstance(event, events.Key):
            await super().on_event(event)
            return
        if self._exiting:
            return
        if not event.is_forwarded:
            self._typed_on[event] = (self.screen, self.focused)
        else:
            screen, focused = self._typed_on.pop(event, (self.screen, self.focused))
            box = self.focused
            if (
                box is not focused
                and event.character
                and event.is_printable
                and typing_in(box)  # so Input and TextArea are loaded
            ):
                from textual.widgets import Input, TextArea

                # A key typed right after the one that opened a text box (n, e) is text.
                if isinstance(box, TextArea):
                    box.insert(event.character)
                    return
                if isinstance(box, Input):
                    if box.select_on_focus:
                        # Its focus event, still queued, would select what goes in now,
                        # and the next letter would replace it ("/grokking": "okking").
                        box.select_on_focus = False
                        box.call_later(setattr, box, "select_on_focus", True)
                    box.insert_text_at_cursor(event.character)
                    return
            if screen is not self.screen:
                self._ignored(event)
                return
        self.key_time = event.time
        try:
            await super().on_event(event)
        finally:
            self.key_time = None

    async def run_action(
        self,
        action: str | actions.ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Drop (and say so) a key that changes data typed before what it acts on was shown
        (``ReaderScreen.CHANGES_DATA``). Here, not in ``check_action``: Textual asks that of
        every binding at each footer refresh, so it said "Key ignored" for keys nobody had
        pressed; and an action it turns off passes its key on to the next binding (the
        app's own b, the Inbox). A key dropped here is used up."""
        screen = default_namespace
        if isinstance(screen, ReaderScreen):
            where, name, parameters = actions.parse(action) if isinstance(action, str) else action
            if (
                not where
                and name in screen.CHANGES_DATA
                and screen.check_action(name, parameters)
                and screen.typed_ahead(name)
            ):
                return True
        return await super().run_action(action, default_namespace, namespaces)

    def typed_before(self, shown_at: float, *, at: float | None = None) -> bool:
        """True (and said) when the key being handled, or what happened at ``at`` (a
        click), came before what it acts on had been on screen ``typeahead_s``, shown at
        ``shown_at``: the user could not have seen it."""
        typed = self.key_time if at is None else at
        if typed is None or typed >= shown_at + self.typeahead_s:
            return False
        self.notify(
            # Said for a new screen, a row that moved under the cursor and a question
            # just asked alike: "before this screen was shown" was wrong for the last two.
            "A key typed before you could see what it acts on was not used; press it again.",
            title="Key ignored",
            severity="warning",
        )
        return True

    def _ignored(self, event: events.Key) -> None:
        self.notify(
            f"{self.get_key_display(Binding(event.key, ''))}: typed before this screen "
            "was shown, so not used; press it again.",
            title="Key ignored",
            severity="warning",
        )

    async def start_review(self, paper_id: int | None = None) -> None:
        """Open Review, with ``paper_id`` (if due) as the first paper."""
        self._review_start = paper_id
        if self.current_mode == "review":
            while len(self.screen_stack) > 1:
                self.pop_screen()
            from .screens.review import ReviewScreen  # loaded: its mode is current

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

    def action_help(self, key: str = "") -> None:
        """Every key: the current screen's first (``key`` only tells F1's binding apart)."""
        from .modals.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        current = type(self.screen)
        every: list[type[Screen[Any]]] = []
        for d in DESTINATIONS:
            every.append(d.screen_class())
            if d.mode in HELP_ALSO:
                every.append(load_screen(HELP_ALSO[d.mode]))
        screens = [current] + [s for s in every if s is not current]
        sections = [(getattr(s, "HELP_TITLE", s.__name__), s.BINDINGS) for s in screens]
        sections.append(("Everywhere", self.BINDINGS))
        self.push_screen(HelpScreen(sections))

    def palette_commands(self, screen: Screen[Any]) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        """Commands for the palette: the app's own, then the screen's (see commands.py)."""
        for d in DESTINATIONS:
            yield f"Go to {d.name}", d.about, partial(self.action_go, d.mode)
        yield "Help: keys", "Every key on one screen", self.action_help
        yield "Quit", "Save notes and quit", self.action_quit
        from .tasks import task_commands

        yield from task_commands(self)
        commands = getattr(screen, "palette_commands", None)
        if commands is not None:
            yield from commands()

    def get_system_commands(self, screen: Screen[Any]) -> Iterator[SystemCommand]:
        """Textual's own palette entries, without its "Quit" (ours says notes are saved)."""
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command

    def on_unmount(self) -> None:
        self._catch_hang_up(False)
        self.flush_all()
        if self._service is not None:
            self._service.close()
        for lock, extra in ((self._reads_lock, self._reads), (self._suggest_lock, self._suggest)):
            # A worker still busy (a long feature build) keeps its connection; the process
            # is ending anyway, and waiting for it would make quitting hang.
            if extra is not None and lock.acquire(blocking=False):
                try:
                    extra.close()
                finally:
                    lock.release()


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker, handing it the real stderr.

    The recommender builds a large catalog's features with a process pool. The first pool
    starts the tracker, which hands ``sys.stderr.fileno()`` to the new process; inside a
    running Textual app stderr is Textual's capture object, the spawn fails with
    "ValueError: bad value(s) in fds_to_keep" and no suggestions ever come. Started here,
    once per process, the tracker is already running when a pool needs it. It is started
    after the first paint (importing multiprocessing and spawning a Python took a few per
    cent of the launch), on the UI thread before any worker runs, so nothing else writes
    to ``sys.stderr`` while it is the real one for the moment of the spawn.
    """
    captured = sys.stderr
    sys.stderr = sys.__stderr__
    try:
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    except (OSError, ValueError):
        pass  # a pool will try again; the suggestions worker reports what fails
    finally:
        sys.stderr = captured


def make_app(
    db_path: Path | str | None = None, *, first: FirstScreen | None = None, **kwargs: Any
) -> ReaderApp:
    """The app on ``db_path``. An existing database is opened after the first paint,
    which shows its stored lists (``first``, else :func:`reader.glance.first_screen`); a
    new one, or one that cannot be glanced at, is opened here, so its errors come before
    the app starts."""
    if first is None:
        from reader.glance import first_screen

        first = first_screen(db_path)
    if first is None:
        from reader.service import open_service

        return ReaderApp(open_service(db_path), **kwargs)
    return ReaderApp(opening=partial(_open_later, first.path), first_screen=first, **kwargs)


def _open_later(path: Path, warn: Callable[[str], None]) -> Service:
    from reader.service import open_service

    return open_service(path, warn=warn)
