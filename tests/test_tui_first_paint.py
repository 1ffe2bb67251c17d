"""What the launch does before Today's first frame, and what it leaves until after it
(docs/benchmarks.md, "First paint at 1.5x the bare app")."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from test_startup_glance import Gate, lazy_app, made_today
from textual import events
from textual.message import Message
from textual.widgets import Footer
from tui_helpers import settle

from tui import launch
from tui.screens.today import TodayScreen


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
    gate = Gate(db)
    gate.release()
    app = lazy_app(db, gate)
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
    gate = Gate(db)
    gate.release()
    gc.disable()  # as ``reader`` does at launch
    try:
        async with lazy_app(db, gate).run_test(size=(120, 40)) as pilot:
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
