"""The terminal UI, driven through Pilot against a real SQLite file. Every flow checks what
the screen shows and what the database holds afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, OptionList, TextArea
from tui_helpers import (
    Opened,
    add_papers,
    make_test_app,
    notifications,
    open_db,
    screen_text,
    settle,
)

from reader.models import PaperRecord, Status
from reader.service import StoreError
from tui.modals.confirm import ConfirmScreen
from tui.modals.help import HelpScreen
from tui.opener import system_open
from tui.screens.library import PAGE, LibraryScreen
from tui.screens.paper import PaperScreen
from tui.screens.today import TodayScreen
from tui.text import clean


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The seed catalog (52 papers) in a fresh database file."""
    path = tmp_path / "reader.db"
    open_db(path).close()
    return path


def cell_texts(table: DataTable, column: int = 0) -> list[str]:
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


async def open_library(pilot) -> DataTable:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("l")
    await settle(pilot)
    assert isinstance(pilot.app.screen, LibraryScreen)
    return pilot.app.screen.query_one("#papers", DataTable)


async def open_first_paper(pilot) -> PaperScreen:  # type: ignore[no-untyped-def]
    await open_library(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PaperScreen)
    return pilot.app.screen


# Start screen -----------------------------------------------------------------------------


async def test_today_is_the_start_screen_and_lists_reading_and_queued(db: Path) -> None:
    service = open_db(db)
    reading = service.set_status(3, "reading")
    queued = service.set_status(5, "queued")
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        text = screen_text(app)
        assert "Reading" in text and reading.title[:40] in text
        assert "Queued" in text and queued.title[:40] in text


async def test_today_empty_state_says_what_to_do(tmp_path: Path) -> None:
    app = make_test_app(tmp_path / "empty.db", seed=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Nothing for today yet" in text
        assert "Library" in text


async def test_today_start_reading_and_not_for_me(db: Path) -> None:
    service = open_db(db)
    service.rate(1, 5)  # something to learn from, so there are suggestions
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen) and screen.today is not None
        first = screen.today.suggestions[0].paper
        assert screen._selected() == ("Suggestions", first.id)
        await pilot.press("x")  # not for me
        await settle(pilot)
        second = screen.today.suggestions[0].paper
        assert second.id != first.id
        await pilot.press("r")  # start reading
        await settle(pilot)
        assert "Reading" in screen_text(app)
    service = open_db(db)
    assert first.id not in {s.paper.id for s in service.today().suggestions}
    assert service.paper(second.id).status is Status.READING
    service.close()


# Paper: stars, status, tags, links -----------------------------------------------------------


