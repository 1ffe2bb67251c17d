"""The app opens on a seeded database and shows what the CLI stored."""

from __future__ import annotations

import html
import re
from pathlib import Path

from textual.widgets import DataTable
from tui_helpers import settle

from reader.cli import main
from reader.models import PaperRecord
from reader.service import open_service
from tui.app import make_app


def screen_text(svg: str) -> str:
    """The characters on screen, from Textual's SVG screenshot."""
    return html.unescape("".join(re.findall(r"<text[^>]*>(.*?)</text>", svg))).replace("\xa0", " ")


async def test_app_opens_on_seeded_db_and_shows_cli_changes(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    assert main(["--db", str(db), "rate", "1", "4"]) == 0
    assert main(["--db", str(db), "status", "1", "reading"]) == 0
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l")  # from Today to the library
        await settle(pilot)  # every worker but the (idle) file tree's loader of Import
        table = app.screen.query_one("#papers", DataTable)
        assert table.row_count == 52
        text = "\n".join(str(table.get_row_at(i)[0]) for i in range(table.row_count))
        assert "OMEGA: Can LLMs Reason" in text
        assert "HAMSTER: Hierarchical Action Models" in text


async def test_markup_in_titles_is_shown_as_text(tmp_path: Path) -> None:
    db = tmp_path / "hostile.db"
    service = open_service(db, seed=False)
    service.store.ingest.add(
        [
            PaperRecord(
                title="[bold red]Not bold[/] [link=http://x]click[/link]",
                abstract="[i]literal[/i] abstract",
            )
        ],
        now=service.clock(),
    )
    service.close()
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l")
        await settle(pilot)  # every worker but the (idle) file tree's loader of Import
        screen = screen_text(app.export_screenshot())
        assert "[bold red]Not bold[/]" in screen and "[link=http://x]click[/link]" in screen
        await pilot.press("enter")  # the paper itself
        await pilot.pause()
        screen = screen_text(app.export_screenshot())
        assert "[bold red]Not bold[/]" in screen and "[i]literal[/i] abstract" in screen
