"""Small faults of the terminal UI a new user met (issue 13), each driven through the real
app on a real database file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, OptionList, Static, TextArea
from tui_helpers import bottom_line, make_test_app, open_db, screen_text, settle

from reader.units import human_size
from tui.app import DESTINATIONS, ReaderApp
from tui.screens.library import LibraryScreen
from tui.screens.paper import PaperScreen
from tui.screens.settings import SettingsScreen, field_id
from tui.screens.today import TodayScreen

LONG_TITLE_ID = 1
"""A seed paper whose title is far longer than an 80-column line."""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reader.db"
    open_db(path).close()
    return path


async def test_d_shows_the_detail_pane_below_140_columns(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        detail = screen.query_one("#detail")
        assert not detail.display  # narrow: hidden at first
        await pilot.press("d")
        await settle(pilot)
        assert detail.display
        await pilot.press("d")
        await settle(pilot)
        assert not detail.display


@pytest.mark.parametrize("width", [80, 120])
async def test_sort_arrows_are_not_cut_off(db: Path, width: int) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        for label in ("Title", "Year", "Status", "Stars"):  # s: the next column
            await pilot.press("s")
            await settle(pilot)
            assert f"{label} ▲" in screen_text(app), label


async def test_today_cuts_a_long_title_with_an_ellipsis(db: Path) -> None:
    service = open_db(db, seed=False)
    title = service.set_status(LONG_TITLE_ID, "queued").title
    service.close()
    assert len(title) > 100
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        text = screen_text(app)
        assert re.search(re.escape(title[:30]) + r"[^…]*…", text)
        assert title[-20:] not in text


async def test_note_labels_stay_on_one_line(db: Path) -> None:
    service = open_db(db, seed=False)
    service.add_note(LONG_TITLE_ID, "# " + "a long first line that goes on " * 4 + "\nbody")
    service.add_note(LONG_TITLE_ID, "short")
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(PaperScreen(LONG_TITLE_ID))
        await settle(pilot)
        listing = app.screen.query_one("#note-list", OptionList)
        assert listing.option_count == 3
        assert listing.virtual_size.height == 3  # one line each: no wrapped labels
        assert re.search(r"\d{4}-\d\d-\d\d  a long first line", screen_text(app))


async def test_the_palette_has_one_quit(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        titles += [title for title, _, _ in app.palette_commands(app.screen)]
        assert titles.count("Quit") == 1


async def test_settings_counts_the_write_ahead_log(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for paper_id in range(1, 30):  # writes that sit in the WAL until a checkpoint
            app.service.rate(paper_id, 3)
        wal = db.with_name(db.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 0
        await pilot.press("comma")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        shown = str(app.screen.query_one("#data-location", Static).render())
        assert "write-ahead log" in shown


async def test_today_says_it_is_preparing_instead_of_flashing_the_tips(tmp_path: Path) -> None:
    app = make_test_app(tmp_path / "new.db", seed=False)
    app._suggest_lock.acquire()  # the suggestions worker waits, as on a slow first launch
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            text = screen_text(app)
            assert "Nothing for today yet" not in text and "Preparing" in text
            app._suggest_lock.release()
            await settle(pilot)
            assert "Nothing for today yet" in screen_text(app)
    finally:
        if app._suggest_lock.locked():
            app._suggest_lock.release()


async def test_todays_stored_list_is_shown_before_the_worker_answers(db: Path) -> None:
    service = open_db(db, seed=False)
    service.rate(3, 5)
    made = service.today()  # made (and stored) earlier today
    service.close()
    assert made.suggestions
    app = make_test_app(db)
    app._suggest_lock.acquire()  # the suggestions worker cannot run yet
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            text = screen_text(app)
            assert "Suggestions" in text
            assert made.suggestions[0].paper.title[:40] in text
    finally:
        app._suggest_lock.release()


async def test_review_shows_each_note_heading_on_one_line(db: Path) -> None:
    service = open_db(db, seed=False)
    service.rate(3, 4)
    service.set_status(3, "read")
    service.schedule_at(3, "today")
    long_line = "A fairly long first line of a note that goes on and on past the width, really long"
    service.add_note(3, f"# {long_line}\n\nthe body of the note")
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        text = screen_text(app)
        assert re.search(r"\d{4}-\d\d-\d\d  A fairly long first line[^…]*…", text)
        assert "really long" not in text  # cut, not wrapped onto a second line
        assert "the body of the note" in text


async def test_settings_mounted_ahead_shows_what_is_stored_now(db: Path) -> None:
    """Settings is mounted ahead of its first visit (``ReaderApp.warm_up``): what it shows
    must be read when it is shown, not when it was mounted."""
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(20):  # warm-up mounts one screen per refresh
            if "settings" in app._warm:
                break
            await pilot.pause(0.05)
        assert "settings" in app._warm
        app.service.set_setting("suggest.per_day", "7")  # as `reader config` would
        for paper_id in range(1, 40):
            app.service.add_note(paper_id, "x" * 2000)  # the file and its log grow
        await pilot.press("comma")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        assert screen.query_one(f"#{field_id('suggest.per_day')}", Input).value == "7"
        wal = db.with_name(db.name + "-wal")
        shown = str(screen.query_one("#data-location", Static).render())
        assert human_size(wal.stat().st_size) + " write-ahead log" in shown


async def test_library_shows_what_changed_elsewhere_and_keeps_its_place(db: Path) -> None:
    """The Library (mounted ahead, or visited before) read its rows when it was mounted:
    a paper rated on Today or from the command line showed unrated there."""
    app = make_test_app(db)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        library = app.screen
        assert isinstance(library, LibraryScreen)
        for _ in range(30):
            await pilot.press("j")
        on_before = library._selected()
        assert on_before is not None
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("5")  # rates Today's first pick, on the app's own connection
        await settle(pilot)
        elsewhere = open_db(db, seed=False)  # and another process rates the one under the cursor
        elsewhere.rate(on_before.id, 2)
        elsewhere.close()
        rated = [p for p in app.service.papers(limit=None) if p.stars == 5]
        assert len(rated) == 1
        await pilot.press("l")
        await settle(pilot)
        assert app.screen is library
        assert library._papers[rated[0].id].stars == 5
        selected = library._selected()
        assert selected is not None and selected.id == on_before.id  # the same paper
        assert selected.stars == 2
        row = library.query_one("#papers", DataTable).get_row(str(on_before.id))
        assert "★★" in str(row)


async def test_a_paper_left_open_shows_what_changed_elsewhere(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        paper_screen = app.screen
        assert isinstance(paper_screen, PaperScreen)
        await pilot.press("t")
        await settle(pilot)
        elsewhere = open_db(db, seed=False)  # as `reader rate` from the shell would
        elsewhere.rate(paper_screen.paper_id, 4)
        elsewhere.close()
        await pilot.press("l")  # the Library's stack still has the paper on top
        await settle(pilot)
        assert app.screen is paper_screen
        assert paper_screen.paper is not None and paper_screen.paper.stars == 4
        assert "★★★★" in screen_text(app)


@pytest.mark.parametrize("keys", [(), ("l",), ("l", "enter"), ("b",), ("v",), ("g",), ("g", "p")])
async def test_the_footer_shows_help_and_quit_at_80_columns(
    db: Path, keys: tuple[str, ...]
) -> None:
    """A footer is cut at the right in a narrow terminal: how to get help and how to
    leave must be in what is left, also with "u Undo" shown."""
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.service.rate(LONG_TITLE_ID, 3)  # something to undo
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if isinstance(app.focused, TextArea):  # the Paper screen starts in its notes
            await pilot.press("escape")
            await settle(pilot)
        footer = bottom_line(app)
        assert "? Help" in footer and "q Quit" in footer, footer


async def test_library_read_again_keeps_the_cursor_paper_in_sight(db: Path) -> None:
    """Read again in place while sorted by stars, the paper under the cursor can move far
    up the list: the cursor follows it and it stays on screen, so a key never acts on a
    paper the user cannot see."""
    app = make_test_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        library = app.screen
        assert isinstance(library, LibraryScreen)
        for _ in range(4):  # s: sort by the next column, up to stars (descending)
            await pilot.press("s")
            await settle(pilot)
        assert library.query_state.sort == "stars"  # unrated papers by id, rated ones apart
        for _ in range(2):
            await pilot.press("j")
        table = library.query_one("#papers", DataTable)
        on_before = library._selected()
        assert on_before is not None and table.cursor_row == 2
        await pilot.press("t")
        await settle(pilot)
        elsewhere = open_db(db, seed=False)
        elsewhere.rate(on_before.id, 5)  # moves it to the rated end of the list
        elsewhere.close()
        await pilot.press("l")
        await settle(pilot)
        selected = library._selected()
        assert selected is not None and selected.id == on_before.id
        assert table.cursor_row != 2  # it moved, with the cursor on it
        shown = table.scrollable_content_region.height - table.header_height
        assert table.scroll_y <= table.cursor_row < table.scroll_y + shown


@pytest.mark.parametrize("mode", ReaderApp.WARM_UP)
async def test_a_screen_mounted_ahead_as_the_app_closes_does_not_fail(db: Path, mode: str) -> None:
    # Under load, a screen the app mounts ahead (warm_up) got its mount event after the
    # app had begun to close, and its on_mount raised (ScreenStackError, NoMatches).
    app = make_test_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        destination = next(d for d in DESTINATIONS if d.mode == mode)
        app._get_screen(destination.fresh())  # as warm_up mounts it
        app.exit()
