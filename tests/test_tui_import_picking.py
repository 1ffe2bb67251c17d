"""The Import screen: the tree starts in the home folder, goes above it (Backspace or the
Up button), hides build folders; arXiv category, since and strict are set on the screen.
The real app; the database file is read afterwards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input
from tui_helpers import make_test_app, notifications, open_db, settle

from tui.screens.importing import ImportScreen, ImportTree


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    for folder in ("papers", "build", "node_modules", "__pycache__", "pkg.egg-info", ".cache"):
        (home / folder).mkdir(parents=True)
    (home / "papers" / "lib.bib").write_text("@article{a, title={A}}\n")
    (home / "library.ris").write_text("TY  - JOUR\nER  - \n")
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reader.db"
    open_db(path).close()
    return path


def shown_names(tree: ImportTree) -> list[str]:
    return [str(node.label) for node in tree.root.children]


async def open_import(pilot) -> ImportScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    await pilot.pause(0.3)  # the tree loads its folder in a worker of its own
    screen = pilot.app.screen
    assert isinstance(screen, ImportScreen)
    return screen


async def test_the_tree_starts_at_home_hides_build_folders_and_goes_up(
    home: Path, db: Path
) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_import(pilot)
        tree = screen.query_one("#import-tree", ImportTree)
        assert Path(tree.path) == home
        assert sorted(shown_names(tree)) == ["library.ris", "papers"]
        tree.focus()
        await pilot.press("backspace")
        await pilot.pause(0.3)
        assert Path(tree.path) == home.parent
        assert "home" in shown_names(tree)
        await pilot.click("#import-up")
        await pilot.pause(0.3)
        assert Path(tree.path) == home.parent.parent


async def test_category_and_since_from_the_screen(home: Path, db: Path, tmp_path: Path) -> None:
    def line(arxiv_id: str, title: str, cats: str, day: str) -> dict:
        return {
            "id": arxiv_id,
            "title": title,
            "authors_parsed": [[title + "son", "J", ""]],
            "categories": cats,
            "abstract": "x",
            "update_date": day,
        }

    path = tmp_path / "snap.jsonl"
    rows = [
        line("2401.00001", "Alpha paper", "cs.LG stat.ML", "2024-01-02"),
        line("2401.00002", "Beta paper", "hep-th", "2024-01-02"),
        line("2001.00003", "Gamma paper", "cs.CL", "2020-01-02"),
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_import(pilot)
        screen.query_one("#import-since", Input).value = "last year"
        screen.query_one("#import-path", Input).value = str(path)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "since: 'last year' is not a date" in notifications(app)
        screen.query_one("#import-category", Input).value = "cs"
        screen.query_one("#import-since", Input).value = "2023-01-01"
        await pilot.press("ctrl+o")
        await settle(pilot)
    service = open_db(db, seed=False)
    titles = {p.title for p in service.papers(limit=1000)}
    assert "Alpha paper" in titles
    assert not {"Beta paper", "Gamma paper"} & titles
    service.close()


async def test_strict_from_the_screen_stores_nothing_from_a_bad_file(
    home: Path, db: Path, tmp_path: Path
) -> None:
    bib = tmp_path / "mixed.bib"
    bib.write_text("@article{good, title={A Good One}, year={2020}}\n@article{bad, year={2020}}\n")
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_import(pilot)
        screen.query_one("#import-strict", Checkbox).value = True
        screen.query_one("#import-path", Input).value = str(bib)
        await pilot.press("ctrl+o")
        await settle(pilot)
    service = open_db(db, seed=False)
    assert "A Good One" not in {p.title for p in service.papers(limit=1000)}
    service.close()
