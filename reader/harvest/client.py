"""The arXiv client for harvesting: the announcement feed, OAI-PMH and the query API.

Every request goes through one :class:`~reader.net.HttpClient` and waits its turn at
the process's one arXiv limiter (:func:`reader.net.arxiv_limiter`), so the whole app
keeps to arXiv's terms. Base URLs come from :class:`HarvestConfig` (``READER_ARXIV_RSS``,
``READER_ARXIV_OAI``, ``READER_ARXIV_API``), so tests point it at a local server.
Every failure is one :class:`HarvestError` line; a broken answer yields nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from reader.harvest.plan import OaiRequest, SearchRequest
from reader.models import PaperRecord
from reader.net import (
    DEFAULT_USER_AGENT,
    HttpClient,
    HttpFailure,
    RateLimiter,
    RequestError,
)
from reader.net import arxiv_limiter as shared_arxiv_limiter
from reader.parse.announce import AnnouncementFeed, FeedError, parse_announcements
from reader.parse.atom import ArxivApiError, AtomError, parse_arxiv_feed
from reader.parse.oai import OaiError, OaiPage, parse_oai_page

__all__ = ["ArxivClient", "HarvestConfig", "HarvestError"]


_TITLE_WORD = re.compile(r"\w+")
"""The API reads quotes, colons and parentheses in a query as syntax: only words go in."""


class HarvestError(RequestError):
    """One request of a harvest failed; the message is one line naming the source."""


@dataclass(frozen=True)
class HarvestConfig:
    rss: str = "https://rss.arxiv.org"
    """The announcement feeds: ``{rss}/atom/cs.LG+stat.ML``."""
    oai: str = "https://oaipmh.arxiv.org/oai"
    api: str = "https://export.arxiv.org/api/query"
    timeout: float = 30.0
    user_agent: str = DEFAULT_USER_AGENT
    max_oai_pages: int = 20
    """Pages per OAI-PMH listing in one harvest; the rest waits for the next one."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> HarvestConfig:
        env = os.environ if environ is None else environ
        config = cls()
        return replace(
            config,
            rss=env.get("READER_ARXIV_RSS", "").strip().rstrip("/") or config.rss,
            oai=env.get("READER_ARXIV_OAI", "").strip() or config.oai,
            api=env.get("READER_ARXIV_API", "").strip() or config.api,
        )


class ArxivClient:
    def __init__(
        self,
        config: HarvestConfig,
        *,
        http: HttpClient | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.config = config
        self.limiter = limiter or shared_arxiv_limiter()
        self.http = http or HttpClient(
            user_agent=config.user_agent, timeout=config.timeout, sleep=self.limiter.sleep
        )

    def feed_url(self, categories: Sequence[str]) -> str:
        return f"{self.config.rss.rstrip('/')}/atom/{'+'.join(categories)}"

    def announcements(self, categories: Sequence[str]) -> AnnouncementFeed:
        """The latest announcement day of ``categories``, in one request."""
        label = f"feed {'+'.join(categories)}"
        body = self._get(label, self.feed_url(categories), "application/atom+xml")
        try:
            return parse_announcements(body)
        except FeedError as exc:
            raise HarvestError(f"arXiv {label}: {exc}", kind="bad_answer") from None

    def oai_page(self, request: OaiRequest) -> OaiPage:
        """One page of an OAI-PMH listing (``metadataPrefix=arXiv``)."""
        if request.token:
            params = {"verb": "ListRecords", "resumptionToken": request.token}
        else:
            params = {
                "verb": "ListRecords",
                "metadataPrefix": "arXiv",
                "set": request.set_spec,
                "from": request.from_day.isoformat(),
                "until": request.until_day.isoformat(),
            }
        label = f"OAI-PMH {request.set_spec}"
        url = f"{self.config.oai}?{urlencode(params)}"
        body = self._get(label, url, "text/xml")
        try:
            return parse_oai_page(body)
        except OaiError as exc:
            if request.token and exc.code == "badResumptionToken":
                # A saved token expires (arXiv keeps them for hours): the listing starts
                # again from its dates, whose papers are stored once. Kept, the dead token
                # was asked for at every fetch and the missed days were never caught up.
                return self.oai_page(replace(request, token=None))
            raise HarvestError(f"arXiv {label}: {exc}", kind="bad_answer") from None

    def oai_pages(self, request: OaiRequest) -> Iterator[tuple[OaiPage, OaiRequest | None]]:
        """Pages of a listing, each with the request for the page after it (None at the
        end), at most ``max_oai_pages``: a caller saves that request's token after
        storing a page, so an interrupted or capped listing resumes where it stopped."""
        current: OaiRequest | None = request
        pages = 0
        while current is not None and pages < self.config.max_oai_pages:
            page = self.oai_page(current)
            pages += 1
            following = replace(current, token=page.token) if page.token else None
            yield page, following
            current = following

    def search(self, request: SearchRequest) -> list[PaperRecord]:
        """Papers matching a saved search or author, newest first."""
        params = {
            "search_query": request.search_query,
            "sortBy": "submittedDate",
            "sortOrder": "descending",
            "max_results": str(request.max_results),
        }
        return self._query(f"search {request.subscription.value!r}", params)

    def title_search(self, title: str, *, max_results: int = 5) -> list[PaperRecord]:
        """Papers whose title holds the words of ``title`` as a phrase, best match first
        (the API's relevance order)."""
        words = " ".join(_TITLE_WORD.findall(title))
        if not words:
            return []
        params = {"search_query": f'ti:"{words}"', "max_results": str(max_results)}
        return self._query(f"title search {words[:60]!r}", params)

    def pdf(self, url: str, label: str) -> bytes:
        """A PDF's bytes, through the limiter like every arXiv request.

        Raises:
            HarvestError: the request failed, or the answer is not a PDF (arXiv serves
                an HTML page while a PDF is being built).
        """
        body = self._get(label, url, "application/pdf")
        if not body.startswith(b"%PDF"):
            raise HarvestError(f"arXiv {label}: the answer is not a PDF", kind="bad_answer")
        return body

    def _query(self, label: str, params: dict[str, str]) -> list[PaperRecord]:
        url = f"{self.config.api}?{urlencode(params)}"
        try:
            body = self.http.get(url, accept="application/atom+xml", limiter=self.limiter)
        except HttpFailure as failure:
            # A query the API cannot read is answered with an error feed saying why.
            reason, kind = failure.reason, failure.kind
            try:
                parse_arxiv_feed(failure.body)
            except ArxivApiError as exc:
                reason, kind = str(exc), "bad_input"
            except AtomError:
                pass
            raise HarvestError(f"arXiv {label}: {reason}", kind=kind) from None
        try:
            return parse_arxiv_feed(body)
        except ArxivApiError as exc:
            raise HarvestError(f"arXiv {label}: {exc}", kind="bad_input") from None
        except AtomError as exc:
            raise HarvestError(f"arXiv {label}: {exc}", kind="bad_answer") from None

    def _get(self, label: str, url: str, accept: str) -> bytes:
        try:
            return self.http.get(url, accept=accept, limiter=self.limiter)
        except HttpFailure as failure:
            raise HarvestError(f"arXiv {label}: {failure.reason}", kind=failure.kind) from None
