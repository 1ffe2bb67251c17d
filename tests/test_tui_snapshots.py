"""Snapshots of the main screens at 80x24 and 120x40 (pytest-textual-snapshot).

Deterministic: a fixed clock and UTC days for the database, no cursor blink, no clock in
the header, and every worker finished before the picture. Update only after looking at
the report: ``pytest tests/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static
from tui_helpers import make_test_app, open_db, settle

from reader.recommend.evaluate import EvalReport
from reader.service import Service
from tui.screens.paper import PaperScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The seed catalog with a little history: ratings, a paper in progress, a queue,
    tags and a note."""
    path = tmp_path / "snap.db"
    service = open_db(path)
    service.rate(3, 5)
    service.rate(7, 2)
    service.set_status(3, "reading")
    service.set_status(10, "queued")
    service.set_status(12, "queued")
    service.tag(3, ["robotics", "to-cite"])
    service.add_note(3, "# Why it matters\n\nA *hierarchical* VLA: the high level draws a 2D path.")
    service.close()
    return path


@pytest.mark.parametrize("size", SIZES)
def test_today(snap_compare, db: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_test_app(db), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_library(snap_compare, db: Path, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("down", "down")
        await settle(pilot)

    assert snap_compare(make_test_app(db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_paper(snap_compare, db: Path, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.push_screen(PaperScreen(3))
        await settle(pilot)

    assert snap_compare(make_test_app(db), terminal_size=size, run_before=run_before)


@pytest.fixture
def review_db(db: Path) -> Path:
    """Three papers read, rated and due today; the first has a note."""
    service = open_db(db, seed=False)
    for paper_id in (3, 5, 9):
        service.rate(paper_id, 4)
        service.set_status(paper_id, "read")
        service.schedule_at(paper_id, "today")
    service.close()
    return db


@pytest.mark.parametrize("size", SIZES)
def test_review(snap_compare, review_db: Path, size: tuple[int, int]) -> None:
    """The notes and abstract revealed, the four grades offered."""

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)

    assert snap_compare(make_test_app(review_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_stats(
    snap_compare, review_db: Path, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recommender's numbers are fixed here: they move with every change to the
    recommender (and by float noise), while this picture is about the drawing.
    tests/test_tui_screens.py checks the real evaluation on screen."""
    report = EvalReport(n=3, hit_rate_10=2 / 3, hit_rate_50=1.0, median_rank=1.0, mrr=0.69)
    monkeypatch.setattr(Service, "evaluate", lambda self: report)

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)

    assert snap_compare(make_test_app(review_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_settings(snap_compare, db: Path, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("comma")
        await settle(pilot)
        # The data location is a new temporary folder each run: show a fixed one.
        pilot.app.screen.query_one("#data-location", Static).update("/home/me/reader.db")
        await pilot.pause()

    assert snap_compare(make_test_app(db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_hidden(snap_compare, db: Path, size: tuple[int, int]) -> None:
    """Papers marked "not for me" or snoozed, from Today's h."""
    service = open_db(db, seed=False)
    service.dismiss(5)
    service.snooze(6, "3 weeks")
    service.close()

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)

    assert snap_compare(make_test_app(db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_edit_paper(snap_compare, db: Path, size: tuple[int, int]) -> None:
    """The paper's metadata dialog (E on a paper), after a mistake."""

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.push_screen(PaperScreen(3))
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        pilot.app.screen.query_one("#edit-year", Input).value = "someday"
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_test_app(db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_collection(snap_compare, db: Path, size: tuple[int, int]) -> None:
    """A collection's papers in the user's order."""
    from tui.screens.collection import CollectionScreen

    service = open_db(db, seed=False)
    for paper_id in (12, 3, 9):
        service.collecting.add("Thesis chapter 2", paper_id)
    service.close()

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.push_screen(CollectionScreen("Thesis chapter 2"))
        await settle(pilot)

    assert snap_compare(make_test_app(db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_profile(snap_compare, db: Path, size: tuple[int, int]) -> None:
    """What suggestions learn from (Stats, p): the profile's terms, interests, steering and
    ratings. The terms come from the real recommender on the seed catalog."""
    service = open_db(db, seed=False)
    service.steer(20, "more")
    service.steer(9, "less")
    service.add_interests(["lottery tickets"])
    service.close()

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)

    assert snap_compare(make_test_app(db), terminal_size=size, run_before=run_before)
