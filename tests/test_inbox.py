"""The inbox use case end to end: a real SQLite file, the real insert path, and arXiv's
recorded answers served by a local HTTP server (no patched functions)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from arxiv_server import ArxivServer
from http_helpers import FakeTime, Reply, data, running

from reader.harvest.client import ArxivClient
from reader.harvest.plan import Subscription
from reader.models import PaperRecord
from reader.net import RateLimiter
from reader.service import Service
from reader.service.inbox import Inbox, InboxError
from reader.store import Repositories, open_db

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def server() -> Iterator[ArxivServer]:
    with running(ArxivServer()) as srv:
        yield srv


@pytest.fixture
def store(db_path: Path) -> Iterator[Repositories]:
    s = open_db(db_path)
    yield s
    s.close()


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture
def inbox(server: ArxivServer, store: Repositories, fake: FakeTime) -> Inbox:
    server.clock = fake.clock
    limiter = RateLimiter(3.0, clock=fake.clock, sleep=fake.sleep)
    client = ArxivClient(server.config(max_oai_pages=5), limiter=limiter)
    return Service(store, clock=lambda: NOW, tz=UTC, arxiv_client=client).inbox


def follow(inbox: Inbox, *categories: str, authors: tuple[str, ...] = ()) -> None:
    inbox.add(inbox.subscriptions_from(categories, (), authors))


def by_arxiv(store: Repositories, arxiv_id: str):  # type: ignore[no-untyped-def]
    return store.papers.get_paper(store.papers.resolve_id(arxiv_id))


# --- subscriptions -------------------------------------------------------------------------


def test_follow_list_and_unfollow(inbox: Inbox) -> None:
    subs = inbox.subscriptions_from(["cs.lg", "stat.ML"], ["ti:grokking"], ["Jacot,  Arthur"])

    assert [added for _, added in inbox.add(subs)] == [True, True, True, True]
    assert [added for _, added in inbox.add(subs[:1])] == [False]
    assert [inbox.describe(s) for s in inbox.subscriptions()] == [
        "author: Arthur Jacot",
        "cs.LG (Machine Learning)",
        "stat.ML (Machine Learning)",
        "search: ti:grokking",
    ]
    assert [r for _, r in inbox.remove([Subscription("category", "cs.LG")])] == [True]
    assert Subscription("category", "cs.LG") not in inbox.subscriptions()


def test_an_author_is_one_subscription_however_spelled(inbox: Inbox) -> None:
    """ "Jacot, Arthur" and "Arthur Jacot" were two subscriptions (two searches a day for
    one author), and "," was followed as an author."""
    inbox.add(inbox.subscriptions_from(authors=["Jacot, Arthur"]))
    again = inbox.add(inbox.subscriptions_from(authors=["Arthur  Jacot"]))
    assert [added for _, added in again] == [False]
    assert [s.value for s in inbox.subscriptions()] == ["Arthur Jacot"]
    with pytest.raises(InboxError, match="',' is not a name"):
        inbox.subscriptions_from(authors=[","])
    # As an earlier version kept it: removed by either spelling.
    inbox.feeds.add_subscriptions([Subscription("author", "Vaswani, Ashish")], now=NOW)
    assert [
        added for _, added in inbox.add(inbox.subscriptions_from(authors=["Ashish Vaswani"]))
    ] == [False]
    gone = inbox.remove(inbox.subscriptions_from(authors=["Ashish Vaswani"]))
    assert [removed for _, removed in gone] == [True]
    assert [s.value for s in inbox.subscriptions()] == ["Arthur Jacot"]


def test_unknown_category_is_refused_with_suggestions(inbox: Inbox) -> None:
    with pytest.raises(InboxError, match=r"^cs\.ML: not an arXiv category; did you mean stat\.ML"):
        inbox.subscriptions_from(["cs.LG", "cs.ML"])
    assert inbox.subscriptions() == []


def test_fetch_with_nothing_followed_says_what_to_do(inbox: Inbox, server: ArxivServer) -> None:
    with pytest.raises(InboxError, match=r"nothing to fetch: follow a category first"):
        inbox.fetch()
    assert server.seen == []
    assert inbox.day().headline == "Nothing has arrived yet: follow a category (cs.LG, say)"
    inbox.add(inbox.subscriptions_from(["cs.LG"]))
    assert inbox.day().headline == "Nothing has arrived yet from cs.LG"


# --- the day's feed ------------------------------------------------------------------------


def test_fetch_reads_one_feed_for_all_categories_and_stores_new_and_cross(
    inbox: Inbox, server: ArxivServer, store: Repositories
) -> None:
    follow(inbox, "stat.ML", "cs.LG")
    server.feeds["cs.LG+stat.ML"] = [Reply(body=data("arxiv_announce.xml"))]
    before = store.papers.paper_count()
    messages: list[str] = []

    report = inbox.fetch(messages.append)

    assert [s.path for s in server.seen] == ["/atom/cs.LG+stat.ML"]
    assert (report.announced, report.listed, report.added, report.arrivals) == (
        "2026-03-03", 5, 3, 3,
    )  # fmt: skip
    assert report.errors == [] and report.new_versions == 0
    assert store.papers.paper_count() == before + 3
    # Replacements of papers the library does not hold are not papers to add.
    with pytest.raises(Exception, match="2511.04567"):
        store.papers.resolve_id("2511.04567")
    arrivals = inbox.arrivals(date(2026, 3, 3))
    assert [(a.announce_type, a.source, a.already_known) for a in arrivals] == [
        ("new", "feed", False), ("new", "feed", False), ("cross", "feed", False),
    ]  # fmt: skip
    grokking = by_arxiv(store, "2603.01234")
    assert grokking.authors == ("Ana Lima", "Wei Zhang", "Jean-Luc Picard")
    assert arrivals[0].paper_id == grokking.id
    assert arrivals[0].categories == ("cs.LG", "stat.ML")
    assert inbox.feeds.last_harvest() == date(2026, 3, 3)
    assert messages[0] == "arXiv feed cs.LG+stat.ML ..."
    assert messages[-1].startswith("fetched: 3 new papers, 3 arrivals")


def test_fetching_the_same_day_again_adds_nothing(
    inbox: Inbox, server: ArxivServer, store: Repositories
) -> None:
    follow(inbox, "cs.LG", "stat.ML")
    server.feeds["cs.LG+stat.ML"] = [Reply(body=data("arxiv_announce.xml"))]
    inbox.fetch()
    count = store.papers.paper_count()

    again = inbox.fetch()

    assert (again.listed, again.added, again.arrivals, again.new_versions) == (5, 0, 0, 0)
    assert store.papers.paper_count() == count
    assert len(inbox.arrivals("2026-03-03")) == 3


def test_a_paper_already_in_the_library_arrives_but_is_not_added_again(
    inbox: Inbox, server: ArxivServer, store: Repositories
) -> None:
    follow(inbox, "cs.LG", "stat.ML")
    ((_, mine),) = store.ingest.ingest(
        [PaperRecord("Grokking as a phase transition (my copy)", arxiv_id="2603.01234")], now=NOW
    )
    server.feeds["cs.LG+stat.ML"] = [Reply(body=data("arxiv_announce.xml"))]

    report = inbox.fetch()

    assert report.added == 2
    first = inbox.arrivals("2026-03-03")[0]
    assert (first.paper_id, first.already_known) == (mine, True)
    stored = store.papers.get_paper(mine)
    assert stored.title == "Grokking as a phase transition (my copy)"  # the user's, kept
    assert stored.abstract.startswith("We show that grokking")  # an empty field, filled


def test_a_replacement_updates_the_stored_version_once(
    inbox: Inbox, server: ArxivServer, store: Repositories
) -> None:
    follow(inbox, "cs.LG")
    ((_, paper_id),) = store.ingest.ingest(
        [PaperRecord("Scaling Laws for Sparse Mixtures of Experts", "Old abstract.",
                     arxiv_id="2511.04567")],
        now=NOW,
    )  # fmt: skip
    server.feeds["cs.LG"] = [Reply(body=data("arxiv_announce.xml"))]

    report = inbox.fetch()

    assert report.new_versions == 1
    updated = store.papers.get_paper(paper_id)
    assert updated.title == "Scaling Laws for Sparse Mixtures of Experts (revised)"
    assert updated.abstract.endswith("This version adds experiments at the largest scale.")
    assert (updated.doi, updated.venue) == ("10.5555/iclr.2026.1234", "Proceedings of ICLR 2026")
    replaced = [a for a in inbox.arrivals("2026-03-03") if a.announce_type == "replace"]
    assert [(a.paper_id, a.version) for a in replaced] == [(paper_id, 3)]

    with store.conn.write() as conn:  # the user's own edit of the title
        conn.execute("UPDATE papers SET title = 'My own title' WHERE id = ?", [paper_id])
    assert inbox.fetch().new_versions == 0  # v3 is known: not applied twice
    assert store.papers.get_paper(paper_id).title == "My own title"


def test_a_newer_version_keeps_a_title_the_user_edited(
    inbox: Inbox, server: ArxivServer, store: Repositories
) -> None:
    """A title corrected in the app was replaced by arXiv's at the next version."""
    follow(inbox, "cs.LG")
    ((_, paper_id),) = store.ingest.ingest(
        [PaperRecord("Scaling Laws for Sparse MoE", "Old abstract.", arxiv_id="2511.04567")],
        now=NOW,
    )
    store.papers.update_paper(paper_id, {"title": "MoE scaling laws (MY CORRECTED TITLE)"})
    server.feeds["cs.LG"] = [Reply(body=data("arxiv_announce.xml"))]

    assert inbox.fetch().new_versions == 1
    updated = store.papers.get_paper(paper_id)
    assert updated.title == "MoE scaling laws (MY CORRECTED TITLE)"
    assert updated.abstract.endswith("This version adds experiments at the largest scale.")


