"""Review, Stats, Import and Settings, driven through Pilot against a real SQLite file.
Each flow checks what the screen shows and what the database holds afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from review_helpers import review_log
from test_fetch import RecordingServer, Reply, data, server  # noqa: F401  (fixture)
from textual.widgets import Input, Select
from tui_helpers import make_test_app, notifications, open_db, screen_text, settle

from reader.schedule import Grade
from reader.service import StoreError
from tui.modals.help import HelpScreen
from tui.screens.importing import ImportScreen, split_things
from tui.screens.review import GRADED, RECALL, REVEALED, ReviewScreen
from tui.screens.settings import SettingsScreen, field_id
from tui.screens.stats import StatsScreen
from tui.screens.today import TodayScreen
from tui.widgets.charts import bar_rows, column_chart, hbar

DATA = Path(__file__).parent / "data"
READ = [3, 5, 7, 9]
"""Papers of the seed catalog marked read and rated 4 stars, so they have re-reads."""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The seed catalog (52 papers) in a fresh database file."""
    path = tmp_path / "reader.db"
    open_db(path).close()
    return path


@pytest.fixture
def due_db(db: Path) -> Path:
    """Four papers read and rated 4★, all due today (the daily limit is 3); one has a note."""
    service = open_db(db)
    for paper_id in READ:
        service.rate(paper_id, 4)
        service.set_status(paper_id, "read")
        service.schedule_at(paper_id, "today")
    service.add_note(3, "Key idea: a [bold]2D path[/bold] from the high level.")
    service.close()
    return db


# Review -----------------------------------------------------------------------------------


