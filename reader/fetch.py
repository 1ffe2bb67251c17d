"""Fetch paper metadata for ``reader add``: the arXiv API (Atom) and Crossref (JSON).

It stays thin: build a URL, send it through :class:`reader.net.HttpClient` (timeout,
User-Agent, Retry-After; arXiv calls wait at the one arXiv limiter), turn every failure
into a one-line :class:`FetchError`, and hand the body to the pure parsers in
:mod:`reader.parse.atom` and :mod:`reader.parse.crossref`. Base URLs come from
:class:`FetchConfig`, so tests and users can point it at another server
(``READER_ARXIV_API``, ``READER_CROSSREF_API``).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, urlencode

from reader.ids import normalize_arxiv_id, normalize_doi
from reader.models import PaperRecord
from reader.net import (
    ARXIV_MIN_INTERVAL,
    DEFAULT_USER_AGENT,
    FailureKind,
    HttpClient,
    HttpFailure,
    RateLimiter,
    RequestError,
    arxiv_limiter,
)
from reader.parse.atom import ArxivApiError, AtomError, parse_arxiv_feed
from reader.parse.crossref import CrossrefError, parse_crossref_work

__all__ = ["FetchConfig", "FetchError", "Fetcher", "classify"]

# arXiv registers DOIs for its preprints with DataCite, so Crossref does not know them;
# they are fetched from arXiv instead.
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$")
# Old-style ids once carried a subject class (math.GT/0309136); the API answers with the
# bare archive (math/0309136), so both are compared without it.
_SUBJECT_CLASS = re.compile(r"^([a-z-]+)\.[A-Z]{2}/")

FetchErrorKind = FailureKind


class FetchError(RequestError):
    """Why one paper could not be fetched, as one line for the user.

    ``kind`` lets a caller tell "the service has no such paper" (``not_found``) from
    "we could not ask" (``network``, ``timeout``, ``http``), e.g. to suggest retrying.
    """


@dataclass(frozen=True)
class FetchConfig:
    """Where and how politely to fetch."""

    arxiv_api: str = "https://export.arxiv.org/api/query"
    crossref_api: str = "https://api.crossref.org/works"
    timeout: float = 15.0
    """Seconds to wait for a connection or for the next bytes of an answer."""
    user_agent: str = DEFAULT_USER_AGENT
    min_interval_arxiv: float = ARXIV_MIN_INTERVAL
    """arXiv asks for at least 3 seconds between calls."""
    crossref_mailto: str | None = None
    """Sent to Crossref so it routes us to its "polite" pool and can reach us."""
    arxiv_batch_size: int = 100
    """Ids per arXiv call; larger batches make for very long URLs."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> FetchConfig:
        """Defaults, overridden by ``READER_ARXIV_API``, ``READER_CROSSREF_API`` and
        ``READER_CROSSREF_MAILTO`` from ``environ`` (``os.environ`` if not given)."""
        env = os.environ if environ is None else environ
        config = cls()
        mailto = env.get("READER_CROSSREF_MAILTO", "").strip() or None
        return cls(
            arxiv_api=env.get("READER_ARXIV_API", "").strip() or config.arxiv_api,
            crossref_api=env.get("READER_CROSSREF_API", "").strip() or config.crossref_api,
            crossref_mailto=mailto,
            user_agent=(
                f"{DEFAULT_USER_AGENT[:-1]}; mailto:{mailto})" if mailto else config.user_agent
            ),
        )


def classify(thing: str) -> tuple[Literal["arxiv", "doi"], str] | None:
    """Say whether ``thing`` names an arXiv paper or a DOI, and normalize it.

    Accepts ``2406.12345``, ``2406.12345v2``, ``arXiv:2406.12345``, ``hep-th/9901001``,
    arXiv abs/pdf URLs, ``10.1000/xyz``, ``doi:10.1000/xyz`` and doi.org URLs. An arXiv
    DOI (``10.48550/arXiv.2406.12345``) counts as arXiv. Returns None for anything else.
    """
    arxiv_id = normalize_arxiv_id(thing)
    if arxiv_id is not None:
        return "arxiv", arxiv_id
    doi = normalize_doi(thing)
    if doi is None:
        return None
    match = _ARXIV_DOI.match(doi)
    if match and (arxiv_id := normalize_arxiv_id(match.group(1))) is not None:
        return "arxiv", arxiv_id
    return "doi", doi


