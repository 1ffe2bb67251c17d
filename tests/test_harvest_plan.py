"""The harvest planner: which requests a day's harvest makes. Pure, fixed dates."""

from __future__ import annotations

from datetime import date

import pytest

from reader.harvest.plan import (
    FeedRequest,
    OaiRequest,
    SearchRequest,
    Subscription,
    author_query,
    plan_harvest,
)
from reader.harvest.taxonomy import load_taxonomy

TODAY = date(2026, 3, 4)  # a Wednesday
CATS = [Subscription("category", "stat.ML"), Subscription("category", "cs.LG")]


def plan(subs: list[Subscription], last: date | None, **kw: object):  # type: ignore[no-untyped-def]
    return plan_harvest(subs, today=TODAY, last_harvest=last, taxonomy=load_taxonomy(), **kw)


def test_one_feed_request_for_all_categories() -> None:
    result = plan(CATS + [Subscription("category", "cs.LG")], date(2026, 3, 3))

    assert result.feed == FeedRequest(("cs.LG", "stat.ML"))
    assert result.catch_up == ()
    assert result.searches == ()
    assert result.request_count == 1


def test_first_harvest_has_no_catch_up() -> None:
    assert plan(CATS, None).catch_up == ()


def test_harvest_again_the_same_day_still_reads_the_feed() -> None:
    result = plan(CATS, TODAY)

    assert result.feed == FeedRequest(("cs.LG", "stat.ML"))
    assert result.catch_up == ()


def test_missed_days_are_caught_up_per_set_from_the_last_harvest() -> None:
    result = plan(CATS, date(2026, 2, 27))

    assert result.catch_up == (
        OaiRequest("cs:cs:LG", date(2026, 2, 27), date(2026, 3, 3)),
        OaiRequest("stat:stat:ML", date(2026, 2, 27), date(2026, 3, 3)),
    )


def test_catch_up_reaches_back_at_most_the_cap() -> None:
    result = plan(CATS[:1], date(2025, 12, 1), max_catchup_days=5)

    assert result.catch_up == (OaiRequest("stat:stat:ML", date(2026, 2, 27), date(2026, 3, 3)),)


def test_an_interrupted_catch_up_resumes_with_its_token() -> None:
    result = plan(CATS, TODAY, resume={"cs:cs:LG": "7261928|1001", "math:math:ST": "x"})

    # Only the subscribed sets; a token for a set no longer followed is dropped.
    assert [(r.set_spec, r.token) for r in result.catch_up] == [("cs:cs:LG", "7261928|1001")]


def test_categories_in_one_archive_share_nothing_but_the_feed() -> None:
    subs = [Subscription("category", c) for c in ("cs.LG", "cs.CV", "cs.CL")]

    result = plan(subs, date(2026, 3, 1))

    assert result.feed == FeedRequest(("cs.CL", "cs.CV", "cs.LG"))
    assert [r.set_spec for r in result.catch_up] == ["cs:cs:CL", "cs:cs:CV", "cs:cs:LG"]


def test_searches_and_authors_since_the_last_harvest() -> None:
    subs = [
        Subscription("query", 'ti:grokking OR abs:"double descent"'),
        Subscription("author", "Jacot, Arthur"),
    ]

    result = plan(subs, date(2026, 3, 2), max_search_results=50)

    assert result.feed is None
    assert result.searches == (
        SearchRequest(
            subs[0],
            '(ti:grokking OR abs:"double descent") AND '
            "submittedDate:[202603020000 TO 202603042359]",
            50,
        ),
        SearchRequest(
            subs[1], '(au:"Arthur Jacot") AND submittedDate:[202603020000 TO 202603042359]', 50
        ),
    )


def test_first_search_looks_back_the_cap() -> None:
    (search,) = plan([Subscription("author", "Arthur Jacot")], None, max_catchup_days=7).searches

    assert search.search_query.endswith("submittedDate:[202602250000 TO 202603042359]")


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("Jacot, Arthur", 'au:"Arthur Jacot"'),
        ("Arthur  Jacot", 'au:"Arthur Jacot"'),
        ('Del "Maestro", A.', 'au:"A. Del Maestro"'),
        ("Hinton", 'au:"Hinton"'),
    ],
)
def test_author_query(name: str, query: str) -> None:
    assert author_query(name) == query
