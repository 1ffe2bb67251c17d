"""Today built on arrivals, the ranked inbox and its triage, through the Service over a
real SQLite file with the seed catalog, fetching from the local arXiv server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from arxiv_server import ArxivServer
from http_helpers import Reply, data

from reader.models import Status
from reader.recommend import minilm
from reader.service import InboxError, Service
from reader.store import open_db

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
GROKKING = "2603.01234"  # the feed's paper closest to the grokking seeds the user liked
DOUBLE_DESCENT = "2603.01301"
VISION = "2603.00877"


@pytest.fixture
def service(db_path: Path, server: ArxivServer) -> Iterator[Service]:
    svc = Service(open_db(db_path), clock=lambda: NOW, tz=UTC)
    svc.seed()
    svc.inbox.add(svc.inbox.subscriptions_from(["cs.LG", "stat.ML"]))
    server.feeds["cs.LG+stat.ML"] = [Reply(body=data("arxiv_announce.xml"))]
    yield svc
    svc.close()


def like_grokking(svc: Service) -> None:
    for paper in svc.search("grokking"):
        if paper.arxiv_id != GROKKING:
            svc.rate(paper.id, 5)


def test_headline_counts_the_days_papers_and_the_picks(service: Service) -> None:
    service.inbox.fetch()
    like_grokking(service)

    day = service.inbox.day()

    assert day.day == "2026-03-03"
    # new and cross listings; the two replacements are not news
    assert len(day.arrivals) == 3
    assert day.arrivals[0].paper.arxiv_id == GROKKING
    assert day.arrivals[0].for_you and day.arrivals[0].reason.startswith('Like "')
    assert day.headline == f"New today in cs.LG, stat.ML: 3 papers, {len(day.picks)} for you"


def test_the_inbox_reads_its_best_arrivals_closely_once(service: Service) -> None:
    service.inbox.fetch()
    like_grokking(service)
    calls: list[tuple[int, int | None]] = []

    day = service.inbox_day(progress=lambda done, total: calls.append((done, total)))

    arrived = [a.paper.id for a in day.arrivals]
    kept = service.store.suggestions.paper_vectors(arrived, minilm.MODEL)
    assert set(kept) == set(arrived)  # three arrivals: all in the pool, all read
    assert calls and calls[-1][0] == calls[-1][1]
    assert day.arrivals[0].paper.arxiv_id == GROKKING and day.arrivals[0].for_you
    flags = [a.for_you for a in day.arrivals]
    assert flags == sorted(flags, reverse=True)  # the picks lead the day's list
    calls.clear()
    again = service.inbox_day(progress=lambda done, total: calls.append((done, total)))
    assert calls == []  # read once, kept
    assert [a.paper.id for a in again.arrivals] == arrived


def test_today_leads_with_the_arrivals_picks(service: Service) -> None:
    service.inbox.fetch()
    like_grokking(service)

    today = service.today()

    assert today.headline is not None and today.headline.startswith("New today in cs.LG")
    assert today.from_arrivals >= 1
    assert today.suggestions[0].paper.arxiv_id == GROKKING
    assert [s.rank for s in today.suggestions] == list(range(1, len(today.suggestions) + 1))
    ids = [s.paper.id for s in today.suggestions]
    assert len(ids) == len(set(ids))  # a pick is not repeated among the other suggestions


def test_today_without_arrivals_is_the_usual_list(service: Service) -> None:
    like_grokking(service)
    today = service.today()
    assert today.headline is None and today.from_arrivals == 0
    assert today.suggestions  # the seeds' own suggestions


def test_triage_empties_the_inbox_and_lands_in_the_database(
    service: Service, db_path: Path
) -> None:
    service.inbox.fetch()
    service.inbox.triage(GROKKING, "queue")
    service.inbox.triage(VISION, "not-for-me")

    day = service.inbox.day()
    assert [a.paper.arxiv_id for a in day.waiting] == [DOUBLE_DESCENT]
    assert service.paper(GROKKING).status is Status.QUEUED

    assert service.inbox.skip_rest() == 1
    assert service.inbox.day().waiting == []

    check = open_db(db_path)
    try:
        rows = check.conn.query(
            "SELECT p.arxiv_id, a.triage FROM arrivals a JOIN papers p ON p.id = a.paper_id "
            "WHERE a.announce_type IN ('new', 'cross') ORDER BY p.arxiv_id"
        )
        assert [(r["arxiv_id"], r["triage"]) for r in rows] == [
            (VISION, "not_for_me"),
            (GROKKING, "queued"),
            (DOUBLE_DESCENT, "skipped"),
        ]
        vision = check.papers.resolve_id(VISION)
        assert vision in check.suggestions.feedback(now=NOW).not_for_me
    finally:
        check.close()


def test_the_inbox_lists_only_papers_new_to_the_user(service: Service, db_path: Path) -> None:
    """A paper already read was an arrival ranked "like" itself, and queueing it from the
    inbox set it back to queued and lost its re-read; one dismissed on one day came back
    waiting when another day listed it again; replacements cross-listed were listed."""
    service.inbox.fetch()
    service.set_status(GROKKING, "read")
    day = service.inbox.day()
    assert GROKKING not in [a.paper.arxiv_id for a in day.arrivals]
    service.inbox.triage(GROKKING, "queue")  # from the shell, say: the status stays
    assert service.paper(GROKKING).status is Status.READ
    service.inbox.triage(VISION, "not-for-me")
    # The same papers listed again on a later day, one as a cross-list, one replaced:
    check = open_db(db_path)
    try:
        with check.conn.write() as conn:
            conn.execute(
                "INSERT INTO arrivals (paper_id, day, source, announce_type, version,"
                " categories, already_known, fetched_at) SELECT paper_id, '2026-03-05',"
                " source, 'cross', version, categories, 1, fetched_at FROM arrivals"
                " WHERE day = '2026-03-03'"
            )
            conn.execute(
                "INSERT INTO arrivals (paper_id, day, source, announce_type, version,"
                " categories, already_known, fetched_at) SELECT paper_id, '2026-03-06',"
                " source, 'replace-cross', 2, categories, 1, fetched_at FROM arrivals"
                " WHERE day = '2026-03-03'"
            )
    finally:
        check.close()
    later = service.inbox.day("2026-03-05")
    decided = {a.paper.arxiv_id: a.triage for a in later.arrivals}
    assert GROKKING not in decided and decided[VISION] == "not_for_me"
    assert [a.paper.arxiv_id for a in later.waiting] == [
        a.paper.arxiv_id for a in later.arrivals if a.triage is None
    ]
    assert service.inbox.skip_rest(day="2026-03-05") == len(later.waiting)
    assert service.inbox.day("2026-03-06").arrivals == []  # new versions, not new papers


def test_triage_refuses_a_paper_that_did_not_arrive(service: Service) -> None:
    service.inbox.fetch()
    seed = service.papers(limit=1)[0]
    with pytest.raises(InboxError, match=f"paper {seed.id} did not arrive on 2026-03-03"):
        service.inbox.triage(seed.id, "skip")
    with pytest.raises(InboxError, match="unknown action 'later'"):
        service.inbox.triage(GROKKING, "later")
    assert len(service.inbox.day().waiting) == 3


@pytest.mark.parametrize(
    ("stored", "found", "same"),
    [
        ("Attention is all you need.", "Attention Is All You Need", True),
        ("Deep Residual Learning for Image Recognitoin",
         "Deep Residual Learning for Image Recognition", True),
        ("Language Models are Few-Shot Learners (GPT-2)",
         "Language Models are Few-Shot Learners (GPT-3)", False),
        ("The Large N limit of superconformal field theories",
         "The Large N Limit of Superconformal field theories and supergravity", False),
        ("", "Anything", False),
        # Parts of a series, and a reply that denies what the paper claims: not one title.
        ("The genetical evolution of social behaviour. I",
         "The genetical evolution of social behaviour. II", False),
        ("Deep learning, part one", "Deep learning, part two", False),
        ("A simple dependence between protein evolution rate and the number of interactions",
         "No simple dependence between protein evolution rate and the number of interactions",
         False),
        ("Information Theory, Inference, and Learning Algorithms",
         "Information Theory, Inference & Learning Algorithms", True),
    ],
)  # fmt: skip
def test_near_exact_title(stored: str, found: str, same: bool) -> None:
    from reader.match import near_exact_title

    assert near_exact_title(stored, found) is same


@pytest.mark.parametrize(
    ("now", "announced"),
    [
        # Tuesday 10:00 UTC: Monday 20:00 EST = Tuesday 01:00 UTC
        (datetime(2026, 3, 3, 10, 0, tzinfo=UTC), datetime(2026, 3, 3, 1, 0, tzinfo=UTC)),
        # Saturday: the last one was Thursday evening (Friday 01:00 UTC)
        (datetime(2026, 3, 7, 12, 0, tzinfo=UTC), datetime(2026, 3, 6, 1, 0, tzinfo=UTC)),
        # Monday 00:30 UTC = Sunday 19:30 EST: not yet; still Thursday's
        (datetime(2026, 3, 2, 0, 30, tzinfo=UTC), datetime(2026, 2, 27, 1, 0, tzinfo=UTC)),
        # summer time: 20:00 EDT = 00:00 UTC
        (datetime(2026, 7, 8, 0, 0, tzinfo=UTC), datetime(2026, 7, 8, 0, 0, tzinfo=UTC)),
    ],
)
def test_latest_announcement(now: datetime, announced: datetime) -> None:
    from reader.harvest.plan import latest_announcement

    assert latest_announcement(now) == announced


def test_fetch_is_due_once_per_announcement(service: Service) -> None:
    assert service.inbox.fetch_due()  # followed, never fetched
    service.inbox.fetch()
    assert not service.inbox.fetch_due()  # fetched at 10:00 after Monday's 20:00 EST
    assert service.inbox.category_name("cs.LG") == "Machine Learning"
