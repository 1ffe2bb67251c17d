"""Steering keys (> more like this, < less like this) on Today, Library, Inbox and the Paper
screen, starters' reasons on Today, and the Profile screen (Stats, p): driven with Pilot on
a real database file, which is read afterwards."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from arxiv_server import ArxivServer
from test_tui_inbox import GROKKING, following, server  # noqa: F401  (server: a fixture)
from test_tui_inbox import settle as settle_inbox
from textual.widgets import Input, OptionList, TextArea
from tui_helpers import (
    make_test_app,
    notifications,
    open_db,
    screen_text,
    settle,
    type_ahead,
)

from tui.modals.choice import PromptScreen
from tui.modals.help import HelpScreen
from tui.screens.paper import PaperScreen
from tui.screens.profile import ProfileScreen

MORE, LESS = "greater_than_sign", "less_than_sign"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The seed catalog with one paper rated 5 (so Today has suggestions)."""
    path = tmp_path / "reader.db"
    service = open_db(path)
    service.rate(17, 5)
    service.close()
    return path


def steering(path: Path) -> list[tuple[int, str | None]]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT paper_id, direction FROM steering_events ORDER BY id")
        return rows.fetchall()


def highlighted_id(app) -> int:  # type: ignore[no-untyped-def]
    option = app.screen.query_one(OptionList).highlighted_option
    return int(option.id.rpartition(":")[2])


