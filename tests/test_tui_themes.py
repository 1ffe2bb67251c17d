"""`reader config ui.theme` accepts exactly the app's themes (issue 13): the core keeps the
list without importing Textual, and this test keeps the list true."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.cli import main
from reader.service.settings import THEMES
from tui.app import make_app


async def test_the_theme_list_matches_the_apps_themes(tmp_path: Path) -> None:
    app = make_app(tmp_path / "reader.db")
    async with app.run_test(size=(100, 30)):
        assert set(THEMES) == set(app.available_themes)


def test_config_refuses_an_unknown_theme(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    db = str(tmp_path / "reader.db")
    assert main(["--db", db, "config", "ui.theme", "nonexistent-theme"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("reader: error: unknown theme 'nonexistent-theme'; use one of: ")
    assert main(["--db", db, "config", "ui.theme", "Nord"]) == 0
    assert capsys.readouterr().out == "ui.theme = nord\n"
