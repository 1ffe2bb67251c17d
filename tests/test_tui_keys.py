"""Keys must change only what the user can see: a command key never lands in a note, a
character typed into a box never runs a command, and a key typed before a screen (or a
rebuilt list) was shown does not act on it. Each test drives the real app and reads the
database file afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, TextArea
from tui_helpers import (
    due_today,
    make_test_app,
    notifications,
    open_db,
    screen_text,
    settle,
    type_ahead,
)

from reader.models import Status
from tui.modals.choice import ChoiceScreen
from tui.modals.note import NoteScreen
from tui.screens.importing import ImportScreen
from tui.screens.paper import PaperScreen
from tui.screens.review import ReviewScreen
from tui.screens.today import TodayScreen


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The seed catalog (52 papers) in a fresh database file."""
    path = tmp_path / "reader.db"
    open_db(path).close()
    return path


def statuses(path: Path) -> dict[int, Status]:
    service = open_db(path, seed=False)
    try:
        return {p.id: p.status for p in service.papers(limit=1000)}
    finally:
        service.close()


def all_notes(path: Path) -> list[str]:
    service = open_db(path, seed=False)
    try:
        return [n.text for p in service.papers(limit=1000) for n in service.notes(p.id)]
    finally:
        service.close()


async def open_paper(pilot) -> PaperScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("l")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PaperScreen)
    return pilot.app.screen


async def test_preview_twice_then_s_sets_the_status_and_writes_no_note(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_paper(pilot)
        await pilot.press("p", "p", "s")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)  # s opened the status picker
        assert screen.query_one("#editor", TextArea).text == ""
        await pilot.press("escape")
        await settle(pilot)
    assert all_notes(db) == []


async def test_keys_typed_in_the_note_editor_stay_text(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_paper(pilot)
        paper_id = screen.paper_id
        await pilot.press("e", "s", "3", "p", "+", "q", "t")
        await settle(pilot)
        assert app.screen is screen and screen.query_one("#editor", TextArea).has_focus
        footer = screen_text(app)
        assert "Status" not in footer and "Preview" not in footer  # text keys hidden
        await pilot.press("escape")  # leaves the editor, saving the note
        await settle(pilot)
    assert all_notes(db) == ["s3p+qt"]
    service = open_db(db, seed=False)
    paper = service.paper(paper_id)
    service.close()
    assert paper.stars is None and paper.status is Status.UNREAD and not paper.tags


async def test_letters_typed_in_the_import_tree_go_to_the_path_box(db: Path) -> None:
    before = statuses(db)
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        await pilot.press("tab")  # from the path box to the folder tree
        assert screen.focused is screen.query_one("#import-tree")
        await pilot.press("t", "a", "r", "q")  # t went to Today, then a and r acted there
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#import-path", Input).value == "tarq"
    assert statuses(db) == before


async def test_the_footer_says_how_to_leave_a_text_box(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen.focused, Input)
        text = screen_text(app)
        assert "Leave box" in text and "Today" not in text.split("Leave box")[-1]
        await pilot.press("escape")
        await settle(pilot)
        text = screen_text(app)
        assert "Leave box" not in text and "Today" in text
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)


async def test_a_key_typed_before_today_appeared_does_not_change_a_paper(db: Path) -> None:
    before = statuses(db)
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await type_ahead(pilot, "t", "a", "r")  # t switches; a and r were typed for Library
        assert isinstance(app.screen, TodayScreen)
        assert "Key ignored" in notifications(app)
    assert statuses(db) == before


async def test_keys_typed_right_after_n_in_review_go_into_the_note_or_are_announced(
    db: Path,
) -> None:
    """Whether the note's editor has the focus when the keys typed after n are handled
    depends on timing: they are text in the note then, else dropped with a message. They
    never run the app's keys (t, i: other screens, q: quit)."""
    due_today(db, 3, 5)
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await type_ahead(pilot, "n", "t", "i", "q", "3")
        assert isinstance(app.screen, NoteScreen) and app.is_running
        assert app.current_mode == "review"
        announced = "Key ignored" in notifications(app)
        await pilot.press(*"ok", "ctrl+s")
        await settle(pilot)
    assert all_notes(db) == (["ok"] if announced else ["tiq3ok"])


async def test_a_grade_typed_ahead_for_the_next_paper_is_not_given(db: Path) -> None:
    due_today(db, 3, 5)
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("space", "3")  # seen, revealed, graded
        await settle(pilot)
        await type_ahead(pilot, "space", "space", "3")  # next, reveal, grade: too fast
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.result is None
    service = open_db(db, seed=False)
    assert service.reviewed_today() == 1
    service.close()


