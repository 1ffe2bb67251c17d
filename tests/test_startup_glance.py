"""Start-up: Today is painted from the stored lists before the service is open (see
``reader.glance``), and what the service brings later does not move the paper the user
is on."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from textual.widgets import OptionList
from tui_helpers import FIXED_NOW, Opened, fixed_clock, open_db, screen_text, settle

from reader.glance import first_screen
from reader.models import Status
from reader.service import Service
from tui.app import ReaderApp
from tui.screens.today import REREADS, SUGGESTIONS


def glance(path: Path):  # type: ignore[no-untyped-def]
    first = first_screen(path, clock=fixed_clock, tz=UTC)
    assert first is not None
    return first


def made_today(path: Path, per_day: int = 5) -> list[int]:
    """A seeded library with a rating, today's ``per_day`` suggestions made and stored,
    and 30 papers queued; returns the suggested ids."""
    service = open_db(path)
    try:
        service.set_setting("suggest.per_day", per_day)
        service.rate(1, 5)
        queued = [p.id for p in service.papers(limit=60) if p.id != 1][-30:]
        today = service.today()
        suggested = [s.paper.id for s in today.suggestions]
        for paper_id in queued:
            if paper_id not in suggested:
                service.set_status(paper_id, Status.QUEUED)
        return suggested
    finally:
        service.close()


class Gate:
    """Opens the service only when ``release`` is called: the test decides when the
    app's worker gets its (real) service."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.released = threading.Event()

    def __call__(self, warn: Callable[[str], None]) -> Service:
        assert self.released.wait(30), "the test never let the service open"
        return open_db(self.path, seed=False)

    def release(self) -> None:
        self.released.set()


def lazy_app(path: Path, gate: Gate) -> ReaderApp:
    return ReaderApp(
        opening=gate,
        first_screen=glance(path),
        opener=Opened(),
        cursor_blink=False,
        typeahead_s=0,
    )


async def test_todays_stored_list_is_on_screen_before_the_service_is_open(
    tmp_path: Path,
) -> None:
    db = tmp_path / "reader.db"
    suggested = made_today(db)
    assert suggested
    gate = Gate(db)
    app = lazy_app(db, gate)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not app.service_ready  # the worker is still waiting for the gate
        listing = app.screen.query_one("#today-list", OptionList)
        shown = [o.id for o in listing.options if o.id and ":" in o.id]
        assert shown[: len(suggested)] == [f"{SUGGESTIONS}:{i}" for i in suggested]
        assert any(i and i.startswith("Queued:") for i in shown)
        assert "Preparing" not in screen_text(app)
        gate.release()
        await settle(pilot)
        assert app.service_ready
        listing = app.screen.query_one("#today-list", OptionList)
        after = [o.id for o in listing.options if o.id and ":" in o.id]
        assert after[: len(suggested)] == [f"{SUGGESTIONS}:{i}" for i in suggested]


async def test_rows_the_service_adds_above_the_cursor_do_not_move_it(tmp_path: Path) -> None:
    """A re-read falls due today: the service puts the Re-reads section above the queue
    the user has scrolled into; the highlighted paper stays where it was drawn."""
    db = tmp_path / "reader.db"
    made_today(db)
    service = open_db(db, seed=False)
    try:
        read = next(p.id for p in service.papers(status=Status.UNREAD, limit=60))
        service.set_status(read, Status.READ)
        service.schedule_at(read, "today")
        assert [d.paper.id for d in service.due()] == [read]
    finally:
        service.close()
    gate = Gate(db)
    app = lazy_app(db, gate)
    async with app.run_test(size=(100, 16)) as pilot:
        await pilot.pause()
        listing = app.screen.query_one("#today-list", OptionList)
        assert not any(o.id and o.id.startswith(REREADS) for o in listing.options)
        for key in "j" * 16 + "k" * 4:  # into the queue, so the list scrolls; then up a
            await pilot.press(key)  # little, so the paper is not on the bottom line
        await pilot.pause()
        before = listing.highlighted_option
        assert before is not None and before.id and before.id.startswith("Queued:")
        assert listing.scroll_y > 0
        row = listing._index_to_line[listing.highlighted] - round(listing.scroll_y)
        gate.release()
        await settle(pilot)
        listing = app.screen.query_one("#today-list", OptionList)
        assert any(o.id == f"{REREADS}:{read}" for o in listing.options)
        after = listing.highlighted_option
        assert after is not None and after.id == before.id
        assert listing._index_to_line[listing.highlighted] - round(listing.scroll_y) == row


