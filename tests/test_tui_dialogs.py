"""Dialogs answer once, and only to keys the user typed after seeing them: Enter twice in
one burst ran a prompt's action twice and then closed the screen below it (or crashed the
app), a "y" typed ahead confirmed a delete no one had read, and Escape threw away typed
edits. Also: "Key ignored" only for a key that was, and Hidden's b typed ahead. Each test
drives the real app and reads the database file afterwards."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Input
from tui_helpers import due_today, make_test_app, notifications, open_db, settle, type_ahead

from tui.modals.choice import ChoiceScreen, PromptScreen
from tui.modals.confirm import ConfirmScreen
from tui.screens.paper import PaperScreen
from tui.screens.today import TodayScreen

PAPER = 3


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The seed catalog, paper 3 read (so it can have re-reads)."""
    path = tmp_path / "reader.db"
    service = open_db(path)
    service.set_status(PAPER, "read")
    service.close()
    return path


def rows(path: Path, table: str) -> int:
    with sqlite3.connect(path) as db:
        count: int = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return count


async def open_paper(pilot) -> PaperScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    pilot.app.push_screen(PaperScreen(PAPER))
    await settle(pilot)
    assert isinstance(pilot.app.screen, PaperScreen)
    return pilot.app.screen


async def type_into_prompt(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(pilot.app.screen, PromptScreen)
    pilot.app.screen.query_one(Input).value = text
    await pilot.pause()


# One answer per dialog ----------------------------------------------------------------


async def test_enter_twice_in_the_snooze_prompt_snoozes_once_and_stays_on_today(
    db: Path,
) -> None:
    undo, feedback = rows(db, "undo_log"), rows(db, "feedback_events")
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("Z")
        await settle(pilot)
        await type_into_prompt(pilot, "3 days")
        await type_ahead(pilot, "enter", "enter")
        assert isinstance(app.screen, TodayScreen)
        assert notifications(app).count("Later: hidden") == 1
    assert rows(db, "undo_log") == undo + 1
    assert rows(db, "feedback_events") == feedback + 1


async def test_enter_twice_in_the_vacation_prompt_plans_it_once(db: Path) -> None:
    from tui.tasks import Tasks

    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        Tasks(app).vacation()
        await settle(pilot)
        await type_into_prompt(pilot, "1 week")
        await type_ahead(pilot, "enter", "enter")
        assert isinstance(app.screen, TodayScreen)
        assert notifications(app).count("re-read(s) moved after it") == 1


async def test_enter_twice_in_the_re_read_prompt_keeps_the_paper_open(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        paper = await open_paper(pilot)
        await pilot.press("R")
        await settle(pilot)
        await type_into_prompt(pilot, "in 3 months")
        await type_ahead(pilot, "enter", "enter")
        assert app.screen is paper
        assert notifications(app).count("Next re-read") == 1


async def test_enter_twice_in_the_status_choice_keeps_the_paper_open(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        paper = await open_paper(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("up")  # from "read" to "reading"
        await type_ahead(pilot, "enter", "enter")
        assert app.screen is paper
        assert notifications(app).count("Status: reading") == 1
    service = open_db(db, seed=False)
    assert service.paper(PAPER).status.value == "reading"
    service.close()


@pytest.mark.parametrize("burst", [("enter", "enter"), ("enter", "y"), ("n", "y")])
async def test_a_confirmation_answers_once(db: Path, burst: tuple[str, str]) -> None:
    """A second key in the burst was a second answer: "y" after Keep deleted the paper,
    or closed the paper under the dialog."""
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        paper = await open_paper(pilot)
        await pilot.press("delete")
        await settle(pilot)
        await type_ahead(pilot, *burst)  # Keep (focused), then a second answer
        assert app.screen is paper
    service = open_db(db, seed=False)
    assert service.paper(PAPER).id == PAPER  # kept
    service.close()


async def test_enter_twice_in_the_edit_dialog_saves_once_and_keeps_the_paper_open(
    db: Path,
) -> None:
    from tui.modals.edit_paper import EditPaperScreen

    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        paper = await open_paper(pilot)
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, EditPaperScreen)
        app.screen.query_one("#edit-venue", Input).value = "CoRL"
        await type_ahead(pilot, "enter", "enter")
        assert app.screen is paper
        assert notifications(app).count("Saved: venue") == 1
    service = open_db(db, seed=False)
    assert service.paper(PAPER).venue == "CoRL"
    service.close()


# "Key ignored" only for a key that was ----------------------------------------------


async def test_no_key_ignored_notice_when_no_key_was_ignored(db: Path) -> None:
    """Footer refreshes ask every binding whether it may run; asked while the key that
    opened the Inbox was still being handled, that question said "Key ignored" six or
    seven times on the first visit to the Inbox, though b had worked and nothing was
    dropped. (When the footer asks depends on timing; here it asks at the worst moment.)"""
    from tui.screens.inbox import InboxScreen

    app = make_test_app(db, typeahead_s=0.4)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.pause(0.5)
        await pilot.press("b")
        await settle(pilot)
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        app.key_time = inbox._shown_at  # the b that opened it, still being handled
        try:
            # What the footer asks: check_action of every binding (queue, x, s, > and <
            # among them).
            shown = app.active_bindings
        finally:
            app.key_time = None
        assert "refresh" in {b.binding.action for b in shown.values()}
        await pilot.pause()  # a notice is posted, then shown
        assert "Key ignored" not in notifications(app)


async def test_a_dropped_grade_is_said_once(db: Path) -> None:
    """The notice belongs to the key that was dropped, once, not to each time the footer
    asked whether the grade keys may run."""
    from tui.screens.review import ReviewScreen

    due_today(db, 3, 5)
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("space", "3")  # seen, revealed, graded
        await settle(pilot)
        await type_ahead(pilot, "space", "space", "3")  # next, reveal, grade: too fast
        assert isinstance(app.screen, ReviewScreen) and app.screen.result is None
        assert notifications(app).count("Key ignored") == 1


# A "yes" typed before the question could be read ---------------------------------------


async def test_a_yes_typed_right_after_delete_is_not_taken(db: Path) -> None:
    """Delete, then y 150 ms later, deleted the paper: the question was never read. (The
    window is long here so that a loaded machine cannot make the y come late.)"""
    app = make_test_app(db, typeahead_s=30)
    async with app.run_test(size=(120, 40)) as pilot:
        paper = await open_paper(pilot)
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # still asking
        assert "Key ignored" in notifications(app)
        # Not "before this screen was shown": the screen was, the question was not read.
        assert "before you could see what it acts on" in notifications(app)
        await pilot.press("tab", "enter")  # Enter on Delete: too soon as well
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#yes")  # and a click
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no always works
        await settle(pilot)
        assert app.screen is paper
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("escape")  # and so does Escape
        await settle(pilot)
        assert app.screen is paper
    service = open_db(db, seed=False)
    assert service.paper(PAPER).id == PAPER  # kept
    service.close()


@pytest.mark.parametrize("how", ["y", "tab enter", "click"])
async def test_a_yes_given_after_the_moment_deletes(db: Path, how: str) -> None:
    app = make_test_app(db, typeahead_s=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_paper(pilot)
        await pilot.press("delete")
        await settle(pilot)
        await pilot.pause(0.2)
        if how == "click":
            await pilot.click("#yes")
        else:
            await pilot.press(*how.split())
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert "Key ignored" not in notifications(app)
    service = open_db(db, seed=False)
    assert PAPER not in {p.id for p in service.papers(limit=1000)}
    service.close()


# Escape in the edit dialog ------------------------------------------------------------


async def test_escape_in_the_edit_dialog_asks_before_throwing_edits_away(db: Path) -> None:
    from tui.modals.edit_paper import EditPaperScreen

    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        paper = await open_paper(pilot)
        await pilot.press("E")
        await settle(pilot)
        edit = app.screen
        assert isinstance(edit, EditPaperScreen)
        edit.query_one("#edit-venue", Input).value = "CoRL"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # keep editing
        await settle(pilot)
        assert app.screen is edit
        assert edit.query_one("#edit-venue", Input).value == "CoRL"
        await pilot.click("#cancel")  # the Cancel button asks too
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")  # discard
        await settle(pilot)
        assert app.screen is paper
    service = open_db(db, seed=False)
    assert service.paper(PAPER).venue != "CoRL"
    service.close()


async def test_escape_in_the_edit_dialog_without_changes_just_closes(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        paper = await open_paper(pilot)
        await pilot.press("E")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is paper


# Hidden papers ------------------------------------------------------------------------


async def test_b_twice_in_a_burst_takes_back_one_hidden_paper(db: Path) -> None:
    """The second b took back the paper that had moved under the cursor."""
    from tui.screens.hidden import HiddenScreen

    service = open_db(db, seed=False)
    for paper_id in (7, 8, 9):
        service.dismiss(paper_id)
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HiddenScreen)
        await type_ahead(pilot, "b", "b")
        assert isinstance(app.screen, HiddenScreen)  # not the Inbox either
        assert notifications(app).count("Key ignored") == 1
    service = open_db(db, seed=False)
    assert len(service.hidden()) == 2
    service.close()