async def test_a_grade_typed_ahead_after_a_skip_is_not_given(db: Path) -> None:
    """Skip (k) brought the next paper without holding back keys typed with it: k, Space, 3
    in one burst graded a paper the user never saw."""
    due_today(db, 3, 5)
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await type_ahead(pilot, "k", "space", "3")  # skip, reveal, grade: too fast
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.result is None
    service = open_db(db, seed=False)
    assert service.reviewed_today() == 0
    service.close()


async def test_a_note_is_saved_when_the_app_is_closed_without_q(db: Path) -> None:
    """The terminal closing ends the app without ``q``: the editor is taken down before
    the last save runs, and the note must still be saved."""
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_paper(pilot)
        await pilot.press("n", *"kept")
        # no pause, no q: leaving the block closes the app as a closed terminal does
    assert all_notes(db) == ["kept"]


async def test_text_typed_right_after_n_goes_into_the_new_note(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_paper(pilot)
        paper_id = screen.paper_id
        await type_ahead(pilot, "n", "s", "3", "+")  # s, 3 and + are also the paper's keys
        assert app.screen is screen
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert all_notes(db) == ["s3+"]
    service = open_db(db, seed=False)
    paper = service.paper(paper_id)
    service.close()
    assert paper.stars is None and paper.status is Status.UNREAD


def stars(path: Path) -> dict[int, int]:
    service = open_db(path, seed=False)
    try:
        return {p.id: p.stars for p in service.papers(limit=1000) if p.stars}
    finally:
        service.close()


@pytest.mark.parametrize("after_q", ["u", "a", "3"])
async def test_no_key_acts_once_q_has_quit(db: Path, after_q: str) -> None:
    """Keys typed in one burst with q ("qu" from a fast hand or a paste) ran after the
    app had begun to quit: u took back the rating just given, a queued a paper, 3 rated
    one, and the user never saw it."""
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        rated, states = stars(db), statuses(db)
        assert list(rated.values()) == [4]
        await type_ahead(pilot, "q", after_q)
        assert not app.is_running or app.closing
    assert stars(db) == rated and statuses(db) == states


async def test_the_palette_never_rates_one_star_for_rate(db: Path) -> None:
    """The palette listed each screen binding by its name, and the first of the keys named
    "Rate" is 1: "Today: Rate" gave the highlighted paper one star (and "Paper: Rate"
    overwrote a 3★ with 1★). Only entries that say how many stars rate."""
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        commands = {title: run for title, _, run in app.palette_commands(app.screen)}
        assert not [t for t in commands if t.lower().endswith(": rate")]
        commands["Today: rate highlighted 3★"]()
        await settle(pilot)
        assert list(stars(db).values()) == [3]
        await pilot.press("l")
        await settle(pilot)
        library = {title for title, _, _ in app.palette_commands(app.screen)}
        assert "Library: rate highlighted 2★" in library
        assert not [t for t in library if t.lower().endswith(": rate")]


async def test_quitting_while_an_import_runs_asks_first(db: Path) -> None:
    """Quitting no longer waits for the app's workers (tui.launch): an import would stop
    half-way without a word, so q asks while one runs."""
    import threading

    from tui.modals.confirm import ConfirmScreen

    release = threading.Event()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        worker = app.run_worker(lambda: release.wait(30), thread=True, group="import")
        await pilot.press("q")  # (settle would wait for the import)
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "An import is running" in str(app.screen.question)
        await pilot.press("n")  # stay
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, ConfirmScreen)
        release.set()
        await worker.wait()
        await pilot.press("q")  # nothing runs: q quits at once, as before
        await pilot.pause()
        assert not app.is_running or app.closing


async def test_a_search_typed_in_one_burst_keeps_every_letter(db: Path) -> None:
    """The box selected its text when its focus arrived, after the first letters typed
    ahead had gone in: "/grokking" searched for "okking" (and "Enter 5" left "5")."""
    from tui.screens.library import LibraryScreen

    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        # The first letters arrive with the key that opens the box, the rest after it
        # has its focus, as a fast typist's do.
        await type_ahead(pilot, "slash", *"gr")
        await type_ahead(pilot, *"okking")
        assert app.screen.query_one("#search", Input).value == "grokking"


async def test_u_in_review_takes_back_the_grade_and_shows_the_paper_again(db: Path) -> None:
    service = open_db(db)
    service.set_status(15, "read")  # an older change, which u must not reach past the grade
    service.close()
    due_today(db, 3, 5)
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.current is not None
        graded = screen.current.paper.id
        await pilot.press("space", "1")
        await settle(pilot)
        await pilot.press("enter")  # on to the next paper
        await settle(pilot)
        assert screen.current is not None and screen.current.paper.id != graded
        await pilot.press("u")
        await settle(pilot)
        assert "Undone: graded the re-read of" in notifications(app)
        assert screen.current is not None and screen.current.paper.id == graded
        assert screen.result is None
    service = open_db(db, seed=False)
    assert service.reviewed_today() == 0
    assert service.paper(15).status.value == "read"
    service.close()