class Fetcher:
    """Fetches metadata, one paper's failure never stopping the others.

    arXiv calls wait their turn at ``limiter``: by default the process's one arXiv
    limiter (:func:`reader.net.arxiv_limiter`). Given ``sleep`` or ``clock`` (tests), or
    a config with another interval, the fetcher gets a limiter of its own built on them.
    """

    def __init__(
        self,
        config: FetchConfig,
        *,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        limiter: RateLimiter | None = None,
        http: HttpClient | None = None,
    ) -> None:
        self.config = config
        if limiter is None:
            own = sleep or clock or config.min_interval_arxiv != ARXIV_MIN_INTERVAL
            limiter = (
                RateLimiter(
                    config.min_interval_arxiv,
                    clock=clock or time.monotonic,
                    sleep=sleep or time.sleep,
                )
                if own
                else arxiv_limiter()
            )
        self.limiter = limiter
        self._http = http or HttpClient(
            user_agent=config.user_agent, timeout=config.timeout, sleep=limiter.sleep
        )

    def fetch(self, things: Sequence[str]) -> list[tuple[str, PaperRecord | FetchError]]:
        """Fetch every thing (arXiv id or DOI in any common form), in the order given.

        All arXiv ids go out in batched calls; each DOI is one Crossref call.
        """
        self._http.forget_unreachable()
        kinds = [(thing, classify(thing)) for thing in things]
        arxiv_ids = [c[1] for _, c in kinds if c is not None and c[0] == "arxiv"]
        arxiv = self._arxiv(arxiv_ids) if arxiv_ids else {}
        by_doi: dict[str, PaperRecord | FetchError] = {}
        results: list[tuple[str, PaperRecord | FetchError]] = []
        for thing, kind in kinds:
            if kind is None:
                shown = thing.strip() or "(empty)"
                error = FetchError(f"{shown}: not an arXiv id or a DOI", kind="bad_input")
                results.append((thing, error))
            elif kind[0] == "arxiv":
                results.append((thing, arxiv[kind[1]]))
            else:
                doi = kind[1]
                if doi not in by_doi:
                    try:
                        by_doi[doi] = self._crossref(doi)
                    except FetchError as exc:
                        by_doi[doi] = exc
                results.append((thing, by_doi[doi]))
        return results

    def arxiv(self, ids: Sequence[str]) -> dict[str, PaperRecord | FetchError]:
        """Fetch arXiv papers, keyed by the ids as given (any accepted form).

        Ids are deduplicated and sent in batches of ``arxiv_batch_size``, waiting
        ``min_interval_arxiv`` seconds between calls.
        """
        self._http.forget_unreachable()
        return self._arxiv(ids)

    def crossref(self, doi: str) -> PaperRecord:
        """Fetch one work from Crossref.

        Raises:
            FetchError: not a DOI, not found, the service failed or could not be reached.
        """
        self._http.forget_unreachable()
        return self._crossref(doi)

    def _arxiv(self, ids: Sequence[str]) -> dict[str, PaperRecord | FetchError]:
        found: dict[str, PaperRecord | FetchError] = {}
        keys: dict[str, str] = {}  # id as given -> id as sent
        for given in ids:
            arxiv_id = normalize_arxiv_id(given)
            if arxiv_id is None:
                found[given] = FetchError(f"arXiv {given}: not an arXiv id", kind="bad_input")
            else:
                keys[given] = _SUBJECT_CLASS.sub(r"\1/", arxiv_id)
        unique = list(dict.fromkeys(keys.values()))
        size = max(1, self.config.arxiv_batch_size)
        answers: dict[str, PaperRecord | FetchError] = {}
        for start in range(0, len(unique), size):
            answers.update(self._arxiv_batch(unique[start : start + size]))
        for given, key in keys.items():
            found[given] = answers[key]
        return {given: found[given] for given in ids}

    def _arxiv_batch(self, keys: list[str]) -> dict[str, PaperRecord | FetchError]:
        query = urlencode({"id_list": ",".join(keys), "max_results": len(keys)}, safe=",/")
        url = f"{self.config.arxiv_api}?{query}"
        try:
            body = self._http.get(url, accept="application/atom+xml", limiter=self.limiter)
        except HttpFailure as failure:
            reason, kind = failure.reason, failure.kind
            # A bad request is answered with an error feed that says what was wrong.
            if failure.body:
                try:
                    parse_arxiv_feed(failure.body)
                except ArxivApiError as exc:
                    reason, kind = str(exc), "bad_input"
                except AtomError:
                    pass
            return {key: FetchError(f"arXiv {key}: {reason}", kind=kind) for key in keys}

        try:
            records = parse_arxiv_feed(body)
        except ArxivApiError as exc:
            return {key: FetchError(f"arXiv {key}: {exc}", kind="bad_input") for key in keys}
        except AtomError as exc:
            return {key: FetchError(f"arXiv {key}: {exc}", kind="bad_answer") for key in keys}
        by_key = {_SUBJECT_CLASS.sub(r"\1/", r.arxiv_id or ""): r for r in records}
        return {
            key: by_key.get(key) or FetchError(f"arXiv {key}: not found", kind="not_found")
            for key in keys
        }

    def _crossref(self, doi: str) -> PaperRecord:
        normalized = normalize_doi(doi)
        if normalized is None:
            raise FetchError(f"Crossref {doi.strip()}: not a DOI", kind="bad_input")
        url = f"{self.config.crossref_api.rstrip('/')}/{quote(normalized, safe='/')}"
        if self.config.crossref_mailto:
            url += "?" + urlencode({"mailto": self.config.crossref_mailto})
        try:
            body = self._http.get(url, accept="application/json")
            return parse_crossref_work(body)
        except HttpFailure as failure:
            message = f"Crossref {normalized}: {failure.reason}"
            raise FetchError(message, kind=failure.kind) from None
        except CrossrefError as exc:
            raise FetchError(f"Crossref {normalized}: {exc}", kind="bad_answer") from None
