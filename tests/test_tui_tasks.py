"""What the CLI can do, from the app: snooze for a chosen period, a new list of suggestions,
schedule a re-read, re-reads off, interests, vacation, backup, duplicates and export from
the palette. Each test drives the real app and reads the database file (or the files it
wrote) afterwards."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea
from tui_helpers import (
    FIXED_NOW,
    bottom_line,
    make_test_app,
    notifications,
    open_db,
    screen_text,
    settle,
)

from reader.models import PaperRecord
from tui.modals.choice import ChoiceScreen, PromptScreen
from tui.modals.confirm import ConfirmScreen
from tui.screens.paper import PaperScreen
from tui.screens.today import TodayScreen
from tui.tasks import EVERY_PAPER, STATUS

PRE = PaperRecord(title="Deep Residual Learning", authors=("Kaiming He",), arxiv_id="1512.03385")
PUB = PaperRecord(
    title="Deep residual learning.", authors=("He, Kaiming",), doi="10.1109/cvpr.2016.90"
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reader.db"
    open_db(path).close()
    return path


def reopen(path: Path):  # type: ignore[no-untyped-def]
    return open_db(path, seed=False)


async def palette(pilot, words: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*words)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)


async def answer(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Replace what the prompt holds with ``text`` and submit it."""
    assert isinstance(pilot.app.screen, PromptScreen)
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await settle(pilot)


async def choose(pilot, value: str) -> None:  # type: ignore[no-untyped-def]
    screen = pilot.app.screen
    assert isinstance(screen, ChoiceScreen)
    options = screen.query_one("#choices")
    options.highlighted = options.get_option_index(value)  # type: ignore[attr-defined]
    await pilot.press("enter")
    await settle(pilot)


async def test_snooze_for_a_chosen_period_from_today(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen)
        selected = screen._selected()
        assert selected is not None
        await pilot.press("Z")
        await settle(pilot)
        await answer(pilot, "3 days")
        assert "until 2026-03-05" in notifications(app)
    service = reopen(db)
    hidden = {h.paper_id: h.until for h, _ in service.hidden()}
    assert hidden == {selected[1]: FIXED_NOW + timedelta(days=3)}
    service.close()


async def test_a_bad_period_is_said_in_the_prompt_which_keeps_the_text(db: Path) -> None:
    """The prompt closed on a typo ("3 dayz") and the period had to be typed again."""
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("Z")
        await settle(pilot)
        footer = bottom_line(app)  # the dialog's keys; the screen's below type text here
        assert "Cancel" in footer and "Rate" not in footer
        await answer(pilot, "3 dayz")
        assert isinstance(app.screen, PromptScreen)  # still open, with what was typed
        assert app.screen.query_one(Input).value == "3 dayz"
        assert "did not understand '3 dayz'" in screen_text(app)
        service = reopen(db)
        assert service.hidden() == []
        service.close()
        await answer(pilot, "3 days")
        assert not isinstance(app.screen, PromptScreen)
        assert "until 2026-03-05" in notifications(app)
    service = reopen(db)
    assert len(service.hidden()) == 1
    service.close()


async def test_new_list_of_suggestions(db: Path) -> None:
    service = reopen(db)
    service.rate(3, 5)
    service.rate(4, 5)
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = [s.paper.id for s in app.screen.today.suggestions]  # type: ignore[attr-defined]
        service = reopen(db)
        service.dismiss(first[0])  # made elsewhere: only a new list drops it at once
        service.close()
        await pilot.press("N")
        await settle(pilot)
        again = [s.paper.id for s in app.screen.today.suggestions]  # type: ignore[attr-defined]
        assert first and again and first[0] not in again
    service = reopen(db)
    saved = service.saved_today()
    assert saved is not None and first[0] not in [s.paper.id for s in saved.suggestions]
    service.close()


async def test_schedule_a_re_read_and_turn_re_reads_off_from_the_paper(db: Path) -> None:
    service = reopen(db)
    service.set_status(3, "read")  # re-reads are of read papers (a never-read one is refused)
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(PaperScreen(3))
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await answer(pilot, "in 3 months")
        assert "Next re-read: 2026-06-02" in notifications(app)
        body = str(app.screen.query_one("#paper-body").render())
        assert "re-reads: next due in 3 months (Tue 2026-06-02)" in body
        service = reopen(db)
        card = service.store.reviews.card(3)
        assert card is not None and card.enabled and card.due is not None
        assert card.due.date().isoformat() == "2026-06-02"
        service.close()
        await palette(pilot, "re-reads off")
        assert "No re-reads" in notifications(app)
        assert "re-reads: off" in str(app.screen.query_one("#paper-body").render())
        service = reopen(db)
        card = service.store.reviews.card(3)
        assert card is not None and not card.enabled
        service.close()
        await pilot.press("R")  # asking for a re-read turns them on again, and says so
        await settle(pilot)
        await answer(pilot, "in 4 months")
        assert (
            "Next re-read: 2026-07-02 (re-reads of it were off; they are on again)"
            in notifications(app)
        )
    service = reopen(db)
    card = service.store.reviews.card(3)
    assert card is not None and card.enabled
    service.close()


