"""The rest of the CLI from the app (tui/reach.py) and the undo log shared across sessions:
each test drives the real app and reads the database file (or the file written) after.
arXiv is the local server of arxiv_server.py."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from arxiv_server import ArxivServer
from http_helpers import Reply, data
from test_tui_tasks import answer, choose, palette
from textual.pilot import Pilot
from textual.worker import WorkerCancelled
from tui_helpers import add_papers, make_test_app, notifications, open_db, screen_text
from tui_helpers import settle as settle_once

from reader.cli import main
from reader.models import PaperRecord
from tui.modals.confirm import ConfirmScreen
from tui.screens.collection import CollectionScreen
from tui.screens.paper import PaperScreen

SEED = "2506.18880"  # the first seed paper


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reader.db"
    open_db(path).close()
    return path


async def settle(pilot: Pilot[None]) -> None:
    """Wait for every worker; a fetch's end restarts Today's suggestions worker, which
    cancels the run being waited for."""
    for _ in range(5):
        try:
            await settle_once(pilot)
            return
        except WorkerCancelled:
            continue


def query(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


HISTORY = ("status_events", "rating_events", "feedback_events", "review_cards", "undo_log")
"""What an undoable action writes (the app also writes derived data: the day's list, the
recommender's cache)."""


def dump(path: Path) -> dict[str, list[tuple]]:
    return {table: query(path, f"SELECT * FROM {table} ORDER BY rowid") for table in HISTORY}


# Undo across sessions and front ends ----------------------------------------------------


async def test_an_action_is_undone_after_restarting_the_app(db: Path) -> None:
    before = dump(db)
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("d")  # done: read, and a first re-read card
        await settle(pilot)
    assert dump(db) != before
    assert query(db, "SELECT count(*) FROM review_cards") == [(1,)]

    again = make_test_app(db)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Undo" in screen_text(again)  # the footer offers it from the start
        await pilot.press("u")
        await settle(pilot)
        assert "Undone: marked" in notifications(again)
        assert "Undo" not in screen_text(again)
    assert dump(db) == before


async def test_a_rating_made_with_the_cli_is_undone_in_the_app(db: Path) -> None:
    assert main(["--db", str(db), "rate", "3", "2"]) == 0
    before = dump(db)
    assert main(["--db", str(db), "rate", "3", "5"]) == 0
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert "Undone: rated 5★" in notifications(app)
    assert dump(db) == before


async def test_undo_refused_in_the_app_says_why_and_changes_nothing(db: Path) -> None:
    service = open_db(db, seed=False)
    service.snooze(8, "3 days")
    service.take_back(8)  # the Hidden view's b, in another session
    service.close()
    before = dump(db)
    del before["undo_log"]
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert "changed again since; nothing undone" in notifications(app)
    after = dump(db)
    assert after.pop("undo_log") == []
    assert after == before


# Feeds, fetch and digest ----------------------------------------------------------------


async def test_follow_and_unfollow_feeds(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await palette(pilot, "Feeds: follow")
        await choose(pilot, "category")
        await answer(pilot, "cs.lg stat.ML")
        assert "following cs.LG (Machine Learning)" in notifications(app)
        await palette(pilot, "Feeds: follow")
        await choose(pilot, "author")
        await answer(pilot, "Jacot, Arthur")
        assert query(db, "SELECT kind, value FROM feed_subscriptions ORDER BY id") == [
            ("category", "cs.LG"),
            ("category", "stat.ML"),
            ("author", "Arthur Jacot"),  # the one spelling of the author (harvest.plan)
        ]
        await palette(pilot, "Feeds: list and unfollow")
        assert "Arthur Jacot" in screen_text(app)
        await choose(pilot, "category\x00stat.ML")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert "stopped following stat.ML" in notifications(app)
    assert query(db, "SELECT value FROM feed_subscriptions ORDER BY id") == [
        ("cs.LG",),
        ("Arthur Jacot",),
    ]


async def test_an_unknown_category_is_one_line_and_nothing_is_stored(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await palette(pilot, "Feeds: follow")
        await choose(pilot, "category")
        await answer(pilot, "cs.XX")
        assert "Could not follow" in notifications(app)
    assert query(db, "SELECT count(*) FROM feed_subscriptions") == [(0,)]


async def test_fetch_now_and_write_the_digest(db: Path, server: ArxivServer, tmp_path) -> None:
    server.feeds["cs.LG+stat.ML"] = [Reply(body=data("arxiv_announce.xml"))]
    service = open_db(db, seed=False)
    service.inbox.add(service.inbox.subscriptions_from(["cs.LG", "stat.ML"]))
    service.fetch()  # fetched today: the app does not fetch again by itself
    service.close()
    asked = len(server.seen)
    server.feeds["cs.LG+stat.ML"] = [Reply(body=data("arxiv_announce.xml"))]
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert len(server.seen) == asked
        await palette(pilot, "Fetch arXiv now")
        await settle(pilot)
        assert len(server.seen) > asked
        assert "new papers from arXiv" in notifications(app)

        target = tmp_path / "digest.md"
        await palette(pilot, "Digest: write")
        await choose(pilot, "markdown")
        await answer(pilot, "")
        await answer(pilot, str(target))
        assert "Digest written" in notifications(app)
    check = open_db(db, seed=False)
    assert target.read_text(encoding="utf-8") == check.digest()
    check.close()
    assert "New on 2026\\-03\\-03 in cs.LG, stat.ML: 3 papers" in target.read_text("utf-8")


async def test_a_bad_digest_period_writes_nothing(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "digest.md"
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await palette(pilot, "Digest: write")
        await choose(pilot, "html")
        await answer(pilot, "soon-ish")
        await answer(pilot, str(target))
        assert "give a day (2026-03-01) or a period (1 week)" in notifications(app)
    assert not target.exists()


# Online and maintenance -----------------------------------------------------------------


async def test_enrich_from_the_app(db: Path, server: ArxivServer) -> None:
    (bare,) = add_papers(db, [PaperRecord(title="Attention is all you need.")])
    server.api['ti:"Attention is all you need"'] = Reply(body=data("arxiv_batch.xml"))
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await palette(pilot, "Enrich: find")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        # Two seed papers have no arXiv id either: asked for too, not matched.
        assert "Enrich: 1 of 3 matched" in screen_text(app)
        assert "1706.03762" in screen_text(app)
    assert query(db, f"SELECT arxiv_id, year FROM papers WHERE id = {bare}") == [
        ("1706.03762", 2017)
    ]


async def test_download_a_papers_pdf(db: Path, server: ArxivServer) -> None:
    server.pdfs[SEED] = Reply(body=b"%PDF-1.5\n%shaped\n", content_type="application/pdf")
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        paper_id = app.service.paper(SEED).id
        await app.push_screen(PaperScreen(paper_id))
        await settle(pilot)
        await palette(pilot, "Paper: download the PDF")
        await settle(pilot)
        assert "PDF downloaded" in notifications(app)
    saved = db.parent / "pdfs" / f"{SEED}.pdf"
    assert saved.read_bytes().startswith(b"%PDF-1.5")
    assert query(db, f"SELECT pdf_path FROM papers WHERE id = {paper_id}") == [(str(saved),)]


async def test_doctor_finds_and_repairs(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await palette(pilot, "Doctor: check")
        await settle(pilot)
        assert "Every check passed." in notifications(app)
        app.service.store.db.execute("INSERT INTO tags (name) VALUES ('orphaned')")
        app.service.store.db.conn.commit()
        await palette(pilot, "Doctor: check")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "unused_tags: tag 'orphaned' is on no paper" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert "Doctor: healthy now" in screen_text(app)
    assert query(db, "SELECT count(*) FROM tags WHERE name = 'orphaned'") == [(0,)]
    assert list((db.parent / "backups").glob("*repair*"))


async def test_rebuild_the_index(db: Path) -> None:
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await palette(pilot, "Index: rebuild")
        await settle(pilot)
        assert "Index ready: 52 papers." in notifications(app)


async def test_rename_a_tag_seed_and_a_new_collection(db: Path) -> None:
    service = open_db(db, seed=False)
    service.tag(3, ["theory"])
    service.tag(4, ["theory", "learning-theory"])
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await palette(pilot, "Tags: rename")
        await choose(pilot, "theory")
        await answer(pilot, "learning-theory")
        assert "theory → learning-theory" in notifications(app)
        await palette(pilot, "Seed catalog: load")
        assert "0 added, 52 already present" in notifications(app)
        await palette(pilot, "Collections: new")
        await answer(pilot, "Reading group")
        assert isinstance(app.screen, CollectionScreen)
        assert "Reading group" in screen_text(app)
    assert query(db, "SELECT name FROM tags ORDER BY name") == [("learning-theory",)]
    assert query(db, "SELECT count(*) FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id") == [(2,)]
    assert query(db, "SELECT name FROM collections") == [("Reading group",)]


async def test_export_papers_of_a_status_or_rated_at_least(db: Path, tmp_path: Path) -> None:
    service = open_db(db, seed=False)
    service.set_status(3, "read")
    service.set_status(4, "read")
    service.rate(4, 5)
    service.rate(9, 4)
    service.close()
    read, liked = tmp_path / "read.json", tmp_path / "liked.json"
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for target, choice in ((read, "\x00status:read"), (liked, "\x00stars:4")):
            await palette(pilot, "Export…")
            await choose(pilot, "json")
            await answer(pilot, str(target))
            await choose(pilot, choice)
            assert str(target) in notifications(app)
    assert sorted(p["id"] for p in json.loads(read.read_text())["papers"]) == [3, 4]
    assert sorted(p["id"] for p in json.loads(liked.read_text())["papers"]) == [4, 9]


async def test_rename_and_delete_a_collection_in_the_app(db: Path) -> None:
    service = open_db(db, seed=False)
    for paper_id in (5, 3):
        service.collecting.add("Reading group", paper_id)
    service.close()
    app = make_test_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.push_screen(CollectionScreen("Reading group"))
        await settle(pilot)
        await palette(pilot, "Collection: rename")
        await answer(pilot, "Journal club")
        assert "Journal club" in screen_text(app)
        assert query(db, "SELECT name FROM collections") == [("Journal club",)]
        await palette(pilot, "Collection: delete")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, CollectionScreen)
    assert query(db, "SELECT count(*) FROM collections") == [(0,)]
    assert query(db, "SELECT count(*) FROM collection_papers") == [(0,)]
    assert query(db, "SELECT count(*) FROM papers") == [(52,)]