async def test_review_title_first_reveal_grade_note_next(due_db: Path) -> None:
    service = open_db(due_db, seed=False)
    first = service.due()[0].paper
    service.close()
    app = make_test_app(due_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        text = screen_text(app)
        assert "3 left today" in text and "0 done today" in text
        assert "1 more overdue, held back by the daily limit" in text
        assert first.title[:40] in text
        assert first.abstract[:40] not in text  # recall first
        assert "Key idea" not in text

        await pilot.press("1")  # a grade before the reveal does nothing
        assert screen.phase == RECALL
        await pilot.press("space")
        await pilot.pause()
        assert screen.phase == REVEALED
        text = screen_text(app)
        assert first.abstract[:40] in text
        assert "Key idea: a [bold]2D path[/bold]" in text  # the user's note, literally
        assert "1  Again" in text and "4  Easy" in text

        await pilot.press("3")
        await pilot.pause()
        assert screen.phase == GRADED
        text = screen_text(app)
        assert "Graded Good: next re-read in" in text
        assert "2 left today" in text and "1 done today" in text

        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Recalled the path idea")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "Recalled the path idea" in screen_text(app)

        await pilot.press("space")
        await pilot.pause()
        assert screen.phase == RECALL
        assert screen.current is not None and screen.current.paper.id != first.id

    service = open_db(due_db, seed=False)
    log = review_log(service, first.id)
    assert [entry.grade for entry in log] == [Grade.GOOD]
    assert service.reviewed_today() == 1
    assert [n.text for n in service.notes(first.id)][-1] == "Recalled the path idea"
    assert first.id not in [d.paper.id for d in service.due()]
    service.close()


async def test_review_until_done_then_says_when_the_next_is(due_db: Path) -> None:
    app = make_test_app(due_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        for grade in ("4", "2", "3"):
            await pilot.press("space", grade, "space")
            await pilot.pause()
        text = screen_text(app)
        assert "No re-reads left today" in text and "3 done today" in text
        assert "The next one is due on" in text
    service = open_db(due_db, seed=False)
    grades = sorted(e.grade for p in READ for e in review_log(service, p))
    assert grades == [Grade.HARD, Grade.GOOD, Grade.EASY]
    assert service.due() == []
    service.close()


async def test_enter_on_a_reread_in_today_reviews_that_paper(due_db: Path) -> None:
    service = open_db(due_db, seed=False)
    last = service.due()[-1].paper
    service.close()
    app = make_test_app(due_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert "v or Enter: review them" in screen_text(app)
        listing = app.screen.query_one("#today-list")
        listing.highlighted = listing.get_option_index(f"Re-reads due:{last.id}")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.current is not None and app.screen.current.paper.id == last.id


async def test_grade_refused_by_the_database_is_shown_and_kept(
    due_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_test_app(due_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.current is not None
        paper_id = screen.current.paper.id

        def locked(*args: object, **kwargs: object) -> None:
            raise StoreError("database is locked (another program is writing to it)")

        monkeypatch.setattr(app.service, "grade", locked)
        await pilot.press("space", "3")
        await pilot.pause()
        assert "Could not save the grade: database is locked" in notifications(app)
        assert screen.phase == REVEALED  # still there to grade again
        monkeypatch.undo()
        await pilot.press("3")
        await pilot.pause()
        assert screen.phase == GRADED
    service = open_db(due_db, seed=False)
    assert len(review_log(service, paper_id)) == 1
    service.close()


# Stats ------------------------------------------------------------------------------------


async def test_stats_draws_charts_and_evaluates(due_db: Path) -> None:
    service = open_db(due_db, seed=False)
    service.rate(11, 5)
    service.rate(12, 2)
    expected = service.evaluate()
    service.close()
    app = make_test_app(due_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        text = screen_text(app)
        assert "52 papers" in text and "4 read" in text and "6 rated" in text
        assert "Papers read per week" in text and "4 in 12 weeks" in text
        assert "Re-reads due, next 30 days" in text
        assert "█" in text  # bars, not only numbers
        assert "hit rate @10" in text and f"{expected.hit_rate_10:.0%}" in text
        assert f"{expected.n} liked papers hidden one at a time" in text


async def test_stats_measures_again_after_a_rating_given_in_the_app(db: Path) -> None:
    """The recommender panel kept the numbers measured before a rating made since."""
    service = open_db(db, seed=False)
    for paper_id in (3, 5):
        service.rate(paper_id, 5)
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert "2 liked papers hidden one at a time" in screen_text(app)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("5")  # the first paper of the Library, rated here
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert "3 liked papers hidden one at a time" in screen_text(app)


async def test_stats_says_what_to_do_when_evaluation_cannot_run(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        text = screen_text(app)
        assert "Rate at least two papers 4 or 5 stars" in text
        assert "No ratings yet" in text
        assert "error" not in notifications(app).lower()


def test_column_chart_scales_to_the_tallest_and_labels_what_fits() -> None:
    chart = column_chart([0, 2, 4], ["a", "bb", "c"], width=12, height=2)
    assert chart.plain.split("\n") == [
        "4       ██ ",
        "0    ██ ██ ",
        "  a  bb c",
    ]


def test_column_chart_shows_a_small_nonzero_value() -> None:
    chart = column_chart([100, 1], ["", ""], width=8, height=1)
    assert chart.plain.split("\n")[0] == "100 █ ▁ "


def test_bars() -> None:
    assert hbar(1, 2, 4) == "██"
    assert hbar(1, 8, 1) == "▏"
    assert hbar(3, 0, 4) == ""
    rows = bar_rows([("a", 2.0, "2"), ("bbb", 1.0, "1")], width=12)
    assert rows.plain.split("\n") == ["a   █████ 2", "bbb ██▌   1"]


# Settings ---------------------------------------------------------------------------------


async def test_settings_change_is_saved_and_a_bad_value_refused(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        text = screen_text(app)
        assert "Re-reads per day" in text and str(app.service.path) in text

        field = app.screen.query_one(f"#{field_id('review.daily_limit')}", Input)
        field.focus()
        field.value = "7"
        await pilot.press("enter")
        await pilot.pause()
        assert "Re-reads per day: 7" in notifications(app)

        retention = app.screen.query_one(f"#{field_id('review.desired_retention')}", Input)
        retention.focus()
        retention.value = "2"
        await pilot.press("enter")
        await pilot.pause()
        assert "expected a number 0.7 to 0.97, not 2.0" in screen_text(app)
        assert retention.has_focus  # stays for a correction
        await pilot.press("escape")
    service = open_db(db, seed=False)
    settings = service.settings()
    assert settings["review.daily_limit"] == 7
    assert settings["review.desired_retention"] == 0.85
    service.close()


async def test_a_setting_typed_then_ctrl_q_is_saved(db: Path) -> None:
    """Enter, Tab and leaving the field saved a value; Ctrl+Q straight after typing lost
    it, while notes are saved on quit."""
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await settle(pilot)
        field = app.screen.query_one(f"#{field_id('suggest.per_day')}", Input)
        field.focus()
        await pilot.press("ctrl+a", "ctrl+k", "9")
        await pilot.press("ctrl+q")
        await pilot.pause()
    service = open_db(db, seed=False)
    assert service.settings()["suggest.per_day"] == 9
    service.close()


async def test_theme_is_remembered(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await settle(pilot)
        app.screen.query_one(f"#{field_id('ui.theme')}", Select).value = "nord"
        await pilot.pause()
        assert app.theme == "nord"
    service = open_db(db, seed=False)
    assert service.settings()["ui.theme"] == "nord"
    service.close()

    again = make_test_app(db)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert again.theme == "nord"
        again.theme = "gruvbox"  # as the palette's theme picker does
        await pilot.pause()
    service = open_db(db, seed=False)
    assert service.settings()["ui.theme"] == "gruvbox"
    service.close()


# Import -----------------------------------------------------------------------------------


async def import_path(pilot, path: Path) -> ImportScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ImportScreen)
    screen.query_one("#import-path", Input).value = str(path)
    await pilot.press("ctrl+o")
    await settle(pilot)
    return screen


async def test_import_a_bibtex_file_shows_the_summary(db: Path) -> None:
    before = open_db(db, seed=False)
    count = before.count()
    before.close()
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await import_path(pilot, DATA / "zotero.bib")
        text = screen_text(app)
        assert "zotero.bib (bibtex): 3 added · 0 merged · 0 skipped" in text
        assert screen.last_report is not None and screen.last_report.added == 3

        await pilot.press("ctrl+o")  # the same file again: nothing new
        await settle(pilot)
        assert "0 added · 0 merged · 3 skipped (3 already here" in screen_text(app)

        await pilot.press("escape", "l")  # the library shows the new papers
        await settle(pilot)
        assert f"{count + 3:,} papers" in screen_text(app)
    after = open_db(db, seed=False)
    assert after.count() == count + 3
    after.close()


async def test_import_reports_bad_records_and_unreadable_files(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await import_path(pilot, DATA / "broken.bib")
        text = screen_text(app)
        assert "broken.bib (bibtex):" in text and "bad record" in text
        assert "broken.bib:" in text  # each problem named by file and line

        app.screen.query_one("#import-path", Input).value = str(DATA / "not_bibtex.bib")
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "Cannot import" in notifications(app)

        app.screen.query_one("#import-path", Input).value = str(DATA / "missing.bib")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert "missing.bib: no such file" in notifications(app)


async def test_paste_arxiv_ids_fetched_from_a_local_server(
    db: Path,
    server: RecordingServer,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("READER_ARXIV_API", f"{server.base}/api/query")
    monkeypatch.setenv("READER_CROSSREF_API", f"{server.base}/works")
    server.arxiv[frozenset({"1706.03762"})] = Reply(body=data("arxiv_batch.xml"))
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#import-ids").load_text("arXiv:1706.03762v5\nnot-an-id")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "1 added · 0 merged · 0 already here · 1 failed" in text
        assert "Attention Is All You Need" in text
        assert "not-an-id: not an arXiv id or a DOI" in text
    service = open_db(db, seed=False)
    assert "Attention Is All You Need" in [p.title for p in service.papers(query="attention")]
    service.close()


def test_split_things() -> None:
    assert split_things(" 1706.03762,\n10.1/x ; arXiv:2101.00001 \n\n") == [
        "1706.03762",
        "10.1/x",
        "arXiv:2101.00001",
    ]


# Everywhere -------------------------------------------------------------------------------


async def test_palette_reaches_the_new_screens(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"go to stats")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        titles = [title for title, _ in app.screen.sections]
        assert titles[0] == "Stats"  # the screen it was opened from comes first
        assert {"Review", "Import", "Settings", "Everywhere"} <= set(titles)


async def test_import_refused_by_the_database_is_a_message(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_test_app(db)

    def read_only() -> object:
        raise StoreError("attempt to write a readonly database")

    monkeypatch.setattr(app, "open_connection", read_only)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await import_path(pilot, DATA / "zotero.bib")
        assert "Import failed: attempt to write a readonly database" in notifications(app)
        assert not screen.running  # a new import can start
        await pilot.press("escape", "l")
        await settle(pilot)
        assert "52 papers" in screen_text(app)  # still running, nothing added
