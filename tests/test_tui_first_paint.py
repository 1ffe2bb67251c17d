"""What the launch does before Today's first frame, and what it leaves until after it
(docs/benchmarks.md, "First paint at 1.5x the bare app")."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any

import pytest
from test_startup_glance import Gate, lazy_app, made_today
from textual import events
from textual.message import Message
from textual.widgets import Footer, OptionList
from textual.widgets._footer import FooterKey
from tui_helpers import open_db, settle

from tui import launch
from tui.app import ReaderApp
from tui.screens.today import TodayScreen


def open_app(db: Path) -> ReaderApp:
    """The app on `db` as the launch makes it, its service there as soon as it is asked for."""
    gate = Gate(db)
    gate.release()
    return lazy_app(db, gate)


async def test_the_suggestions_are_asked_for_after_the_first_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The suggestions worker (it imports and opens the service, then may load a large
    feature cache) starts only once Textual has written the first frame: its Ready."""
    db = tmp_path / "reader.db"
    made_today(db)
    asked: list[bool] = []
    ready: list[bool] = []
    load = TodayScreen._load_suggestions

    def load_suggestions(screen: TodayScreen, refresh: bool = False) -> None:
        asked.append(bool(ready))
        load(screen, refresh)

    monkeypatch.setattr(TodayScreen, "_load_suggestions", load_suggestions)

    def hook(message: Message) -> None:
        if isinstance(message, events.Ready):
            ready.append(True)

    gate = Gate(db)
    app = lazy_app(db, gate)
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await pilot.pause()
        gate.release()
        await settle(pilot)
        assert asked and asked[0], "suggestions were asked for before the first frame"


async def test_the_footer_keeps_its_keys_when_they_do_not_change(tmp_path: Path) -> None:
    """Moving between two papers of the same section refreshes the bindings but shows the
    same keys: the footer keeps its key widgets instead of building them again."""
    db = tmp_path / "reader.db"
    made_today(db)
    app = open_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        before = list(footer.children)
        assert before
        await pilot.press("j")  # the next suggestion: the same keys apply
        await settle(pilot)
        assert list(footer.children) == before


async def test_the_collector_is_back_on_once_the_first_frame_is_written(
    tmp_path: Path,
) -> None:
    db = tmp_path / "reader.db"
    made_today(db)
    gc.disable()  # as ``reader`` does at launch
    try:
        async with open_app(db).run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert gc.isenabled()
    finally:
        gc.enable()


def test_the_launch_holds_the_collector_until_the_first_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``reader`` alone: no cyclic garbage collection while the first screen is read and
    the app is built (start-up makes many objects and little garbage)."""
    seen: list[bool] = []

    def glance() -> bool:
        seen.append(gc.isenabled())
        return True  # as if the app had run and closed

    monkeypatch.setattr(launch, "_open_at_a_glance", glance)
    monkeypatch.setattr("sys.argv", ["reader"])
    try:
        launch.main()
    finally:
        gc.enable()
    assert seen == [False]


async def test_the_resource_tracker_starts_after_the_first_frame_on_the_real_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """multiprocessing's tracker (the recommender's process pool needs it started with a
    real stderr) is spawned once the first frame is written, with ``sys.stderr`` the real
    one for that moment and put back after."""
    from multiprocessing import resource_tracker

    db = tmp_path / "reader.db"
    made_today(db)
    ready: list[bool] = []
    spawned: list[tuple[bool, bool]] = []

    def hook(message: Message) -> None:
        if isinstance(message, events.Ready):
            ready.append(True)

    def ensure_running() -> None:
        spawned.append((bool(ready), sys.stderr is sys.__stderr__))

    monkeypatch.setattr(resource_tracker, "ensure_running", ensure_running)
    captured = sys.stderr
    async with open_app(db).run_test(size=(120, 40), message_hook=hook) as pilot:
        await settle(pilot)
    assert spawned == [(True, True)]
    assert sys.stderr is captured


async def test_the_first_frame_has_todays_rules_and_list_the_rest_come_after(
    tmp_path: Path,
) -> None:
    """Before the first frame only Today's CSS is parsed and the footer has no keys yet
    (as in a bare Textual app); right after it, the other screens' rules are read and
    the keys are shown."""
    db = tmp_path / "reader.db"
    made_today(db)
    at_ready: list[tuple[bool, int, bool]] = []
    app = open_app(db)

    def more_css() -> bool:
        return any(path.endswith("reader.tcss") for path, _ in app.stylesheet.source)

    def hook(message: Message) -> None:
        if isinstance(message, events.Ready):
            listing = app.screen.query_one("#today-list", OptionList)
            at_ready.append(
                (more_css(), len(app.screen.query(FooterKey)), listing.option_count > 0)
            )

    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await settle(pilot)
        assert at_ready == [(False, 0, True)]
        assert more_css()
        assert len(app.screen.query(FooterKey)) > 0


async def test_a_chosen_theme_is_there_before_the_first_frame_without_restyling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The theme saved in the database is set before the stylesheet is first built:
    setting it on mount made Textual parse all the CSS again and restyle every widget
    before the first frame."""
    db = tmp_path / "reader.db"
    made_today(db)
    service = open_db(db, seed=False)
    service.set_setting("ui.theme", "gruvbox")
    service.close()
    refreshed: list[bool] = []
    ready: list[str] = []
    refresh_css = ReaderApp.refresh_css

    def counted(app: ReaderApp, *args: Any, **kwargs: Any) -> None:
        # Textual applies a theme set before the start (a re-parse, no widget yet);
        # set once Today was mounted, it restyled all of Today's widgets.
        today_mounted = any(isinstance(s, TodayScreen) for s in app.screen_stack)
        refreshed.append(bool(ready) or not today_mounted)
        refresh_css(app, *args, **kwargs)

    monkeypatch.setattr(ReaderApp, "refresh_css", counted)
    app = open_app(db)

    def hook(message: Message) -> None:
        if isinstance(message, events.Ready):
            ready.append(app.theme)

    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await settle(pilot)
        assert ready == ["gruvbox"]
        assert False not in refreshed  # Today's widgets not restyled before the first frame


async def test_leaving_a_screen_does_not_ask_its_footer_for_keys(tmp_path: Path) -> None:
    """A screen being taken down (Hidden, left with Escape) has no list to ask which keys
    work; its footer is not rebuilt then (as Textual's own Footer is not)."""
    db = tmp_path / "reader.db"
    made_today(db)
    app = open_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert type(app.screen).__name__ == "HiddenScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert app.is_running