def test_weekend_feed_stores_nothing_and_counts_as_a_harvest(
    inbox: Inbox, server: ArxivServer, store: Repositories
) -> None:
    follow(inbox, "cs.LG")
    count = store.papers.paper_count()

    report = inbox.fetch()

    assert (report.announced, report.listed, report.added, report.errors) == (None, 0, 0, [])
    assert store.papers.paper_count() == count
    assert inbox.feeds.last_harvest() == date(2026, 3, 3)


def test_malformed_feed_is_one_line_and_stores_nothing(
    inbox: Inbox, server: ArxivServer, store: Repositories
) -> None:
    follow(inbox, "cs.LG")
    inbox.feeds.set_last_harvest(date(2026, 3, 2), now=NOW)
    server.feeds["cs.LG"] = [Reply(body=data("arxiv_announce.xml")[:2500])]
    count = store.papers.paper_count()

    report = inbox.fetch()

    assert report.errors == ["arXiv feed cs.LG: answer is not valid XML (line 35: unclosed token)"]
    assert store.papers.paper_count() == count
    assert inbox.arrivals("2026-03-03") == []
    assert inbox.feeds.last_harvest() == date(2026, 3, 2)  # tried again next time


def test_feed_503_retry_after_is_honoured(
    inbox: Inbox, server: ArxivServer, fake: FakeTime
) -> None:
    follow(inbox, "cs.LG")
    server.feeds["cs.LG"] = [
        Reply(503, b"", "text/plain", headers={"Retry-After": "5"}),
        Reply(body=data("arxiv_announce.xml")),
    ]

    report = inbox.fetch()

    assert report.added == 3
    assert fake.sleeps == [5.0]
    assert len(server.seen) == 2


