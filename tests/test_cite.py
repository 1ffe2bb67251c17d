"""A paper as a reference: ``reader cite`` and the paper screen's copy keys (y, Y, and the
palette's "copy citation key") put the same BibTeX entry, key and link out."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import make_test_app, notifications, open_db, settle

from reader.cli import main
from tui.screens.paper import PaperScreen


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reader.db"
    service = open_db(path)
    service.edit_paper(
        3, authors="Anna Müller; Bo Li", year="2025", url="", doi="", arxiv_id="2502.05485"
    )
    service.edit_paper(4, url="", doi="", arxiv_id="")
    service.close()
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_prints_entry_key_and_link(capsys, db: Path) -> None:
    code, out, _ = run(capsys, "--db", str(db), "cite", "3")
    assert code == 0
    assert out.startswith("@") and "{muller2025hamster," in out
    assert "Anna" in out and "HAMSTER" in out
    assert run(capsys, "--db", str(db), "cite", "3", "--key")[1] == "muller2025hamster\n"
    assert (
        run(capsys, "--db", str(db), "cite", "3", "--link")[1]
        == "https://arxiv.org/abs/2502.05485\n"
    )


def test_cli_a_paper_without_a_link_is_one_line(capsys, db: Path) -> None:
    code, out, err = run(capsys, "--db", str(db), "cite", "4", "--link")
    assert code == 1 and out == ""
    assert err.strip().endswith("paper 4 has no link (no URL, arXiv id or DOI)")
    assert len(err.strip().splitlines()) == 1


async def test_copy_bibtex_key_and_link_from_the_paper(db: Path) -> None:
    service = open_db(db, seed=False)
    entry = service.citation(3).bibtex
    service.close()
    app = make_test_app(db, seed=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(PaperScreen(3))
        await settle(pilot)
        await pilot.press("y")
        assert app.clipboard == entry
        assert "Copied bibtex: muller2025hamster" in notifications(app)
        await pilot.press("Y")
        assert app.clipboard == "https://arxiv.org/abs/2502.05485"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"copy citation key")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.clipboard == "muller2025hamster"
        # In the note editor, y is text.
        await pilot.press("n")
        await pilot.press("y")
        assert app.clipboard == "muller2025hamster"


def test_cli_shows_a_titles_escape_codes_as_text(capsys, db: Path) -> None:
    """`reader cite` printed a title's escape codes as they were: "\\x1b]0;pwned\\x07" set
    the terminal's window title."""
    service = open_db(db)
    service.edit_paper(5, title="Owned \x1b]0;pwned\x07 \x1b[31mred\x1b[0m title")
    service.close()
    code, out, _ = run(capsys, "--db", str(db), "cite", "5")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    # The citation is BibTeX, which (like the BibTeX export) leaves escapes out entirely.
    assert "Owned" in out and "red title" in out and "pwned" not in out
