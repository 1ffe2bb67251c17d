"""Notes being typed survive the end of the app however it comes: a closed terminal
(SIGHUP), ``kill`` (SIGTERM), or a failure that takes the screens down."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from textual.widgets import TextArea
from tui_helpers import due_today, make_test_app, open_db, settle

from tui.modals.note import NoteScreen
from tui.screens.paper import PaperScreen
from tui.screens.review import ReviewScreen


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The seed catalog (52 papers) in a fresh database file."""
    path = tmp_path / "reader.db"
    open_db(path).close()
    return path


def notes_of(path: Path, paper_id: int) -> list[str]:
    service = open_db(path, seed=False)
    try:
        return [n.text for n in service.notes(paper_id)]
    finally:
        service.close()


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["hup", "term"])
async def test_a_closed_terminal_saves_the_words_just_typed(db: Path, signum: int) -> None:
    """The paper's editor saves a moment after typing stops; the terminal closed within
    that moment lost the last words."""
    caught: list[int] = []
    # Without the app's own handler the signal would end the test run: note it instead.
    previous = signal.signal(signum, lambda s, _: caught.append(s))
    try:
        app = make_test_app(db)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("l")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, PaperScreen)
            await pilot.press("n", *"last words")
            assert screen.query_one("#editor", TextArea).text == "last words"
            os.kill(os.getpid(), signum)
            await pilot.pause(0.1)
            assert not app.is_running or app.closing
        assert caught == []
        assert notes_of(db, screen.paper_id) == ["last words"]
    finally:
        signal.signal(signum, previous)


async def test_a_review_note_is_saved_when_the_app_ends_another_way(db: Path) -> None:
    """The Review's note dialog saved on Ctrl+S, Escape or q only; the app's last flush
    comes after its screens are taken down, so a failure lost the whole note."""
    due_today(db, 3)
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"kept anyway")
        await pilot.pause()
        app.exit(return_code=1)  # as a failure ends it: no quit action, no flush before
    assert notes_of(db, 3) == ["kept anyway"]
