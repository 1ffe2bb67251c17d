"""Act where you are: rating on Today's rows and in the Library, j/k/G in lists, undo with
``u`` and the Hidden view. Each test drives the real app and reads the database file."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, OptionList
from tui_helpers import make_test_app, notifications, open_db, screen_text, settle

from tui.screens.hidden import HiddenScreen
from tui.screens.library import LibraryScreen
from tui.screens.today import TodayScreen


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reader.db"
    open_db(path).close()
    return path


def stars(path: Path, paper_id: int) -> int | None:
    service = open_db(path, seed=False)
    try:
        return service.paper(paper_id).stars
    finally:
        service.close()


def rows(path: Path, table: str) -> list[dict]:
    service = open_db(path, seed=False)
    try:
        return list(service.store.db[table].rows)
    finally:
        service.close()


def today_selected(app) -> int:  # type: ignore[no-untyped-def]
    screen = app.screen
    assert isinstance(screen, TodayScreen)
    selected = screen._selected()
    assert selected is not None
    return selected[1]


async def test_rate_on_todays_row_and_clear_it(db: Path) -> None:
    """A queued paper (the last row) stays where it is when rated."""
    service = open_db(db, seed=False)
    service.set_status(10, "queued")
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "1-5 Rate" in screen_text(app)  # the footer says where rating works
        await pilot.press("G")
        assert today_selected(app) == 10
        await pilot.press("4")
        await settle(pilot)
        assert stars(db, 10) == 4
        assert "★★★★" in screen_text(app)
        assert "u: undo" in notifications(app)
        await pilot.press("0")
        await settle(pilot)
        assert stars(db, 10) is None
        assert "★★★★" not in screen_text(app)


async def test_j_k_and_G_move_in_todays_list(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one("#today-list", OptionList)
        first = listing.highlighted
        await pilot.press("j", "j")
        assert listing.highlighted is not None and first is not None
        assert listing.highlighted > first
        await pilot.press("k", "k")
        assert listing.highlighted == first
        await pilot.press("G")
        assert listing.highlighted == listing.option_count - 1


async def test_library_rates_moves_with_j_and_the_search_box_keeps_the_letters(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        table = screen.query_one("#papers", DataTable)
        await pilot.press("j", "j", "k")
        assert table.cursor_row == 1
        paper = screen._selected()
        assert paper is not None
        await pilot.press("5")
        await settle(pilot)
        assert stars(db, paper.id) == 5
        assert "1-5" in screen_text(app)
        await pilot.press("G")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("slash", "j", "k", "5")
        assert screen.query_one("#search", Input).value == "jk5"
        assert stars(db, paper.id) == 5  # 5 was text, not a rating


async def test_undo_a_status_change_on_today_restores_the_rows(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        paper_id = today_selected(app)
        status_before = rows(db, "status_events")
        cards_before = rows(db, "review_cards")
        await pilot.press("d")  # done: read, and a first re-read
        await settle(pilot)
        assert rows(db, "status_events") != status_before
        assert "u: undo" in notifications(app)
        await pilot.press("u")
        await settle(pilot)
        assert rows(db, "status_events") == status_before
        assert rows(db, "review_cards") == cards_before
        assert "Undone: marked" in notifications(app)
        service = open_db(db, seed=False)
        assert service.paper(paper_id).status.value == "unread"
        service.close()


async def test_undo_a_rating_in_the_library(db: Path) -> None:
    open_db(db, seed=False).rate(1, 2)
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        ratings_before = rows(db, "rating_events")
        await pilot.press("4")
        await settle(pilot)
        assert stars(db, 1) == 4
        await pilot.press("u")
        await settle(pilot)
        assert rows(db, "rating_events") == ratings_before
        assert stars(db, 1) == 2
        assert "★★★★" not in screen_text(app).split("\n")[0]


async def test_undo_shows_nothing_when_there_is_nothing_to_undo(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Undo" not in screen_text(app)
        await pilot.press("u")
        await settle(pilot)
        assert "Undone" not in notifications(app)


async def test_dismiss_undo_then_hidden_view_takes_back(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = rows(db, "feedback_events")
        await pilot.press("x")
        await settle(pilot)
        assert len(rows(db, "feedback_events")) == len(before) + 1
        await pilot.press("u")
        await settle(pilot)
        assert rows(db, "feedback_events") == before
        # One dismissed and one snoozed (a dismissal empties a cold-start Today, so the
        # second is made through the service); both are taken back from Hidden.
        service = open_db(db, seed=False)
        service.dismiss(7)
        service.snooze(8)
        service.close()
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HiddenScreen)
        text = screen_text(app)
        assert "not for me" in text and "snoozed until 2026-03-16" in text
        await pilot.press("b")  # newest first: the snoozed one
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert rows(db, "feedback_events") == before
        assert "Nothing hidden" in screen_text(app)
        assert not {7, 8} & {r["paper_id"] for r in rows(db, "feedback_events")}
        await pilot.press("b")  # once more on the empty list: nothing, not the Inbox
        await settle(pilot)
        assert isinstance(app.screen, HiddenScreen)


async def test_keys_of_new_actions_are_text_in_the_note_editor(db: Path) -> None:
    """E, C, R, y, u and Delete typed into a note are text (or delete a character), never
    the paper's actions."""
    from textual.widgets import TextArea

    from tui.screens.paper import PaperScreen

    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(PaperScreen(3))
        await settle(pilot)
        await pilot.press("5")  # something to undo
        await settle(pilot)
        await pilot.press("n")
        await pilot.press("E", "C", "R", "y", "u", "x", "delete", "left", "delete")
        await settle(pilot)
        assert isinstance(app.screen, PaperScreen)
        assert app.screen.query_one("#editor", TextArea).text == "ECRyu"  # x deleted
        assert stars(db, 3) == 5  # u was text: the rating was not undone


async def test_a_key_typed_after_queueing_a_suggestion_never_acts_on_it_again(db: Path) -> None:
    """The suggestion row stayed until the worker's new list came: "ax" in a burst queued
    the paper and then called the same paper "not for me"."""
    from tui_helpers import type_ahead

    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = today_selected(app)
        before = rows(db, "feedback_events")
        await type_ahead(pilot, "a", "x")
        queued = [r for r in rows(db, "status_events") if r["paper_id"] == first]
        assert [r["status"] for r in queued] == ["queued"]
        assert rows(db, "feedback_events") == before
        listed = app.screen.query_one(OptionList)
        shown = {listed.get_option_at_index(n).id for n in range(listed.option_count)}
        assert f"Queued:{first}" in shown
        assert not {f"Suggestions:{first}", f"Rate a few to get suggestions:{first}"} & shown