async def test_today_more_less_and_undo(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = highlighted_id(app)
        title = app.service.paper(first).title
        await pilot.press(MORE)
        await settle(pilot)
        assert steering(db) == [(first, "more")]
        assert "More like this" in notifications(app)
        assert title[:30] in screen_text(app)  # "more": it stays in today's list
        await pilot.press("u")
        await settle(pilot)
        assert steering(db) == []
        await pilot.press(LESS)
        await settle(pilot)
        assert steering(db) == [(first, "less")]
        assert title[:30] not in screen_text(app)  # "less": it leaves today's list
        assert highlighted_id(app) != first


async def test_a_steer_typed_before_today_appeared_is_not_used(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await type_ahead(pilot, "t", MORE, LESS)  # > and < were typed for the Library
        assert "Key ignored" in notifications(app)
    assert steering(db) == []


async def test_library_keys_steer_the_highlighted_row(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
        paper = app.screen._selected()  # type: ignore[attr-defined]
        await pilot.press(LESS)
        await settle(pilot)
        await pilot.press(LESS)  # the same key again takes it off
        await settle(pilot)
        said = notifications(app)
        assert "Less like this" in said and "Steering taken off" in said
        assert paper.title[:20] in said  # which paper, though the row shows no steering
    assert steering(db) == [(paper.id, "less"), (paper.id, None)]


async def test_typed_in_the_library_search_the_keys_are_text(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("slash", MORE, LESS, "g")
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == "><g"
    assert steering(db) == []


async def test_paper_screen_shows_its_steering_and_the_note_takes_the_keys(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(PaperScreen(20))
        await settle(pilot)
        await pilot.press(MORE)
        await settle(pilot)
        assert "▲ more like this" in screen_text(app)
        await pilot.press("e", MORE, " ", "q", LESS)  # e: into the note editor
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#editor", TextArea).text == "> q<"
        assert "Less like this" not in screen_text(app)  # text keys leave the footer
        await pilot.press("escape")
        await settle(pilot)
    assert steering(db) == [(20, "more")]  # only the one typed outside the note


async def test_inbox_keys_steer_the_arrival(db_path: Path, server: ArxivServer) -> None:  # noqa: F811
    following(db_path, fetch=True)
    app = make_test_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_inbox(pilot)
        await pilot.press("b")
        await settle_inbox(pilot)
        paper_id = app.service.paper(GROKKING).id
        assert highlighted_id(app) == paper_id
        await pilot.press(MORE)
        await settle_inbox(pilot)
        await pilot.press("down")
        second = highlighted_id(app)
        order = [o.id for o in app.screen.query_one(OptionList).options]
        await pilot.press(LESS)  # ranked again: it sinks, and the cursor stays on it
        await settle_inbox(pilot)
        assert [o.id for o in app.screen.query_one(OptionList).options] != order
        assert highlighted_id(app) == second
    assert steering(db_path) == [(paper_id, "more"), (second, "less")]


async def test_the_keys_are_in_the_help_and_the_palette(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        commands = [title for title, _, _ in app.palette_commands(app.screen)]
        assert "Today: More like this" in commands and "Today: Less like this" in commands
        assert "Profile: what suggestions learn from" in commands
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Lift papers like this one" in text and "Sink papers like this one" in text


async def test_starters_on_a_fresh_install_show_their_reason(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    open_db(path).close()
    app = make_test_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Rate a few to get suggestions" in text
        assert "A starter: central to the catalog's main topic" in text


async def test_interests_that_match_no_paper_are_marked_on_today_and_the_profile(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fresh.db"
    service = open_db(path)
    service.add_interests(["quantum gravity"])
    service.close()
    app = make_test_app(path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Rate a few to get suggestions" in text  # a cold start, not an empty Today
        assert "too few papers use the words of 'quantum gravity' to rank by" in text
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen)
        assert "not matched quantum gravity" in screen_text(app)
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one(Input).value = "zebrafish husbandry, grokking"
        await pilot.press("enter")
        await settle(pilot)
        said = notifications(app)
        assert "Too few papers here use the words of 'zebrafish husbandry' to rank by" in said
        assert "'grokking'" not in said


def profile_row(app, prefix: str) -> None:  # type: ignore[no-untyped-def]
    listing = app.screen.query_one("#profile-list", OptionList)
    index = next(i for i, o in enumerate(listing.options) if (o.id or "").startswith(prefix))
    listing.highlighted = index


async def test_the_profile_shows_and_edits_what_suggestions_learn_from(db: Path) -> None:
    service = open_db(db, seed=False)
    service.rate(3, 1)
    service.steer(20, "more")
    service.add_interests(["lottery tickets", "robotics"])
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen)
        text = screen_text(app)
        for part in (
            "Top terms",
            "grokking +",
            "Interests (2)",
            "lottery tickets",
            "More / less like this (1)",
            "more like",
            "Liked (1)",
            "Disliked (1)",
        ):
            assert part in text, part
        profile_row(app, "steer:20")
        await pilot.press("x")
        await settle(pilot)
        assert "More / less like this (0)" in screen_text(app)
        await pilot.press("u")  # the removal is undone like any steering
        await settle(pilot)
        assert "More / less like this (1)" in screen_text(app)
        profile_row(app, "interest:robotics")
        await pilot.press("x")
        await settle(pilot)
        assert "Interests (1)" in screen_text(app)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "causal inference"
        await pilot.press("enter")
        await settle(pilot)
        assert "Interests (2)" in screen_text(app)
    assert steering(db) == [(20, "more")]  # the undo removed the removal's row
    service = open_db(db, seed=False)
    assert sorted(service.interests()) == ["causal inference", "lottery tickets"]
    assert service.steering_of(20) == "more"
    service.close()


async def test_removing_a_steering_leaves_the_cursor_on_the_next_one(db: Path) -> None:
    """After x on a steering the cursor went to the first row, an interest: the next x
    (seconds later, on what looked like the next steering's place) removed the interest."""
    service = open_db(db, seed=False)
    service.add_interests(["causal inference", "grokking"])
    for paper_id in (1, 2, 3):
        service.steer(paper_id, "more")
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        profile_row(app, "steer:2")
        await pilot.press("x")
        await settle(pilot)
        listing = app.screen.query_one(OptionList)
        assert listing.highlighted_option is not None
        assert listing.highlighted_option.id in {"steer:1", "steer:3"}
    service = open_db(db, seed=False)
    assert sorted(service.interests()) == ["causal inference", "grokking"]
    service.close()


async def test_adding_interests_names_only_the_new_ones(db: Path) -> None:
    """The notice listed every term typed, those already there too."""
    service = open_db(db, seed=False)
    service.add_interests(["lottery tickets"])
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one(Input).value = "lottery tickets, grokking"
        await pilot.press("enter")
        await settle(pilot)
        said = notifications(app)
        assert "Interests added: grokking" in said and "lottery" not in said
