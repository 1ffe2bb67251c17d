"""HTTP GET for every network call the app makes, and the one arXiv rate limiter.

arXiv's terms for its APIs (query API, OAI-PMH, the announcement feeds): at most one
request every 3 seconds, one connection at a time, a User-Agent that names the program,
and a 503/429 with ``Retry-After`` means "wait that long, then ask again". Every arXiv
request in the app goes through :func:`arxiv_limiter` (one object per process), so a
``reader add`` and a ``reader fetch`` in the same process cannot break those rules
together. The clock and sleep are injectable, so tests check the spacing without waiting.
"""

from __future__ import annotations

import email.utils
import http.client
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

__all__ = [
    "ARXIV_MIN_INTERVAL",
    "DEFAULT_USER_AGENT",
    "MAX_BODY_BYTES",
    "FailureKind",
    "RequestError",
    "HttpClient",
    "HttpFailure",
    "RateLimiter",
    "arxiv_limiter",
    "retry_after_seconds",
]

DEFAULT_USER_AGENT = "reader/0.1 (reading-list recommender; python-urllib)"
ARXIV_MIN_INTERVAL = 3.0
"""Seconds between two arXiv requests, as arXiv's terms of use ask."""
MAX_BODY_BYTES = 64 * 1024 * 1024
"""Refuse answers larger than this (a day's feed of a big archive is a few MB)."""

FailureKind = Literal["bad_input", "not_found", "http", "network", "timeout", "bad_answer"]


class RequestError(Exception):
    """Why something could not be fetched, as one line for the user; ``kind`` tells "no
    such thing" (``not_found``) from "we could not ask" (``network``, ``timeout``, ``http``)."""

    def __init__(self, message: str, *, kind: FailureKind = "http") -> None:
        super().__init__(message)
        self.kind: FailureKind = kind


class HttpFailure(Exception):
    """A failed request: ``reason`` is one line for a user; ``body`` the error page, if any."""

    def __init__(self, reason: str, kind: FailureKind, body: bytes = b"") -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind: FailureKind = kind
        self.body = body