# --- missed days: OAI-PMH ------------------------------------------------------------------


def test_missed_days_are_caught_up_through_oai_pmh_with_the_token(
    inbox: Inbox, server: ArxivServer, store: Repositories
) -> None:
    follow(inbox, "cs.LG")
    inbox.feeds.set_last_harvest(date(2026, 2, 27), now=NOW)
    server.oai["cs:cs:LG"] = Reply(body=data("oai_page1.xml"))
    server.oai["7261928|1001"] = Reply(body=data("oai_page2.xml"))

    report = inbox.fetch()

    assert [s.path for s in server.seen] == ["/atom/cs.LG", "/oai", "/oai"]
    assert server.seen[1].query["from"] == ["2026-02-27"]
    assert server.seen[2].query["resumptionToken"] == ["7261928|1001"]
    assert all(b.at - a.at >= 3.0 for a, b in zip(server.seen, server.seen[1:], strict=False))  # type: ignore[operator]
    assert report.added == 2  # the new papers; the revised old one is not in the library
    adam = by_arxiv(store, "2602.09876")
    assert adam.authors == ("Chinedu Okafor", "Pieter J. van der Berg Jr")
    assert [(a.announce_type, a.source) for a in inbox.arrivals("2026-02-27")] == [("new", "oai")]
    assert [a.announce_type for a in inbox.arrivals("2026-03-02")] == ["cross"]
    assert inbox.feeds.resumption_tokens() == {}
    assert inbox.feeds.last_harvest() == date(2026, 3, 3)