def test_the_glance_leaves_out_what_the_service_leaves_out(tmp_path: Path) -> None:
    """The glance's SQL and ``Suggesting``'s rule in Python pick the same papers: rated,
    given a status, "not for me", snoozed and "less like this" ones are out; an expired
    snooze, "more like this" and a "less" taken off are not."""
    db = tmp_path / "reader.db"
    suggested = made_today(db, per_day=8)
    service = open_db(db, seed=False)
    try:
        a, b, c, d, e, f, g, h = suggested[:8]
        service.steer(f, "less")
        service.steer(g, "more")
        service.steer(h, "less")
        service.steer(h, None)
        service.rate(a, 3)
        service.set_status(b, Status.READING)
        service.dismiss(c)
        service.snooze(d, "3 days")
        service.store.suggestions.add_feedback(  # a snooze that ended yesterday
            e, "snooze", now=FIXED_NOW - timedelta(days=3), until=FIXED_NOW - timedelta(days=1)
        )
        saved = service.saved_today()
        assert saved is not None
        expected = [(s.paper.id, s.reason) for s in saved.suggestions]
    finally:
        service.close()
    assert {e, g, h} <= {paper_id for paper_id, _ in expected}
    assert f not in [paper_id for paper_id, _ in expected]
    first = glance(db)
    assert first.suggestions is not None
    assert [(p.id, reason) for p, reason in first.suggestions] == expected


def test_no_glance_at_a_file_that_is_not_a_reader_database(tmp_path: Path) -> None:
    """The app then opens it the ordinary way, which says what is wrong."""
    other = tmp_path / "notes.bib"
    other.write_text("@article{a, title={A}}\n")
    assert first_screen(other) is None
    assert first_screen(tmp_path / "missing.db") is None
    assert not (tmp_path / "missing.db").exists()


def test_no_glance_at_a_database_older_than_its_queries(tmp_path: Path) -> None:
    """A file from before m013 has no steering table for the glance's rule: the app
    opens it the ordinary way, which migrates it (the glance would have failed)."""
    db = tmp_path / "reader.db"
    made_today(db)
    assert first_screen(db) is not None
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE steering_events")
    conn.commit()
    conn.close()
    assert first_screen(db) is None


async def test_a_database_the_worker_cannot_open_ends_the_app_with_the_reason(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The glance reads a file made by a newer reader; opening it (after the first
    paint) is refused, and the app ends with that one line, as the CLI would say it."""
    import sqlite3

    from tui.app import make_app

    db = tmp_path / "reader.db"
    open_db(db, seed=False).close()
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('reader', 'm999_from_the_future', '2026-12-01')"
    )
    conn.commit()
    conn.close()
    app = make_app(db, cursor_blink=False, typeahead_s=0)
    assert not app.service_ready  # the glance was enough to start
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
    assert app.return_code == 1
    said = " ".join(capfd.readouterr().err.split())
    assert "reader: error:" in said and "made by a newer version of reader" in said


async def test_suggestions_arriving_above_a_long_list_are_shown_to_a_user_at_the_top(
    tmp_path: Path,
) -> None:
    """First launch on a library with 30 papers queued and no stored suggestions: the
    glance paints the queue; the suggestions the service makes come above it. A user who
    has not moved sees them (they were scrolled out of sight, above the first row)."""
    db = tmp_path / "reader.db"
    service = open_db(db)
    try:
        service.rate(1, 5)
        for paper in [p for p in service.papers(limit=60) if p.id != 1][-30:]:
            service.set_status(paper.id, Status.QUEUED)
    finally:
        service.close()
    gate = Gate(db)
    app = lazy_app(db, gate)
    async with app.run_test(size=(100, 16)) as pilot:
        await pilot.pause()
        listing = app.screen.query_one("#today-list", OptionList)
        assert not any(o.id and o.id.startswith(SUGGESTIONS) for o in listing.options)
        gate.release()
        await settle(pilot)
        listing = app.screen.query_one("#today-list", OptionList)
        first = listing.highlighted_option
        assert first is not None and first.id and first.id.startswith(f"{SUGGESTIONS}:")
        assert round(listing.scroll_y) == 0
        assert "Suggestions" in screen_text(app)


def test_quitting_does_not_wait_for_a_worker_still_running(tmp_path: Path) -> None:
    """After `q` the terminal stayed frozen until a worker's thread ended: a fetch waiting
    on a slow arXiv (up to two minutes), a large feature build. The app's launcher ends
    the process once the app has closed, whatever its workers still do."""
    import subprocess
    import sys

    script = """
import threading
from textual import work
from textual.app import App
from tui.launch import run_and_leave

started = threading.Event()

class Busy(App):
    def on_mount(self):
        self.busy()
        self.set_interval(0.05, lambda: started.is_set() and self.exit(return_code=3))

    @work(thread=True)
    def busy(self):
        started.set()
        threading.Event().wait(600)  # a fetch on a network that never answers

run_and_leave(Busy(), headless=True)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 3, done.stderr