class RateLimiter:
    """At most one request per ``min_interval`` seconds, one at a time.

    ``slot()`` holds a lock for the whole request (one connection at a time, across
    threads) and first waits for what is left of the interval since the previous
    request ended. A failed request counts like any other.
    """

    def __init__(
        self,
        min_interval: float = ARXIV_MIN_INTERVAL,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.min_interval = min_interval
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        self._last: float | None = None

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._lock:
            self._wait_for_interval()
            try:
                yield
            finally:
                self._last = self.clock()

    def pause(self, seconds: float) -> None:
        """Wait ``seconds`` (a server's Retry-After) and at least the interval; call it
        inside :meth:`slot`, so no other request slips in meanwhile."""
        self._last = self.clock()
        self.sleep(max(seconds, self.min_interval))
        self._last = None  # the wait just done covers the interval

    def _wait_for_interval(self) -> None:
        if self._last is None:
            return
        wait = self.min_interval - (self.clock() - self._last)
        if wait > 0:
            self.sleep(wait)


_ARXIV_LIMITER: RateLimiter | None = None
_ARXIV_LIMITER_LOCK = threading.Lock()


def arxiv_limiter() -> RateLimiter:
    """The process's one limiter for arXiv (query API, OAI-PMH, announcement feeds)."""
    global _ARXIV_LIMITER
    with _ARXIV_LIMITER_LOCK:
        if _ARXIV_LIMITER is None:
            _ARXIV_LIMITER = RateLimiter(ARXIV_MIN_INTERVAL)
        return _ARXIV_LIMITER


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """A ``Retry-After`` header as seconds from now: delta-seconds or an HTTP date.

    Returns None when absent or unreadable; a date in the past gives 0.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class HttpClient:
    """GET with a timeout and a User-Agent; every failure becomes one :class:`HttpFailure`.

    A 503 or 429 that carries ``Retry-After`` is retried after that wait, at most
    ``max_retries`` times and only when the wait is at most ``max_retry_wait`` seconds
    (longer than that, the user is better told). A host that cannot be reached is
    remembered until :meth:`forget_unreachable`, so a list of twenty papers with the
    network down fails once per host, not twenty times.
    """

    def __init__(
        self,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = 15.0,
        max_retries: int = 3,
        max_retry_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self._sleep = sleep
        self._unreachable: dict[str, str] = {}

    def forget_unreachable(self) -> None:
        self._unreachable.clear()

    def get(self, url: str, *, accept: str, limiter: RateLimiter | None = None) -> bytes:
        """GET ``url`` and return the body, or raise :class:`HttpFailure`.

        With a ``limiter``, the request (and its retries) waits its turn there.
        """
        if limiter is None:
            return self._get_with_retries(url, accept, self._sleep)
        with limiter.slot():
            return self._get_with_retries(url, accept, limiter.pause)

    def _get_with_retries(self, url: str, accept: str, pause: Callable[[float], None]) -> bytes:
        attempt = 0
        while True:
            try:
                return self._get_once(url, accept)
            except _Retry as retry:
                if attempt >= self.max_retries or retry.wait > self.max_retry_wait:
                    raise retry.failure from None
                attempt += 1
                pause(retry.wait)

    def _get_once(self, url: str, accept: str) -> bytes:
        host = urlsplit(url).netloc
        if host in self._unreachable:
            raise HttpFailure(self._unreachable[host], "network")
        request = Request(url, headers={"User-Agent": self.user_agent, "Accept": accept})
        timeout = self.timeout
        try:
            with urlopen(request, timeout=timeout) as response:
                body = _read_by(response, time.monotonic() + ANSWER_S_PER_TIMEOUT * timeout)
                if body is None:
                    raise HttpFailure(
                        f"{host} did not finish answering within "
                        f"{ANSWER_S_PER_TIMEOUT * timeout:g} s (it sent too slowly)",
                        "timeout",
                    )
        except HTTPError as exc:
            with exc:
                try:
                    error_body = exc.read(MAX_BODY_BYTES)
                except (OSError, http.client.HTTPException):
                    error_body = b""
            reason, kind = _http_reason(exc.code, exc.reason)
            wait = retry_after_seconds(exc.headers.get("Retry-After")) if exc.headers else None
            if exc.code in (429, 503) and wait is not None:
                failure = HttpFailure(f"{reason} (asked to retry after {wait:g} s)", kind)
                raise _Retry(failure, wait) from None
            raise HttpFailure(reason, kind, body=error_body) from None
        except URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise HttpFailure(_timeout_reason(host, timeout), "timeout") from None
            reason = f"cannot reach {host} ({_network_hint(exc.reason)})"
            self._unreachable[host] = reason
            raise HttpFailure(reason, "network") from None
        except TimeoutError:
            raise HttpFailure(_timeout_reason(host, timeout), "timeout") from None
        except (OSError, http.client.HTTPException) as exc:
            reason = f"connection to {host} broke off ({type(exc).__name__})"
            raise HttpFailure(reason, "network") from None
        if len(body) > MAX_BODY_BYTES:
            raise HttpFailure(f"answer from {host} is too large", "bad_answer")
        return body


ANSWER_S_PER_TIMEOUT = 4
"""A whole answer must arrive within this many timeouts: the timeout bounds each read, and
a server sending a few bytes at a time held `reader fetch` (and quitting the app, which
waits for it) for nine minutes."""
_CHUNK = 1 << 16


def _read_by(response: Any, deadline: float) -> bytes | None:
    """The body (at most ``MAX_BODY_BYTES`` + 1 bytes), or None when it is still coming
    at ``deadline`` (``time.monotonic``)."""
    parts: list[bytes] = []
    size = 0
    while size <= MAX_BODY_BYTES:
        # read1: what has come so far; read(n) would wait for all n bytes.
        part = response.read1(min(_CHUNK, MAX_BODY_BYTES + 1 - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
        if time.monotonic() > deadline:
            return None
    return b"".join(parts)


class _Retry(Exception):
    def __init__(self, failure: HttpFailure, wait: float) -> None:
        super().__init__(failure.reason)
        self.failure = failure
        self.wait = wait


def _http_reason(code: int, phrase: object) -> tuple[str, FailureKind]:
    if code == 404:
        return "not found (HTTP 404)", "not_found"
    if code == 429:
        return "HTTP 429: too many requests, try again later", "http"
    phrase = str(phrase or "").strip()
    return (f"HTTP {code} {phrase}" if phrase else f"HTTP {code}"), "http"


def _timeout_reason(host: str, timeout: float) -> str:
    return f"{host} did not answer within {timeout:g} s (timed out)"


def _network_hint(reason: object) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error: {reason}"
    # Name resolution failures (socket.gaierror) and unreachable networks alike.
    return "no network?"