async def test_rate_with_a_key(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_first_paper(pilot)
        await pilot.press("4")
        await pilot.pause()
        assert "★★★★☆" in screen_text(app)
        paper_id = screen.paper_id
        assert app.service.paper(paper_id).stars == 4
        await pilot.press("0")
        await pilot.pause()
        assert app.service.paper(paper_id).stars is None
        await pilot.press("escape")
        await settle(pilot)
        # The library row shows the change made on the paper screen.
        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one("#papers", DataTable)
        assert str(table.get_row_at(0)[4]) == "★★"
    service = open_db(db)
    assert service.paper(paper_id).stars == 2
    assert [e.stars for e in service.history(paper_id)[1]] == [4, None, 2]
    service.close()


async def test_status_tags_and_open_url(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_first_paper(pilot)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # unread -> queued -> reading
        await pilot.pause()
        await pilot.press("plus")
        await pilot.pause()
        await pilot.press(*"ml, theory", "enter")
        await pilot.pause()
        assert "#ml #theory" in screen_text(app)
        assert isinstance(app.opener, Opened)
        await pilot.press("o")  # paper 1 opens on its arXiv abstract page
        await pilot.pause()
        assert app.opener == [app.service.paper(1).url] == ["https://arxiv.org/abs/2506.18880"]
        await pilot.press("escape")
        app.push_screen(PaperScreen(10))  # a seed left without an id or any link
        await settle(pilot)
        await pilot.press("o")  # said, nothing opened
        await pilot.pause()
        assert app.opener == ["https://arxiv.org/abs/2506.18880"]
        assert "no url" in notifications(app)
        paper = app.service.paper(screen.paper_id)
    service = open_db(db)
    paper = service.paper(paper.id)
    assert paper.status is Status.READING
    assert paper.tags == ("ml", "theory")
    service.close()


def test_system_opener_refuses_what_is_not_a_web_link_or_a_file(tmp_path: Path) -> None:
    assert system_open("javascript:alert(1)") is not None
    assert system_open("file:///etc/passwd") is not None
    assert "not found" in (system_open(str(tmp_path / "missing.pdf")) or "")


# Notes ---------------------------------------------------------------------------------------


async def test_the_note_box_says_whether_keys_are_text_or_commands(db: Path) -> None:
    """Someone took the empty box for a text field and typed "5 stars": the 5 rated the
    paper. The box now says how to write in it while keys are commands."""
    from tui.screens.paper import EDITOR_ASLEEP, EDITOR_AWAKE

    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_first_paper(pilot)
        editor = screen.query_one("#editor", TextArea)
        assert not editor.has_focus and editor.placeholder == EDITOR_ASLEEP
        await pilot.press("n")
        assert editor.has_focus and editor.placeholder == EDITOR_AWAKE
        await pilot.press("escape")
        assert not editor.has_focus and editor.placeholder == EDITOR_ASLEEP


async def test_note_typed_then_quit_is_saved(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_first_paper(pilot)
        paper_id = screen.paper_id
        await pilot.press("n")
        await pilot.press(*"# Key idea", "enter", *"q and [b]x[/b] stay")
        # Quit at once: well before the autosave timer fires.
        await pilot.press("ctrl+q")
    service = open_db(db)
    notes = service.notes(paper_id)
    service.close()
    assert [n.text for n in notes] == ["# Key idea\nq and [b]x[/b] stay"]


async def test_note_saves_itself_after_a_pause_and_on_leaving(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_first_paper(pilot)
        await pilot.press("n", *"first")
        await pilot.pause(1.2)
        assert [n.text for n in app.service.notes(screen.paper_id)] == ["first"]
        await pilot.press(*" and more", "escape", "escape")  # leave the editor, then the paper
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert [n.text for n in app.service.notes(screen.paper_id)] == ["first and more"]


async def test_database_error_keeps_the_note_and_retries(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_test_app(db)
    real_save = app.service.save_note
    failing = {"on": True}

    def save_note(ref, note_id, text):  # type: ignore[no-untyped-def]
        if failing["on"]:
            raise StoreError("reader.db: the database is locked by another program; try again")
        return real_save(ref, note_id, text)

    monkeypatch.setattr(app.service, "save_note", save_note)
    monkeypatch.setattr("tui.screens.paper.RETRY_AFTER_S", 0.3)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_first_paper(pilot)
        await pilot.press("n", *"precious")
        await pilot.pause(1.2)
        assert "Note not saved" in notifications(app)
        assert screen.query_one("#editor", TextArea).text == "precious"
        # Leaving is refused while the text is unsaved.
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.screen is screen
        # Quitting asks first.
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        # The database is back: the retry saves it.
        failing["on"] = False
        await pilot.pause(0.6)
        assert [n.text for n in app.service.notes(screen.paper_id)] == ["precious"]
        assert app.is_running


async def test_notes_list_and_preview(db: Path) -> None:
    service = open_db(db)
    service.add_note(1, "older note")
    service.add_note(1, "# Heading\n\n*emphasis* and [bold]literal[/bold]")
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first_paper(pilot)
        assert screen.paper_id == 1
        notes = screen.query_one("#note-list", OptionList)
        assert notes.option_count == 3  # two notes and "+ new note"
        assert screen.query_one("#editor", TextArea).text.startswith("# Heading")
        await pilot.press("p")
        await pilot.pause()
        text = screen_text(app)
        assert "Heading" in text and "# Heading" not in text  # rendered, not source
        assert "[bold]literal[/bold]" in text


# Library: search, filter, sort, paging ------------------------------------------------------


async def test_search_as_you_type(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_library(pilot)
        assert table.row_count == 52
        await pilot.press("slash", *"grokk")
        await settle(pilot)
        expected = [p.title for p in app.service.search("grokk", limit=500)]
        assert expected and len(expected) < 52
        assert cell_texts(table) == [clean(t, newlines=False) for t in expected]
        assert f"{len(expected)} found" in screen_text(app)
        await pilot.press("escape")  # clears the search and leaves the box
        await settle(pilot)
        assert table.row_count == 52
        await pilot.press("t")  # a key again, not a letter in the box
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)


async def test_search_finds_notes(db: Path) -> None:
    service = open_db(db)
    service.add_note(7, "zebrafish connection worth checking")
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_library(pilot)
        await pilot.press("slash", *"zebrafish")
        await settle(pilot)
        assert table.row_count == 1
        assert table.coordinate_to_cell_key((0, 0)).row_key.value == "7"


async def test_filter_by_status(db: Path) -> None:
    service = open_db(db)
    for paper_id in (2, 4, 9):
        service.set_status(paper_id, "reading")
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_library(pilot)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("enter")  # open the status list
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")  # any, unread, queued, reading
        await pilot.pause()
        await pilot.click("#apply")
        await settle(pilot)
        keys = [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]
        assert keys == ["2", "4", "9"]
        assert "status reading" in screen_text(app)
        assert app.service.count(status="reading") == 3
        await pilot.press("x")
        await settle(pilot)
        assert table.row_count == 52


async def test_sort_by_key_and_header_click(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_library(pilot)
        await pilot.press("s")  # id -> title
        await settle(pilot)
        by_title = [p.title for p in app.service.papers(sort="title")]
        assert cell_texts(table) == [clean(t, newlines=False) for t in by_title]
        await pilot.click("#papers", offset=(3, 0))  # the Title header: reverse
        await settle(pilot)
        assert cell_texts(table) == [clean(t, newlines=False) for t in reversed(by_title)]


async def test_library_loads_pages_as_the_cursor_moves(tmp_path: Path) -> None:
    path = tmp_path / "big.db"
    add_papers(path, [PaperRecord(title=f"Paper number {i:04d}") for i in range(PAGE * 2 + 50)])
    app = make_test_app(path, seed=False)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_library(pilot)
        assert table.row_count == PAGE
        assert f"{PAGE} of {PAGE * 2 + 50}" in screen_text(app)
        for _ in range(3):
            await pilot.press("end")
            await settle(pilot)
        assert table.row_count == PAGE * 2 + 50
        assert str(table.get_row_at(table.row_count - 1)[0]) == f"Paper number {PAGE * 2 + 49:04d}"


# Hostile text -------------------------------------------------------------------------------

HOSTILE = [
    "[bold]Not bold[/bold] at all",
    "[link=http://evil.example]click me[/link]",
    "\x1b[31mRed alert\x1b[0m \x1b]8;;http://x\x07hyperlink\x1b]8;;\x07",
    "שלום עולם: نموذج اللغة",
    "Long " + "title " * 1000,
]


async def test_hostile_titles_are_shown_literally(tmp_path: Path) -> None:
    path = tmp_path / "hostile.db"
    ids = add_papers(
        path,
        [
            PaperRecord(title=t, abstract=f"abstract {i} [i]x[/i] \x1b[2J", authors=("[red]Eve",))
            for i, t in enumerate(HOSTILE)
        ],
    )
    app = make_test_app(path, seed=False)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_library(pilot)
        assert cell_texts(table)[:4] == [clean(t, newlines=False) for t in HOSTILE[:4]]
        text = screen_text(app)
        assert "\x1b" not in text
        assert "[bold]Not bold[/bold] at all" in text
        assert "[link=http://evil.example]click me[/link]" in text
        assert "␛[31mRed alert␛[0m" in text
        assert "שלום עולם" in text
        assert "[red]Eve" in text
        # Each paper screen, the 5,000-character title included.
        for index, paper_id in enumerate(ids):
            app.push_screen(PaperScreen(paper_id))
            await settle(pilot)
            text = screen_text(app)
            assert "\x1b" not in text
            assert f"abstract {index} [i]x[/i] ␛[2J" in text or index == 4
            assert clean(HOSTILE[index])[:20] in text
            await pilot.press("escape")
            await settle(pilot)


# Help and palette ----------------------------------------------------------------------------


async def test_help_lists_every_key(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_first_paper(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for words in ("Rate 1-5 stars", "Set the reading status", "Toggle the Markdown preview"):
            assert words in text
        assert "1-5 / 2" not in text  # the rating keys are one row, "1-5"
        await pilot.press("escape")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_palette_reaches_screen_actions(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_library(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"sort by year")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert app.screen.query_state.sort == "year"
        years = [p.year or 0 for p in app.service.papers(sort="year")]
        assert [int(str(table.get_row_at(i)[2]) or 0) for i in range(table.row_count)] == years


async def test_typing_in_search_does_not_trigger_keys(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_library(pilot)
        await pilot.press("slash", *"qtl5")
        await pilot.pause()
        assert app.screen.query_one("#search", Input).value == "qtl5"
        assert app.is_running and isinstance(app.screen, LibraryScreen)


async def test_search_hits_page_and_sort_in_the_store(tmp_path: Path) -> None:
    db = tmp_path / "many.db"
    add_papers(
        db,
        [PaperRecord(title=f"Quokka study {n:03d}", abstract="marsupials") for n in range(260)]
        + [PaperRecord(title="Unrelated", abstract="nothing")],
    )
    app = make_test_app(db, seed=False)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_library(pilot)
        await pilot.press("slash", *"quokka")
        await settle(pilot)
        assert "260 found (best first)" in screen_text(app)
        assert table.row_count == PAGE  # one page, more as the cursor moves
        await pilot.press("enter", "s")  # back to the table, sort by title
        await settle(pilot)
        assert cell_texts(table)[:2] == ["Quokka study 000", "Quokka study 001"]
        await pilot.press("S")
        await settle(pilot)
        assert cell_texts(table)[0] == "Quokka study 259"  # the store sorted all 260
        await pilot.press("end")
        await settle(pilot)
        assert table.row_count == 260