async def test_set_and_edit_interests_from_the_palette(db: Path) -> None:
    service = reopen(db)
    service.add_interests(["causal inference", "robotics"])
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await palette(pilot, "interests")
        box = app.screen.query_one(Input)
        assert box.value == "causal inference, robotics"  # the current ones, to edit
        await answer(pilot, "causal inference, domain generalization")
    service = reopen(db)
    assert sorted(service.interests()) == ["causal inference", "domain generalization"]
    service.close()


async def test_vacation_moves_re_reads(db: Path) -> None:
    service = reopen(db)
    service.set_status(3, "read")
    service.schedule_at(3, "tomorrow")
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await palette(pilot, "vacation")
        await answer(pilot, "2 weeks")
        assert "1 re-read(s) moved" in notifications(app)
    service = reopen(db)
    card = service.store.reviews.card(3)
    assert card is not None and card.due is not None
    assert card.due >= FIXED_NOW + timedelta(weeks=2)
    service.close()


async def test_backup_now_and_list_backups(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = set((db.parent / "backups").glob("*.db"))
        await palette(pilot, "back up now")
        made = sorted(set((db.parent / "backups").glob("*.db")) - before)
        assert len(made) == 1 and str(made[0]) in notifications(app)
        await palette(pilot, "backups: list")
        assert isinstance(app.screen, ChoiceScreen)
        assert made[0].name in screen_text(app)


async def test_duplicates_preview_then_merge(db: Path) -> None:
    """The same paper stored twice, as editing a title can make it (see test_dedupe)."""
    service = reopen(db)
    first = service.store.ingest.add([PRE], now=FIXED_NOW).added[0]
    other = replace(PUB, title="Not yet the same")
    second = service.store.ingest.add([other], now=FIXED_NOW).added[0]
    with service.store.conn.write() as conn:
        conn.execute("UPDATE papers SET title = ? WHERE id = ?", [PUB.title, second])
    service.rate(second, 5)
    before = service.count()
    assert service.find_duplicates()
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await palette(pilot, "duplicates")
        assert isinstance(app.screen, ConfirmScreen)
        assert "stored more than once" in screen_text(app)
        assert f"{first} ← {second}" in screen_text(app)
        await pilot.click("#yes")
        await settle(pilot)
        assert "1 merged" in notifications(app)
    service = reopen(db)
    assert service.find_duplicates() == []
    assert service.count() == before - 1
    assert service.paper(first).stars == 5  # the rating of the copy is kept
    service.close()


async def test_export_a_tag_to_bibtex_from_the_palette(db: Path, tmp_path: Path) -> None:
    service = reopen(db)
    service.tag(3, ["thesis"])
    service.tag(4, ["thesis"])
    service.close()
    target = tmp_path / "out" / "thesis.json"
    target.parent.mkdir()  # an export goes to a folder that exists (a missing one is refused)
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await palette(pilot, "export")
        await choose(pilot, "json")
        await answer(pilot, str(target))
        await choose(pilot, "thesis")
        assert str(target) in notifications(app)
    exported = json.loads(target.read_text())
    assert len(exported["papers"]) == 2


async def test_an_export_of_nothing_writes_nothing_and_a_file_is_replaced_only_when_asked(
    db: Path, tmp_path: Path
) -> None:
    """An export whose filter matched no paper wrote an empty file and said "Exported";
    one onto an existing file said "use --force", which the app has no way to give."""
    target = tmp_path / "out.bib"
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await palette(pilot, "export")
        await choose(pilot, "bibtex")
        await answer(pilot, str(target))
        await choose(pilot, f"{STATUS}dropped")
        assert not target.exists()
        assert "0 papers to export; nothing written" in notifications(app)
        assert "Exported" not in notifications(app)
        target.write_text("keep me")
        for replace in (False, True):
            await palette(pilot, "export")
            await choose(pilot, "bibtex")
            await answer(pilot, str(target))
            await choose(pilot, EVERY_PAPER)
            assert isinstance(app.screen, ConfirmScreen)
            assert "already exists. Replace it?" in screen_text(app)
            await pilot.click("#yes" if replace else "#no")
            await settle(pilot)
            assert (target.read_text() == "keep me") is not replace
    assert target.read_text().count("@") == 52


# Edit and delete --------------------------------------------------------------------------


async def test_edit_a_paper_and_a_mistake_keeps_the_dialog_open(db: Path) -> None:
    from tui.modals.edit_paper import EditPaperScreen

    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(PaperScreen(3))
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, EditPaperScreen)
        app.screen.query_one("#edit-year", Input).value = "someday"
        app.screen.query_one("#edit-venue", Input).value = "CoRL [bold]2025[/bold]"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EditPaperScreen)  # still open, what was typed kept
        assert "year: 'someday' is not a year" in screen_text(app)
        app.screen.query_one("#edit-year", Input).value = "2025"
        app.screen.query_one("#edit-authors", Input).value = "Li, Yi; Deng, Yuquan"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PaperScreen)
        assert "CoRL [bold]2025[/bold]" in screen_text(app)  # data, not markup
    service = reopen(db)
    paper = service.paper(3)
    assert (paper.year, paper.venue) == (2025, "CoRL [bold]2025[/bold]")
    assert paper.authors == ("Li, Yi", "Deng, Yuquan")
    service.close()