def test_an_interrupted_catch_up_resumes_from_its_token(
    inbox: Inbox, server: ArxivServer, store: Repositories
) -> None:
    follow(inbox, "cs.LG")
    inbox.feeds.set_last_harvest(date(2026, 2, 27), now=NOW)
    server.oai["cs:cs:LG"] = Reply(body=data("oai_page1.xml"))
    server.oai["7261928|1001"] = Reply(503, b"down", "text/plain")

    first = inbox.fetch()

    assert first.errors == ["arXiv OAI-PMH cs:cs:LG: HTTP 503 Service Unavailable"]
    assert inbox.feeds.resumption_tokens() == {"cs:cs:LG": "7261928|1001"}
    assert inbox.feeds.last_harvest() == date(2026, 2, 27)
    assert by_arxiv(store, "2602.09876").title == "Implicit Bias of Adam on Separable Data"

    server.oai["7261928|1001"] = Reply(body=data("oai_page2.xml"))
    server.seen.clear()
    second = inbox.fetch()

    assert second.errors == []
    oai = [s.query for s in server.seen if s.path == "/oai"]
    assert oai == [{"verb": ["ListRecords"], "resumptionToken": ["7261928|1001"]}]
    assert by_arxiv(store, "2603.00042").title == "Self-Supervised Pretraining for Event Cameras"
    assert inbox.feeds.resumption_tokens() == {}


# --- saved searches and authors ------------------------------------------------------------


def test_followed_author_goes_through_the_query_api(
    inbox: Inbox, server: ArxivServer, store: Repositories
) -> None:
    follow(inbox, authors=("Vaswani, Ashish",))
    inbox.feeds.set_last_harvest(date(2026, 3, 2), now=NOW)
    query = '(au:"Ashish Vaswani") AND submittedDate:[202603020000 TO 202603032359]'
    server.api[query] = Reply(body=data("arxiv_batch.xml"))

    report = inbox.fetch()

    assert [s.path for s in server.seen] == ["/api/query"]
    assert report.listed == 3
    arrivals = inbox.arrivals("2026-03-03")
    assert [a.source for a in arrivals] == ["search", "search", "search"]
    assert by_arxiv(store, "1706.03762").title == "Attention Is All You Need"


def test_a_search_is_filed_under_the_feeds_announcement_day(
    server: ArxivServer, store: Repositories, fake: FakeTime
) -> None:
    """On a US evening the feed's papers went under its announcement day and a saved
    search's under the local date: `reader inbox` showed half of what the fetch said."""
    from zoneinfo import ZoneInfo

    server.clock = fake.clock
    limiter = RateLimiter(3.0, clock=fake.clock, sleep=fake.sleep)
    client = ArxivClient(server.config(max_oai_pages=5), limiter=limiter)
    evening = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)  # 18:00 on 2 March in Los Angeles
    pacific = ZoneInfo("America/Los_Angeles")
    inbox = Service(store, clock=lambda: evening, tz=pacific, arxiv_client=client).inbox
    follow(inbox, "cs.LG", "stat.ML", authors=("Vaswani, Ashish",))
    inbox.feeds.set_last_harvest(date(2026, 3, 2), now=NOW)
    server.feeds["cs.LG+stat.ML"] = [Reply(body=data("arxiv_announce.xml"))]
    server.api.update({q: Reply(body=data("arxiv_batch.xml")) for q in _author_queries()})

    inbox.fetch()

    arrivals = inbox.feeds.arrivals_between("2026-03-01", "2026-03-05")
    assert {a.source for a in arrivals} == {"feed", "search"}, [s.query for s in server.seen]
    assert {a.day for a in arrivals} == {"2026-03-03"}


def _author_queries() -> list[str]:
    return [
        f'(au:"Ashish Vaswani") AND submittedDate:[2026030{a}0000 TO 2026030{b}2359]'
        for a in range(1, 5)
        for b in range(1, 6)
    ]


def test_unreachable_arxiv_is_reported_and_nothing_moves(
    store: Repositories, fake: FakeTime
) -> None:
    from http_helpers import closed_port

    from reader.harvest.client import HarvestConfig

    port = closed_port()
    config = HarvestConfig(rss=f"http://127.0.0.1:{port}", timeout=2.0)
    client = ArxivClient(config, limiter=RateLimiter(0.0))
    inbox = Service(store, clock=lambda: NOW, tz=UTC, arxiv_client=client).inbox
    follow(inbox, "cs.LG")

    report = inbox.fetch()

    assert report.errors == [
        f"arXiv feed cs.LG: cannot reach 127.0.0.1:{port} (connection refused)"
    ]
    assert report.requests == 0
    assert inbox.feeds.last_harvest() is None
