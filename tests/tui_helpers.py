"""Shared helpers for the TUI tests: a real SQLite file built through the service, a fixed
clock, an app that opens nothing outside and does not blink, and screen text."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from textual import events
from textual.pilot import Pilot

from reader.models import PaperRecord
from reader.service import Service, open_service
from tui.app import ReaderApp

FIXED_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def fixed_clock() -> datetime:
    return FIXED_NOW


def open_db(path: Path, *, seed: bool = True) -> Service:
    """A service on ``path`` with the clock stopped and UTC days, so screens repeat."""
    return open_service(path, clock=fixed_clock, tz=UTC, seed=seed)


def due_today(path: Path, *paper_ids: int) -> None:
    """Each paper rated 4★, read, and its re-read due today."""
    service = open_db(path, seed=False)
    try:
        for paper_id in paper_ids:
            service.rate(paper_id, 4)
            service.set_status(paper_id, "read")
            service.schedule_at(paper_id, "today")
    finally:
        service.close()


def add_papers(path: Path, records: Sequence[PaperRecord]) -> list[int]:
    service = open_db(path, seed=False)
    try:
        return service.store.ingest.add(records, now=FIXED_NOW).added
    finally:
        service.close()


class Opened(list[str]):
    """Records what the app asked the system to open, instead of opening it."""

    def __call__(self, target: str) -> str | None:
        self.append(target)
        return None


def make_test_app(path: Path, *, seed: bool = True, typeahead_s: float = 0.0) -> ReaderApp:
    """The app on ``path``. ``typeahead_s`` 0: a key is refused only when it was sent before
    the screen it acts on appeared (Pilot's keys come after a pause; see ``type_ahead``).

    Notifications stay for a minute, not 5 s: on a loaded machine the work after a key
    (a new list, read closely) can outlast 5 s, and a test that then looks for the
    notification the key posted found it gone (seen: "u: undo" after marking a paper read)."""
    app = ReaderApp(
        open_db(path, seed=seed), opener=Opened(), cursor_blink=False, typeahead_s=typeahead_s
    )
    app.NOTIFICATION_TIMEOUT = 60
    return app


async def type_ahead(pilot: Pilot[None], *keys: str) -> None:
    """Send ``keys`` the way a fast typist or a paste does: all queued before the app has
    handled the first (Pilot's ``press`` waits for the app between keys)."""
    app = pilot.app
    driver = app._driver
    assert driver is not None
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        driver.send_message(event)
    await settle(pilot)


async def settle(pilot: Pilot[None]) -> None:
    """Wait for workers (library pages, suggestions, imports) and the repaint after them.

    A DirectoryTree (Import) keeps a loader worker alive for as long as it is shown; that
    one never completes, so it is not waited for."""
    await pilot.pause()
    workers = [w for w in pilot.app.workers if w.group != "_loader"]
    if workers:
        await pilot.app.workers.wait_for_complete(workers)
    await pilot.pause()


def screen_text(app: ReaderApp) -> str:
    """The characters on screen, from Textual's SVG screenshot."""
    svg = app.export_screenshot()
    text = "".join(re.findall(r"<text[^>]*>(.*?)</text>", svg))
    return html.unescape(text).replace("\xa0", " ")


def bottom_line(app: ReaderApp) -> str:
    """The last line of the screen as the user sees it (the SVG screenshot's text
    pieces on the lowest row, left to right)."""
    svg = app.export_screenshot()
    pieces = [
        (float(y), float(x), html.unescape(text).replace("\xa0", " "))
        for x, y, text in re.findall(
            r'<text[^>]*\bx="([\d.]+)"[^>]*\by="([\d.]+)"[^>]*>(.*?)</text>', svg
        )
    ]
    last = max(y for y, _, _ in pieces)
    return "".join(text for y, _, text in sorted(p for p in pieces if p[0] == last))


def notifications(app: ReaderApp) -> str:
    """Every notification still showing, titles and messages, as one string."""
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)