ESCAPES = "ANSI \x1b[31mRED\x1b[0m title \x1b[2J clear"


async def test_escape_codes_show_as_text_in_boxes_and_come_back_unchanged(db: Path) -> None:
    """A box (Input, TextArea) writes its text to the terminal as it is: a title, note or
    tag holding ``ESC[2J`` cleared the screen in the edit dialog, the note editor and the
    tag rename prompt. They show stand-ins (␛), and what is saved is what was stored."""
    from tui.modals.edit_paper import EditPaperScreen

    service = reopen(db)
    service.edit_paper(3, title=ESCAPES)
    service.add_note(3, "note " + ESCAPES)
    service.tag(3, ["x\x1b[2Jy"])
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(PaperScreen(3))
        await settle(pilot)
        editor = app.screen.query_one("#editor", TextArea)
        assert "\x1b" not in editor.text and "␛[2J" in editor.text
        editor.focus()
        editor.move_cursor(editor.document.end)
        editor.insert(" more")
        app.screen.query_one("#note-list").focus()
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, EditPaperScreen)
        title = app.screen.query_one("#edit-title", Input)
        assert "\x1b" not in title.value and "␛[31mRED" in title.value
        app.screen.query_one("#edit-venue", Input).value = "CoRL"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PaperScreen)
        from tui.reach import Reach

        Reach(app).rename_tag()
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        box = app.screen.query_one("#prompt", Input)
        assert box.value == "x␛[2Jy"
        box.value += "z"
        await pilot.press("enter")
        await settle(pilot)
        said = notifications(app)  # "Tag renamed: x␛[2Jy → …": the notice cleared the screen
        assert "x␛[2Jy → x␛[2Jyz" in said and "\x1b" not in said
    service = reopen(db)
    paper = service.paper(3)
    assert (paper.title, paper.venue) == (ESCAPES, "CoRL")  # the title as it was
    assert [n.text for n in service.notes(3)] == ["note " + ESCAPES + " more"]
    assert "x\x1b[2Jyz" in dict(service.tags())
    service.close()


async def test_delete_a_paper_from_the_library_after_confirming(db: Path) -> None:
    service = reopen(db)
    service.add_note(1, "worth keeping")
    title = service.paper(1).title
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PaperScreen) and app.screen.paper_id == 1
        if isinstance(app.focused, TextArea):
            await pilot.press("escape")  # out of the note editor, where Delete is editing
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # kept
        await settle(pilot)
        assert reopen_count(db) == 52
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "Paper deleted" in notifications(app)
        assert title[:30] not in screen_text(app)  # the library reloaded without it
    assert reopen_count(db) == 51
    exports = list((db.parent / "deleted").glob("paper-1-*.json"))
    assert len(exports) == 1 and "worth keeping" in exports[0].read_text()


def reopen_count(path: Path) -> int:
    service = reopen(path)
    try:
        return service.count()
    finally:
        service.close()


# Collections ------------------------------------------------------------------------------


