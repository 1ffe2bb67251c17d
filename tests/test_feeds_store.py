"""FeedRepository (m008) on a real SQLite file: subscriptions, harvest state, arrivals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from reader.harvest.plan import Subscription
from reader.models import PaperRecord
from reader.store import FeedRepository, NewArrival, Repositories, StoreError, open_db

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(db_path: Path) -> Iterator[Repositories]:
    s = open_db(db_path)
    yield s
    s.close()


@pytest.fixture
def feeds(store: Repositories) -> FeedRepository:
    return store.feeds


def test_m008_tables(store: Repositories) -> None:
    db = store.db
    assert db["feed_subscriptions"].columns_dict == {
        "id": int, "kind": str, "value": str, "added_at": str,
    }  # fmt: skip
    assert db["harvest_state"].columns_dict == {
        "source": str, "last_harvest": str, "resumption_token": str, "updated_at": str,
    }  # fmt: skip
    assert db["arrivals"].columns_dict == {
        "id": int, "paper_id": int, "day": str, "source": str, "announce_type": str,
        "version": int, "categories": str, "already_known": int, "fetched_at": str,
        "triage": str, "triaged_at": str,  # m010
    }  # fmt: skip


def test_m010_refuses_an_unknown_triage(store: Repositories, feeds: FeedRepository) -> None:
    ((_, pid),) = store.ingest.ingest([PaperRecord("One", arxiv_id="2603.00001")], now=NOW)
    feeds.record_arrivals([NewArrival(pid, "2026-03-03", "feed", "new")], now=NOW)
    with pytest.raises(StoreError, match="CHECK constraint failed"):
        feeds.set_triage(pid, "2026-03-03", "later", now=NOW)
    assert feeds.set_triage(pid, "2026-03-03", "skipped", now=NOW) == 1
    assert feeds.set_triage(pid, "2026-03-04", "skipped", now=NOW) == 0
    assert [a.triage for a in feeds.arrivals("2026-03-03")] == ["skipped"]


def test_subscriptions_add_list_remove(feeds: FeedRepository) -> None:
    lg, ml = Subscription("category", "cs.LG"), Subscription("category", "stat.ML")
    author = Subscription("author", "Jacot, Arthur")

    assert feeds.add_subscriptions([lg, author], now=NOW) == [True, True]
    assert feeds.add_subscriptions([lg, ml], now=NOW) == [False, True]
    assert feeds.subscriptions() == [author, lg, ml]
    assert feeds.remove_subscriptions([lg, Subscription("query", "x")]) == [True, False]
    assert feeds.subscriptions() == [author, ml]


def test_an_unknown_kind_is_refused_by_the_schema(feeds: FeedRepository) -> None:
    from reader.store import StoreError

    with pytest.raises(StoreError, match="CHECK constraint failed"):
        feeds.add_subscriptions([Subscription("tag", "x")], now=NOW)  # type: ignore[arg-type]
    assert feeds.subscriptions() == []


def test_harvest_state(feeds: FeedRepository) -> None:
    assert feeds.last_harvest() is None
    assert feeds.resumption_tokens() == {}

    feeds.set_last_harvest(date(2026, 3, 2), now=NOW)
    feeds.set_last_harvest(date(2026, 3, 3), now=NOW)
    feeds.set_resumption_token("cs:cs:LG", "7261928|1001", now=NOW)
    feeds.set_resumption_token("stat:stat:ML", "a", now=NOW)
    feeds.set_resumption_token("stat:stat:ML", None, now=NOW)

    assert feeds.last_harvest() == date(2026, 3, 3)
    assert feeds.resumption_tokens() == {"cs:cs:LG": "7261928|1001"}


def test_arrivals_are_recorded_once(store: Repositories, feeds: FeedRepository) -> None:
    (_, first), (_, second) = store.ingest.ingest(
        [PaperRecord("One", arxiv_id="2603.00001"), PaperRecord("Two", arxiv_id="2603.00002")],
        now=NOW,
    )
    batch = [
        NewArrival(first, "2026-03-03", "feed", "new", 1, ("cs.LG", "stat.ML")),
        NewArrival(second, "2026-03-03", "feed", "cross", 1, ("cs.CV",), already_known=True),
    ]

    assert feeds.record_arrivals(batch, now=NOW) == 2
    assert feeds.record_arrivals(batch, now=NOW) == 0
    assert (
        feeds.record_arrivals([NewArrival(first, "2026-03-04", "feed", "replace", 2)], now=NOW) == 1
    )

    day = feeds.arrivals(date(2026, 3, 3))
    assert [(a.paper_id, a.announce_type, a.categories, a.already_known) for a in day] == [
        (first, "new", ("cs.LG", "stat.ML"), False),
        (second, "cross", ("cs.CV",), True),
    ]
    assert feeds.known_versions([first, second]) == {first: 2, second: 1}
    assert store.papers.ids_by_arxiv_id(["2603.00002", "2603.99999"]) == {"2603.00002": second}


def test_arrivals_follow_a_merged_paper(store: Repositories, feeds: FeedRepository) -> None:
    """Merging two papers moves their arrivals to the kept one (no constraint to collide)."""
    (_, a), (_, b) = store.ingest.ingest(
        [PaperRecord("Same paper", arxiv_id="2603.00001"), PaperRecord("Other", doi="10.1/x")],
        now=NOW,
    )
    arrival = NewArrival(a, "2026-03-03", "feed", "new")
    feeds.record_arrivals([arrival, NewArrival(b, "2026-03-03", "feed", "new")], now=NOW)

    store.merges.merge_papers(a, b)

    assert [x.paper_id for x in feeds.arrivals("2026-03-03")] == [a, a]


def test_a_new_version_updates_search_but_keeps_the_index_valid(store: Repositories) -> None:
    """The recommender's index is extended, not rebuilt, after a replacement (a moved
    catalog version would force a rebuild of every paper's features)."""
    ((_, pid),) = store.ingest.ingest(
        [PaperRecord("Old title", "Old abstract.", arxiv_id="2603.00001")], now=NOW
    )
    before = store.papers.catalog_version()

    store.papers.update_version(pid, title="Sparse grokking, revised", abstract=None)

    assert store.papers.catalog_version() == before
    paper = store.papers.get_paper(pid)
    assert (paper.title, paper.abstract) == ("Sparse grokking, revised", "Old abstract.")
    assert [p.id for p in store.papers.search("grokking")] == [pid]
