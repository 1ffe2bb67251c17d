"""A local stand-in for arXiv's three services, serving recorded answers:
``/atom/<cats>`` (announcement feed), ``/oai`` (OAI-PMH) and ``/api/query`` (query API),
and the ``server`` fixture every test of the network uses (registered in conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from http_helpers import LocalServer, Reply, data, running

from reader.harvest.client import HarvestConfig


class ArxivServer(LocalServer):
    def __init__(self) -> None:
        super().__init__()
        self.feeds: dict[str, list[Reply]] = {}
        """By the path's category list (``cs.LG+stat.ML``): replies in turn, the last kept."""
        self.oai: dict[str, Reply] = {}
        """By resumption token, else by set."""
        self.api: dict[str, Reply] = {}
        """By search_query."""
        self.pdfs: dict[str, Reply] = {}
        """By arXiv id (``/pdf/<id>``)."""

    def config(self, **changes: object) -> HarvestConfig:
        return HarvestConfig(
            rss=self.base,
            oai=f"{self.base}/oai",
            api=f"{self.base}/api/query",
            timeout=5.0,
            **changes,  # type: ignore[arg-type]
        )

    def route(self, path: str, query: dict[str, list[str]]) -> Reply:
        if path.startswith("/atom/"):
            replies = self.feeds.get(path.removeprefix("/atom/"))
            if not replies:
                return Reply(body=data("arxiv_announce_weekend.xml"))
            return replies.pop(0) if len(replies) > 1 else replies[0]
        if path == "/oai":
            key = query.get("resumptionToken", query.get("set", [""]))[0]
            return self.oai.get(key, Reply(body=data("oai_no_records.xml")))
        if path == "/api/query":
            key = query.get("search_query", [""])[0]
            return self.api.get(key, Reply(body=data("arxiv_empty.xml")))
        if path.startswith("/pdf/"):
            return self.pdfs.get(path.removeprefix("/pdf/"), Reply(404, b"Not found", "text/plain"))
        return super().route(path, query)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ArxivServer]:
    """A running :class:`ArxivServer`, with reader pointed at it (READER_ARXIV_*)."""
    with running(ArxivServer()) as srv:
        monkeypatch.setenv("READER_ARXIV_RSS", srv.base)
        monkeypatch.setenv("READER_ARXIV_OAI", f"{srv.base}/oai")
        monkeypatch.setenv("READER_ARXIV_API", f"{srv.base}/api/query")
        monkeypatch.setenv("READER_ARXIV_PDF", srv.base)
        yield srv