async def test_collect_papers_reorder_and_export_a_collection(db: Path, tmp_path: Path) -> None:
    from tui.screens.collection import CollectionScreen

    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for paper_id in (3, 9):
            app.push_screen(PaperScreen(paper_id))
            await settle(pilot)
            await pilot.press("C")
            await settle(pilot)
            if paper_id == 3:
                await choose(pilot, "\x00new")
                await answer(pilot, "Chapter 2")
            else:
                await choose(pilot, "Chapter 2")
            assert "Added to Chapter 2" in notifications(app)
            app.pop_screen()
            await settle(pilot)
        await palette(pilot, "collections: open")
        await choose(pilot, "Chapter 2")
        assert isinstance(app.screen, CollectionScreen)
        await pilot.press("G")  # the last: paper 9
        await pilot.press("K")  # up
        await settle(pilot)
        service = reopen(db)
        assert [p.id for p in service.collecting.papers("Chapter 2")] == [9, 3]
        service.close()
        text = screen_text(app)
        assert text.index("1. ") < text.index("2. ")
        (tmp_path / "taken.bib").write_text("precious")
        await pilot.press("b")
        await settle(pilot)
        await answer(pilot, str(tmp_path / "taken.bib"))
        # The prompt stays with the reason, to correct the path (it closed, and the path
        # had to be typed again).
        assert isinstance(app.screen, PromptScreen)
        assert "already exists" in screen_text(app)
        await answer(pilot, str(tmp_path / "ch2.bib"))
        assert "Exported BibTeX" in notifications(app)
        assert (tmp_path / "taken.bib").read_text() == "precious"
    bib = (tmp_path / "ch2.bib").read_text()
    service = reopen(db)
    assert bib.index(service.citation(9).key) < bib.index(service.citation(3).key)
    service.close()


async def test_removing_from_a_collection_keeps_the_cursor_on_the_neighbour(db: Path) -> None:
    """After Delete the cursor jumped to the first paper: a second Delete removed #1."""
    from tui_helpers import type_ahead

    from tui.screens.collection import CollectionScreen

    service = reopen(db)
    for paper_id in (3, 9, 12, 15, 20):
        service.collecting.add("Chapter 3", paper_id)
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await palette(pilot, "collections: open")
        await choose(pilot, "Chapter 3")
        assert isinstance(app.screen, CollectionScreen)
        await pilot.press("G")
        await type_ahead(pilot, "delete", "delete")  # the second typed before it was seen
        service = reopen(db)
        assert [p.id for p in service.collecting.papers("Chapter 3")] == [3, 9, 12, 15]
        removed = service.paper(20).title[:30]
        service.close()
        assert f"Removed from Chapter 3: {removed}" in notifications(app)
        await pilot.press("delete")  # seen: the new last paper, not the first
        await settle(pilot)
    service = reopen(db)
    assert [p.id for p in service.collecting.papers("Chapter 3")] == [3, 9, 12]
    service.close()


async def test_restore_a_backup_from_the_app_and_keep_working(db: Path) -> None:
    service = reopen(db)
    service.rate(3, 5)
    backup = service.backup()
    service.rate(3, 1)
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await palette(pilot, "backups: list and restore")
        await choose(pilot, str(backup))
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert f"Restored {backup.name}" in notifications(app)
        assert reopen_stars(db, 3) == 5
        # The app goes on over the restored file.
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert reopen_stars(db, 1) == 2
    kept = [p for p in (db.parent / "backups").glob("*before-restore*")]
    assert len(kept) == 1  # the state before the restore


async def test_no_restore_while_an_import_holds_a_connection(db: Path) -> None:
    """A restore during an import waited on the import's connection for good, while the
    import waited on the screen: the app froze and kept the database locked."""
    service = reopen(db)
    service.rate(3, 5)
    backup = service.backup()
    service.rate(3, 1)
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        importing = app.open_connection()  # as the Import screen's worker holds one
        await palette(pilot, "backups: list and restore")
        await choose(pilot, str(backup))
        await pilot.press("y")
        await settle(pilot)
        assert "an import, a fetch or another long job is using the database" in (
            notifications(app)
        )
        assert reopen_stars(db, 3) == 1
        importing.close()
        await palette(pilot, "backups: list and restore")
        await choose(pilot, str(backup))
        await pilot.press("y")
        await settle(pilot)
        assert reopen_stars(db, 3) == 5


def reopen_stars(path: Path, paper_id: int) -> int | None:
    service = reopen(path)
    try:
        return service.paper(paper_id).stars
    finally:
        service.close()


async def test_a_tag_in_the_filter_dialog_is_text_not_markup(db: Path) -> None:
    """The tag list of Library's filter parsed each name as markup: "[red]t" showed as a
    red "t"."""
    from textual.widgets import Select

    from tui.modals.filter import Filters, FilterScreen

    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(FilterScreen(Filters(), ["[red]t", "plain"]))
        await settle(pilot)
        app.screen.query_one("#filter-tag", Select).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "[red]t" in screen_text(app)
