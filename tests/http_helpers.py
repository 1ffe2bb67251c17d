"""A real HTTP server on 127.0.0.1 (port 0, in a thread) that serves recorded answers and
records every request, for tests of code that talks to the network: nothing is patched,
the code under test sends real requests over a real socket.

Subclass :class:`LocalServer` and override :meth:`LocalServer.route` to say which
recorded answer a request gets; :func:`running` starts and stops one.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qs, urlsplit

DATA = Path(__file__).parent / "data"


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/atom+xml; charset=utf-8"
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    trickle: float = 0.0
    """Seconds between pieces of 16 bytes of the body (0: all at once)."""


@dataclass
class Seen:
    path: str
    query: dict[str, list[str]]
    user_agent: str
    at: float | None = None
    """The test's fake clock when the request arrived (None without one)."""


class LocalServer(ThreadingHTTPServer):
    """Answers GETs with :meth:`route`'s reply and records each request in ``seen``."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: list[Seen] = []
        self.clock: Callable[[], float] | None = None
        """Set by a test to stamp each request with its fake time."""
        self.release = threading.Event()
        """Set on shutdown so slow replies stop waiting."""

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, path: str, query: dict[str, list[str]]) -> Reply:
        return Reply(404, b"Not found", "text/plain")

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that timed out hangs up on the slow reply; that is the point.
        pass


class _Handler(BaseHTTPRequestHandler):
    server: LocalServer

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        query = parse_qs(split.query)
        at = self.server.clock() if self.server.clock else None
        agent = self.headers.get("User-Agent", "")
        self.server.seen.append(Seen(split.path, query, agent, at))
        reply = self.server.route(split.path, query)
        if reply.delay:
            self.server.release.wait(reply.delay)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if not reply.trickle:
                self.wfile.write(reply.body)
            for start in range(0, len(reply.body), 16) if reply.trickle else ():
                self.wfile.write(reply.body[start : start + 16])
                self.wfile.flush()
                if self.server.release.wait(reply.trickle):
                    return
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


S = TypeVar("S", bound=LocalServer)


@contextmanager
def running(server: S) -> Iterator[S]:
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class FakeTime:
    """A clock that only moves when slept on or advanced, recording every sleep."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
