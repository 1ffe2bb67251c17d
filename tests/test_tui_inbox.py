"""The Inbox screen, Today's headline and the background fetch at start, driven with Pilot
on a real database; arXiv is the local server (or a closed port, for the offline case)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from arxiv_server import ArxivServer
from http_helpers import Reply, closed_port, data, running
from textual.pilot import Pilot
from textual.worker import WorkerCancelled
from tui_helpers import make_test_app, notifications, open_db, screen_text
from tui_helpers import settle as settle_once

GROKKING = "2603.01234"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ArxivServer]:
    with running(ArxivServer()) as srv:
        monkeypatch.setenv("READER_ARXIV_RSS", srv.base)
        monkeypatch.setenv("READER_ARXIV_OAI", f"{srv.base}/oai")
        monkeypatch.setenv("READER_ARXIV_API", f"{srv.base}/api/query")
        srv.feeds["cs.LG+stat.ML"] = [Reply(body=data("arxiv_announce.xml"))]
        yield srv


async def settle(pilot: Pilot[None]) -> None:
    """Wait for every worker; the fetch's end restarts Today's suggestions worker, which
    cancels the run being waited for (by design: the newer one has the new papers)."""
    for _ in range(5):
        try:
            await settle_once(pilot)
            return
        except WorkerCancelled:
            continue


def following(path: Path, *, fetch: bool) -> None:
    """Seeds, cs.LG + stat.ML followed, the grokking seeds rated 5, maybe fetched."""
    service = open_db(path)
    try:
        service.inbox.add(service.inbox.subscriptions_from(["cs.LG", "stat.ML"]))
        if fetch:
            service.fetch()
        for paper in service.search("grokking"):
            if paper.arxiv_id != GROKKING:
                service.rate(paper.id, 5)
    finally:
        service.close()


def triage_rows(path: Path) -> list[tuple[str, str | None]]:
    service = open_db(path, seed=False)
    try:
        rows = service.store.conn.query(
            "SELECT p.arxiv_id, a.triage FROM arrivals a JOIN papers p ON p.id = a.paper_id "
            "WHERE a.announce_type IN ('new', 'cross') ORDER BY a.id"
        )
        return [(r["arxiv_id"], r["triage"]) for r in rows]
    finally:
        service.close()


async def test_inbox_triage_with_one_key_each(db_path: Path, server: ArxivServer) -> None:
    following(db_path, fetch=True)
    app = make_test_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        text = screen_text(app)
        assert "New on 2026-03-03 in cs.LG, stat.ML: 3 papers" in text
        assert "3 waiting" in text
        assert "cs.LG (Machine Learning)" in text  # names from the taxonomy
        # best first: the grokking paper, a pick
        assert app.screen.query_one("#inbox-list").highlighted_option.id == str(  # type: ignore[attr-defined]
            app.service.paper(GROKKING).id
        )
        await pilot.press("a")  # queue the grokking paper
        await pilot.press("x")  # not for me: the next one
        await pilot.press("s")  # skip the last
        await settle(pilot)
        assert "Inbox empty" in screen_text(app)

    decided = dict(triage_rows(db_path))
    assert decided[GROKKING] == "queued"
    assert sorted(v for k, v in decided.items() if k != GROKKING) == ["not_for_me", "skipped"]
    check = open_db(db_path, seed=False)
    try:
        assert check.paper(GROKKING).status.value == "queued"
    finally:
        check.close()


async def test_start_fetches_in_the_background_and_today_says_what_arrived(
    db_path: Path, server: ArxivServer
) -> None:
    following(db_path, fetch=False)
    app = make_test_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await settle(pilot)  # the fetch, then Today's refresh it asks for
        assert "3 new papers from arXiv (2026-03-03)" in notifications(app)
        assert "New on 2026-03-03 in cs.LG, stat.ML: 3 papers" in screen_text(app)
    assert len(triage_rows(db_path)) == 3
    assert [s.path for s in server.seen] == ["/atom/cs.LG+stat.ML"]

    again = make_test_app(db_path)  # fetched since the last announcement: not again
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
    assert len(server.seen) == 1


async def test_offline_start_shows_yesterdays(db_path: Path, monkeypatch) -> None:
    following(db_path, fetch=False)
    monkeypatch.setenv("READER_ARXIV_RSS", f"http://127.0.0.1:{closed_port()}")
    app = make_test_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        said = notifications(app)
        assert "offline:" in said and "The inbox keeps what was fetched before" in said
        assert "yesterday" not in said  # nothing was ever fetched here
        assert "Today" in screen_text(app)  # the screen is there, the app goes on
    assert triage_rows(db_path) == []
    service = open_db(db_path, seed=False)
    try:
        assert service.store.feeds.last_harvest() is None  # tried again at the next start
    finally:
        service.close()


async def test_o_without_a_browser_shows_and_copies_the_url(db_path: Path) -> None:
    from tui.app import ReaderApp

    service = open_db(db_path)
    seed = service.papers(limit=1)[0]
    app = ReaderApp(service, opener=lambda target: "no browser can start here (no display)")
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        from tui.screens.paper import PaperScreen

        await app.push_screen(PaperScreen(seed.id))
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        url = f"https://arxiv.org/abs/{seed.arxiv_id}"
        assert copied == [url]
        assert url in notifications(app)
        assert "copied to the clipboard" in notifications(app)


async def test_the_inbox_counts_the_arrivals_it_reads_closely_in_its_headline(
    db_path: Path, server: ArxivServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.screens.inbox import InboxScreen

    following(db_path, fetch=True)
    shown: list[str] = []
    reading = InboxScreen._reading

    def watched(self: InboxScreen, done: int, total: int | None) -> None:
        reading(self, done, total)
        shown.append(str(self.query_one("#inbox-headline").render()))

    monkeypatch.setattr(InboxScreen, "_reading", watched)
    app = make_test_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)  # Today has read its pool, the day's three arrivals among it
        arrived = [
            r["paper_id"] for r in app.service.store.conn.query("SELECT paper_id FROM arrivals")
        ]
        with app.service.store.conn.write() as conn:  # as if they had come after Today's list
            conn.execute(
                f"DELETE FROM paper_vectors WHERE paper_id IN ({','.join('?' * len(arrived))})",
                arrived,
            )
        await pilot.press("b")
        await settle(pilot)
        assert shown and shown[-1] == "Reading the day's best arrivals closely… 3/3"
        assert "New on 2026-03-03 in cs.LG, stat.ML: 3 papers" in screen_text(app)


async def test_j_k_and_g_move_in_the_inbox_as_in_every_list(
    db_path: Path, server: ArxivServer
) -> None:
    following(db_path, fetch=True)
    app = make_test_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        listing = app.screen.query_one("#inbox-list")
        assert listing.highlighted == 0  # type: ignore[attr-defined]
        await pilot.press("j")
        assert listing.highlighted == 1  # type: ignore[attr-defined]
        await pilot.press("G")
        assert listing.highlighted == 2  # type: ignore[attr-defined]
        await pilot.press("k")
        assert listing.highlighted == 1  # type: ignore[attr-defined]
