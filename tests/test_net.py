"""The one HTTP client and the arXiv rate limiter, against a real local server; the
limiter's clock is a fake one, so "no two requests within 3 s" is checked without waiting."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from http_helpers import FakeTime, LocalServer, Reply, running

from reader.fetch import FetchConfig, Fetcher
from reader.net import HttpClient, HttpFailure, RateLimiter, arxiv_limiter, retry_after_seconds


class ScriptedServer(LocalServer):
    """Answers each request with the next reply of ``script`` (then 200 "ok")."""

    def __init__(self) -> None:
        super().__init__()
        self.script: list[Reply] = []

    def route(self, path: str, query: dict[str, list[str]]) -> Reply:
        return self.script.pop(0) if self.script else Reply(body=b"ok")


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with running(ScriptedServer()) as srv:
        yield srv


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture
def limiter(fake: FakeTime, server: ScriptedServer) -> RateLimiter:
    server.clock = fake.clock
    return RateLimiter(3.0, clock=fake.clock, sleep=fake.sleep)


def gaps(server: LocalServer) -> list[float]:
    times = [s.at for s in server.seen if s.at is not None]
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def test_no_two_requests_within_three_seconds(
    server: ScriptedServer, limiter: RateLimiter, fake: FakeTime
) -> None:
    client = HttpClient()
    for n in range(4):
        client.get(f"{server.base}/x{n}", accept="text/plain", limiter=limiter)
        fake.now += 0.5 * n  # the caller's own work between requests counts

    assert len(server.seen) == 4
    assert all(gap >= 3.0 for gap in gaps(server)), gaps(server)
    assert fake.sleeps == [3.0, 2.5, 2.0]


def test_user_agent_names_reader(server: ScriptedServer) -> None:
    HttpClient().get(f"{server.base}/x", accept="text/plain")

    assert server.seen[0].user_agent.startswith("reader/")


def test_503_with_retry_after_is_waited_for_then_retried(
    server: ScriptedServer, limiter: RateLimiter, fake: FakeTime
) -> None:
    server.script = [Reply(503, b"busy", "text/plain", headers={"Retry-After": "7"})]

    body = HttpClient().get(f"{server.base}/x", accept="text/plain", limiter=limiter)

    assert body == b"ok"
    assert fake.sleeps == [7.0]
    assert gaps(server) == [7.0]


def test_429_retry_after_shorter_than_the_interval_still_waits_the_interval(
    server: ScriptedServer, limiter: RateLimiter, fake: FakeTime
) -> None:
    server.script = [Reply(429, b"", "text/plain", headers={"Retry-After": "1"})]

    HttpClient().get(f"{server.base}/x", accept="text/plain", limiter=limiter)

    assert fake.sleeps == [3.0]


def test_retries_are_bounded(server: ScriptedServer, limiter: RateLimiter) -> None:
    busy = Reply(503, b"busy", "text/plain", headers={"Retry-After": "5"})
    server.script = [busy, busy, busy]

    with pytest.raises(HttpFailure) as info:
        HttpClient(max_retries=2).get(f"{server.base}/x", accept="text/plain", limiter=limiter)

    assert str(info.value) == "HTTP 503 Service Unavailable (asked to retry after 5 s)"
    assert len(server.seen) == 3


def test_a_retry_after_too_long_is_reported_not_waited(
    server: ScriptedServer, limiter: RateLimiter, fake: FakeTime
) -> None:
    server.script = [Reply(503, b"", "text/plain", headers={"Retry-After": "3600"})]

    with pytest.raises(HttpFailure, match=r"retry after 3600 s"):
        HttpClient().get(f"{server.base}/x", accept="text/plain", limiter=limiter)
    assert fake.sleeps == []


def test_503_without_retry_after_fails_at_once(
    server: ScriptedServer, limiter: RateLimiter
) -> None:
    server.script = [Reply(503, b"", "text/plain")]

    with pytest.raises(HttpFailure, match=r"^HTTP 503 Service Unavailable$"):
        HttpClient().get(f"{server.base}/x", accept="text/plain", limiter=limiter)
    assert len(server.seen) == 1


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("Wed, 02 Dec 2026 10:00:30 GMT", 30.0),
        ("Wed, 02 Dec 2026 09:00:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_header(header: str | None, seconds: float | None) -> None:
    now = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    assert retry_after_seconds(header, now=now) == seconds


def test_an_answer_that_trickles_in_is_given_up_on(server: ScriptedServer) -> None:
    """The timeout bounds each read: a server sending a few bytes at a time held `reader
    fetch`, and the app's quitting, for nine minutes. A whole answer gets four timeouts."""
    import time

    server.script = [Reply(body=b"x" * 4096, trickle=0.05)]  # 256 pieces: 12.8 s in all
    started = time.monotonic()
    with pytest.raises(HttpFailure, match="did not finish answering within 0.8 s") as caught:
        HttpClient(timeout=0.2).get(f"{server.base}/x", accept="text/plain")
    assert caught.value.kind == "timeout"
    assert time.monotonic() - started < 5


def test_one_request_at_a_time_across_threads(server: ScriptedServer) -> None:
    """Two threads share the limiter: the second waits for the first to finish."""
    server.script = [Reply(body=b"slow", delay=0.3)]
    limiter = RateLimiter(0.0)
    client = HttpClient()
    order: list[str] = []

    def call(name: str) -> None:
        client.get(f"{server.base}/{name}", accept="text/plain", limiter=limiter)
        order.append(name)

    first = threading.Thread(target=call, args=("first",))
    first.start()
    while not server.seen:  # the first request is in flight
        pass
    call("second")
    first.join()

    assert order == ["first", "second"]


def test_the_fetcher_uses_the_one_arxiv_limiter_by_default() -> None:
    assert Fetcher(FetchConfig()).limiter is arxiv_limiter()
    assert arxiv_limiter().min_interval == 3.0
