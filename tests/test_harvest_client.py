"""The harvest client against a local server serving arXiv's recorded answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from arxiv_server import ArxivServer
from http_helpers import FakeTime, Reply, closed_port, data, running

from reader.harvest.client import ArxivClient, HarvestConfig, HarvestError
from reader.harvest.plan import OaiRequest, SearchRequest, Subscription
from reader.net import RateLimiter


@pytest.fixture
def server() -> Iterator[ArxivServer]:
    with running(ArxivServer()) as srv:
        yield srv


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture
def client(server: ArxivServer, fake: FakeTime) -> ArxivClient:
    server.clock = fake.clock
    return ArxivClient(
        server.config(), limiter=RateLimiter(3.0, clock=fake.clock, sleep=fake.sleep)
    )


def test_feed_for_all_categories_in_one_request(server: ArxivServer, client: ArxivClient) -> None:
    server.feeds["cs.LG+stat.ML"] = [Reply(body=data("arxiv_announce.xml"))]

    feed = client.announcements(["cs.LG", "stat.ML"])

    assert len(feed.announcements) == 5
    assert [s.path for s in server.seen] == ["/atom/cs.LG+stat.ML"]
    assert server.seen[0].user_agent.startswith("reader/")


def test_weekend_feed_is_empty(server: ArxivServer, client: ArxivClient) -> None:
    assert client.announcements(["cs.LG"]).announcements == ()


def test_malformed_feed_is_one_clear_line(server: ArxivServer, client: ArxivClient) -> None:
    server.feeds["cs.LG"] = [Reply(body=data("arxiv_announce.xml")[:2500])]

    with pytest.raises(HarvestError, match=r"^arXiv feed cs\.LG: answer is not valid XML \(line"):
        client.announcements(["cs.LG"])


def test_feed_503_with_retry_after_is_retried(
    server: ArxivServer, client: ArxivClient, fake: FakeTime
) -> None:
    server.feeds["cs.LG"] = [
        Reply(503, b"busy", "text/plain", headers={"Retry-After": "10"}),
        Reply(body=data("arxiv_announce.xml")),
    ]

    assert len(client.announcements(["cs.LG"]).announcements) == 5
    assert fake.sleeps == [10.0]


def test_oai_listing_follows_the_resumption_token(
    server: ArxivServer, client: ArxivClient, fake: FakeTime
) -> None:
    server.oai["cs:cs:LG"] = Reply(body=data("oai_page1.xml"))
    server.oai["7261928|1001"] = Reply(body=data("oai_page2.xml"))
    request = OaiRequest("cs:cs:LG", date(2026, 2, 27), date(2026, 3, 3))

    pages = list(client.oai_pages(request))

    assert [len(page.records) for page, _ in pages] == [2, 1]
    assert [following.token if following else None for _, following in pages] == [
        "7261928|1001",
        None,
    ]
    first, second = server.seen
    assert first.query == {
        "verb": ["ListRecords"],
        "metadataPrefix": ["arXiv"],
        "set": ["cs:cs:LG"],
        "from": ["2026-02-27"],
        "until": ["2026-03-03"],
    }
    assert second.query == {"verb": ["ListRecords"], "resumptionToken": ["7261928|1001"]}
    assert second.at is not None and first.at is not None and second.at - first.at >= 3.0


def test_oai_listing_is_capped_and_says_where_to_resume(
    server: ArxivServer, fake: FakeTime
) -> None:
    server.oai["cs:cs:LG"] = Reply(body=data("oai_page1.xml"))
    limiter = RateLimiter(3.0, clock=fake.clock, sleep=fake.sleep)
    client = ArxivClient(server.config(max_oai_pages=1), limiter=limiter)

    ((page, following),) = list(
        client.oai_pages(OaiRequest("cs:cs:LG", date(2026, 2, 27), date(2026, 3, 3)))
    )

    assert following is not None and following.token == "7261928|1001"
    assert len(server.seen) == 1


def test_an_expired_token_starts_the_listing_again(
    server: ArxivServer, client: ArxivClient
) -> None:
    """A saved token that expired was asked for at every fetch, and the missed days were
    never caught up: the listing starts again from its dates."""
    server.oai["old"] = Reply(body=data("oai_bad_token.xml"))
    server.oai["cs:cs:LG"] = Reply(body=data("oai_page1.xml"))
    request = OaiRequest("cs:cs:LG", date(2026, 2, 27), date(2026, 3, 3), token="old")

    page = client.oai_page(request)

    assert page.records and page.token == "7261928|1001"
    asked = [s.query for s in server.seen if s.path == "/oai"]
    assert asked[0] == {"verb": ["ListRecords"], "resumptionToken": ["old"]}
    assert asked[1]["set"] == ["cs:cs:LG"] and asked[1]["from"] == ["2026-02-27"]


def test_an_oai_error_is_one_line(server: ArxivServer, client: ArxivClient) -> None:
    server.oai["cs:cs:LG"] = Reply(body=data("oai_bad_token.xml"))
    request = OaiRequest("cs:cs:LG", date(2026, 2, 27), date(2026, 3, 3))

    with pytest.raises(
        HarvestError, match=r"^arXiv OAI-PMH cs:cs:LG: OAI-PMH error badResumptionToken"
    ):
        client.oai_page(request)


def test_search_goes_to_the_query_api_newest_first(
    server: ArxivServer, client: ArxivClient
) -> None:
    query = '(au:"Ashish Vaswani") AND submittedDate:[202602250000 TO 202603042359]'
    server.api[query] = Reply(body=data("arxiv_batch.xml"))
    request = SearchRequest(Subscription("author", "Vaswani, Ashish"), query, 25)

    records = client.search(request)

    assert records[0].title == "Attention Is All You Need"
    (seen,) = server.seen
    assert seen.query["sortBy"] == ["submittedDate"]
    assert seen.query["sortOrder"] == ["descending"]
    assert seen.query["max_results"] == ["25"]


@pytest.mark.parametrize("status", [400, 200])
def test_search_api_error_feed_says_what_was_wrong(
    server: ArxivServer, client: ArxivClient, status: int
) -> None:
    server.api["bad"] = Reply(status, data("arxiv_error.xml"))

    with pytest.raises(HarvestError) as info:
        client.search(SearchRequest(Subscription("query", "bad"), "bad", 10))

    assert str(info.value) == ("arXiv search 'bad': API error: incorrect id format for 1234.12345x")
    assert info.value.kind == "bad_input"


def test_search_server_error_is_one_line(server: ArxivServer, client: ArxivClient) -> None:
    server.api["q"] = Reply(500, b"<html>oops</html>", "text/html")

    with pytest.raises(HarvestError, match=r"^arXiv search 'q': HTTP 500 Internal Server Error$"):
        client.search(SearchRequest(Subscription("query", "q"), "q", 10))


def test_unreachable_server_is_one_line() -> None:
    port = closed_port()
    config = HarvestConfig(rss=f"http://127.0.0.1:{port}", timeout=2.0)

    with pytest.raises(HarvestError) as info:
        ArxivClient(config, limiter=RateLimiter(0.0)).announcements(["cs.LG"])

    assert (
        str(info.value) == f"arXiv feed cs.LG: cannot reach 127.0.0.1:{port} (connection refused)"
    )
    assert info.value.kind == "network"


def test_config_from_env() -> None:
    config = HarvestConfig.from_env(
        {
            "READER_ARXIV_RSS": "http://127.0.0.1:9/",
            "READER_ARXIV_OAI": "http://127.0.0.1:9/oai",
            "READER_ARXIV_API": " ",
        }
    )

    assert (config.rss, config.oai, config.api) == (
        "http://127.0.0.1:9",
        "http://127.0.0.1:9/oai",
        "https://export.arxiv.org/api/query",
    )
    assert HarvestConfig.from_env({}) == HarvestConfig()
