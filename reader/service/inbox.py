"""The daily arXiv inbox as a use case: follow categories, searches and authors; fetch
the day's announcements (and what was missed) into the library; list a day's arrivals.

:class:`Inbox` works over the :class:`Context`: the feed repository (``store.feeds``), the
library's one insert path (``store.ingest``) and the one update of a stored paper to a
newer version (``store.papers.update_version``); it is handed the arXiv client (which
holds the HTTP client and the app's one arXiv limiter), or builds one from the
environment on first use. Nothing here writes SQL or opens a connection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from reader.harvest.client import ArxivClient, HarvestConfig, HarvestError
from reader.harvest.plan import (
    OaiRequest,
    Subscription,
    author_name,
    latest_announcement,
    plan_harvest,
)
from reader.harvest.taxonomy import Taxonomy, UnknownCategory, load_taxonomy
from reader.models import Announcement, Paper, PaperRecord, Status
from reader.parse.oai import OaiRecord
from reader.store import Arrival, NewArrival, Outcome
from reader.when import local_date

from .context import Context, ServiceError
from .library import Library
from .suggest import Progress as ReadProgress  # (papers read, of how many)
from .suggest import Suggesting, SuggestionView, Today

__all__ = ["ArrivalView", "FetchReport", "Inbox", "InboxDay", "InboxError", "TRIAGE"]

TRIAGE = {"queue": "queued", "not-for-me": "not_for_me", "skip": "skipped"}
"""The inbox's one-key decisions, by the name a user types, and how each is stored."""
RECENT_DAYS = 4
"""Today leads with the latest announcement day's picks while it is this recent (a
weekend and a holiday); older arrivals are only in the inbox."""

Progress = Callable[[str], None]

_SUBMISSION_TO_ANNOUNCEMENT_DAYS = 7
"""How long before its announcement a paper can have been submitted (holidays included)."""


class InboxError(ServiceError):
    """Something the user can fix (a bad category, nothing subscribed); one line."""


class NothingFollowed(InboxError):
    """A fetch with no category, search or author followed."""


@dataclass(frozen=True)
class ArrivalView:
    """One paper of a day's arrivals, placed by the user's taste."""

    paper: Paper
    score: float
    reason: str
    """Why it scores as it does (only for the best few); empty otherwise."""
    for_you: bool
    """One of the day's picks (see :data:`reader.recommend.FOR_YOU_SCORE`)."""
    categories: tuple[str, ...]
    announce_type: str
    triage: str | None
    """queued, not_for_me or skipped; None while it waits."""


@dataclass(frozen=True)
class InboxDay:
    """A day's arrivals, ranked: what ``reader inbox`` and the Inbox screen show."""

    day: str | None
    """The announcement day (ISO), None before anything arrived."""
    today: date
    followed: tuple[str, ...]
    """The followed categories, as arXiv writes them."""
    arrivals: list[ArrivalView]

    @property
    def waiting(self) -> list[ArrivalView]:
        return [a for a in self.arrivals if a.triage is None]

    @property
    def picks(self) -> list[ArrivalView]:
        return [a for a in self.arrivals if a.for_you]

    @property
    def headline(self) -> str:
        """ "New today in cs.LG, stat.ML: 143 papers, 8 for you"."""
        if self.day is None:
            if self.followed:  # followed, and nothing fetched yet (offline, or just added)
                return f"Nothing has arrived yet from {', '.join(self.followed)}"
            return "Nothing has arrived yet: follow a category (cs.LG, say)"
        when = "today" if self.day == self.today.isoformat() else f"on {self.day}"
        where = f" in {', '.join(self.followed)}" if self.followed else ""
        count = len(self.arrivals)
        papers = f"{count} paper{'s' if count != 1 else ''}"
        return f"New {when}{where}: {papers}, {len(self.picks)} for you"


@dataclass
class FetchReport:
    day: date
    """The local date of the fetch."""
    announced: str | None = None
    """The announcement day of the feed, None when it was empty (a weekend)."""
    listed: int = 0
    """Listings read from every source, replacements included."""
    added: int = 0
    """Papers new to the library."""
    arrivals: int = 0
    """Arrivals recorded (a paper already in the library can still arrive)."""
    new_versions: int = 0
    """Stored papers updated to a newer arXiv version."""
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    """One line per source that failed; the other sources still count."""


class Inbox:
    def __init__(
        self,
        ctx: Context,
        suggesting: Suggesting,
        library: Library,
        *,
        client: ArxivClient | None = None,
        taxonomy: Taxonomy | None = None,
        max_catchup_days: int = 7,
        max_search_results: int = 100,
    ) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.feeds = ctx.store.feeds
        self.suggesting = suggesting
        self.library = library
        self._client = client
        self.taxonomy = taxonomy or load_taxonomy()
        self.max_catchup_days = max_catchup_days
        self.max_search_results = max_search_results

    @property
    def client(self) -> ArxivClient:
        """arXiv at the URLs of ``READER_ARXIV_RSS``, ``READER_ARXIV_OAI`` and
        ``READER_ARXIV_API`` (or arXiv's own), read when first needed, through the app's
        one arXiv limiter."""
        if self._client is None:
            self._client = ArxivClient(HarvestConfig.from_env())
        return self._client

    def clock(self) -> datetime:
        return self.ctx.clock()

    def _ingest(self, records: Sequence[PaperRecord]) -> list[tuple[Outcome, int]]:
        return self.store.ingest.ingest(records, now=self.clock())

    # --- subscriptions ---------------------------------------------------------------

    def subscriptions_from(
        self,
        categories: Iterable[str] = (),
        queries: Iterable[str] = (),
        authors: Iterable[str] = (),
    ) -> list[Subscription]:
        """Validated subscriptions: categories as arXiv writes them (``cs.lg`` -> ``cs.LG``).

        Raises:
            InboxError: an unknown category (with suggestions), or an empty search/author.
        """
        subs: list[Subscription] = []
        for code in categories:
            try:
                subs.append(Subscription("category", self.taxonomy.validate(code).code))
            except UnknownCategory as error:
                raise InboxError(str(error)) from None
        for kind, values in (("query", queries), ("author", authors)):
            for value in values:
                text = " ".join(value.split())
                if not text:
                    raise InboxError(f"an empty {kind} cannot be followed")
                if kind == "author":
                    text = author_name(text)
                    if not text:
                        raise InboxError(
                            f"{value.strip()!r} is not a name: give an author like "
                            "'Jacot, Arthur' or 'Arthur Jacot'"
                        )
                subs.append(Subscription(kind, text))  # type: ignore[arg-type]
        return list(dict.fromkeys(subs))

    def add(self, subs: Sequence[Subscription]) -> list[tuple[Subscription, bool]]:
        """Follow each; False for those followed already (an author under another
        spelling too)."""
        spelled = {
            author_name(s.value) for s in self.subscriptions() if s.kind == "author"
        }
        new = [s for s in subs if s.kind != "author" or s.value not in spelled]
        added = dict(zip(new, self.feeds.add_subscriptions(new, now=self.clock()), strict=True))
        return [(s, added.get(s, False)) for s in subs]

    def remove(self, subs: Sequence[Subscription]) -> list[tuple[Subscription, bool]]:
        """Stop following each; False for those not followed. An author followed under
        another spelling (``Jacot, Arthur``, as earlier versions kept it) is the same."""
        spelled = {
            s.value: s
            for s in self.subscriptions()
            if s.kind == "author" and author_name(s.value) != s.value
        }
        stored = [
            next((t for v, t in spelled.items() if author_name(v) == s.value), s)
            if s.kind == "author"
            else s
            for s in subs
        ]
        removed = self.feeds.remove_subscriptions(stored)
        return list(zip(subs, removed, strict=True))

    def subscriptions(self) -> list[Subscription]:
        return self.feeds.subscriptions()

    def describe(self, sub: Subscription) -> str:
        """``cs.LG (Machine Learning)``, ``search: ti:grokking``, ``author: Arthur Jacot``."""
        if sub.kind == "category":
            return f"{sub.value} ({self.taxonomy.name(sub.value)})"
        return f"{sub.kind if sub.kind == 'author' else 'search'}: {sub.value}"

    # --- fetching --------------------------------------------------------------------

    def fetch(self, progress: Progress | None = None) -> FetchReport:
        """Today's announcements of every subscribed category in one request, missed
        days through OAI-PMH, then each saved search and author; into the library.

        A source that fails is reported in ``errors`` and the others still run; the
        harvest date moves on only when every source answered, so a failed catch-up is
        tried again next time. A malformed answer stores nothing of itself.

        Raises:
            InboxError: nothing is followed yet.
        """
        say = progress or _silent
        subs = self.feeds.subscriptions()
        if not subs:
            raise NothingFollowed("nothing to fetch: follow a category first")
        now = self.clock()
        today = now.astimezone(self.ctx.tz).date()
        plan = plan_harvest(
            subs,
            today=today,
            last_harvest=self.feeds.last_harvest(),
            taxonomy=self.taxonomy,
            resume=self.feeds.resumption_tokens(),
            max_catchup_days=self.max_catchup_days,
            max_search_results=self.max_search_results,
        )
        report = FetchReport(day=today)
        followed = {s.value for s in subs if s.kind == "category"}

        if plan.feed is not None:
            cats = "+".join(plan.feed.categories)
            say(f"arXiv feed {cats} ...")
            try:
                feed = self.client.announcements(plan.feed.categories)
            except HarvestError as error:
                report.errors.append(str(error))
            else:
                report.requests += 1
                report.announced = feed.day
                day = feed.day or "nothing announced"
                say(f"arXiv feed {cats}: {len(feed.announcements)} listings ({day})")
                self._store(feed.announcements, "feed", today, report)

        for request in plan.catch_up:
            self._catch_up(request, followed, today, report, say)

        for search in plan.searches:
            say(f"arXiv {self.describe(search.subscription)} ...")
            try:
                records = self.client.search(search)
            except HarvestError as error:
                report.errors.append(str(error))
                continue
            report.requests += 1
            # Filed under the feed's announcement day when there is one: under the local
            # date, a fetch on a US evening put searches on "tomorrow" and the feed today,
            # and `reader inbox` showed half of what the fetch had just said.
            day = report.announced or today.isoformat()
            listed = [Announcement(r, "new", 1, (), day) for r in records]
            self._store(listed, "search", today, report)

        if not report.errors:
            self.feeds.set_last_harvest(today, now=self.clock())
        say(
            f"fetched: {report.added} new papers, {report.arrivals} arrivals, "
            f"{report.new_versions} new versions ({report.requests} requests)"
        )
        return report

    def fetch_due(self) -> bool:
        """Something is followed and arXiv has announced since the last successful fetch
        (so at most once per announcement: once a day on weekdays, never twice on a
        weekend)."""
        if not self.feeds.subscriptions():
            return False
        last = self.feeds.last_fetched_at()
        return last is None or last < latest_announcement(self.clock())

    def category_name(self, code: str) -> str:
        """``cs.LG`` -> ``Machine Learning`` (the code itself when unknown)."""
        return self.taxonomy.name(code)

    def arrivals(self, day: date | str) -> list[Arrival]:
        """What arrived for an announcement day (ISO date or date)."""
        return self.feeds.arrivals(day)

    # --- the day's arrivals, ranked, and triage ---------------------------------------

    def _today(self) -> date:
        return local_date(self.clock(), self.ctx.tz)

    def latest_day(self) -> str | None:
        return self.feeds.latest_day()

    def day(
        self,
        day: date | str | None = None,
        *,
        picks: int | None = None,
        progress: ReadProgress | None = None,
    ) -> InboxDay:
        """The arrivals of ``day`` (default: the latest day anything arrived for), new
        and cross listings only, best first; at most ``picks`` (default: the
        ``suggest.per_day`` setting) are the user's picks. The best arrivals are read
        closely; ``progress`` hears of papers read for the first time."""
        wanted = day.isoformat() if isinstance(day, date) else day or self.feeds.latest_day()
        followed = tuple(s.value for s in self.feeds.subscriptions() if s.kind == "category")
        if wanted is None:
            return InboxDay(None, self._today(), followed, [])
        return self._ranked(wanted, self.feeds.arrivals(wanted), followed, picks, progress)

    def days(
        self,
        first: date,
        last: date,
        *,
        picks: int | None = None,
        progress: ReadProgress | None = None,
    ) -> list[InboxDay]:
        """:meth:`day` for every announcement day from ``first`` to ``last`` that has
        arrivals, oldest first."""
        followed = tuple(s.value for s in self.feeds.subscriptions() if s.kind == "category")
        by_day: dict[str, list[Arrival]] = {}
        for a in self.feeds.arrivals_between(first, last):
            by_day.setdefault(a.day, []).append(a)
        return [self._ranked(d, rows, followed, picks, progress) for d, rows in by_day.items()]

    def _ranked(
        self,
        day: str,
        rows: Sequence[Arrival],
        followed: tuple[str, ...],
        picks: int | None,
        progress: ReadProgress | None,
    ) -> InboxDay:
        listed = self._listed(rows)
        ranked = self.suggesting.rank_papers(list(listed), progress=progress)
        papers = {p.id: p for p in self.store.papers.get_papers([r.paper_id for r in ranked])}
        if picks is None:
            picks = int(self.suggesting.preferences.settings()["suggest.per_day"])
        room = picks
        views = []
        for r in ranked:
            a = listed[r.paper_id]
            pick = r.for_you and a.triage is None and room > 0
            room -= pick
            views.append(
                ArrivalView(
                    papers[r.paper_id], r.score, r.reason, pick, a.categories,
                    a.announce_type, a.triage,
                )
            )  # fmt: skip
        return InboxDay(day, self._today(), followed, views)

    def _listed(self, rows: Sequence[Arrival]) -> dict[int, Arrival]:
        """A day's arrivals as the inbox lists them, one per paper: new and cross listings
        (a replacement, cross-listed or not, is a new version of a paper, not a new one),
        less papers the user has already made theirs (read, reading, queued, dropped or
        rated: a read paper was recommended "like" itself, and queueing it set it back),
        each carrying the decision the user made on the paper on any earlier day (one
        dismissed on Monday came back as waiting when Wednesday cross-listed it)."""
        listed: dict[int, Arrival] = {}
        for a in rows:
            if not a.announce_type.startswith("replace"):
                listed.setdefault(a.paper_id, a)
        papers = self.store.papers.get_papers(list(listed))
        theirs = {p.id for p in papers if p.status is not Status.UNREAD or p.stars}
        decided = self.feeds.decisions([i for i, a in listed.items() if a.triage is None])
        shown: dict[int, Arrival] = {}
        for paper_id, a in listed.items():
            if a.triage is None and paper_id in theirs:
                continue
            earlier = decided.get(paper_id) if a.triage is None else None
            shown[paper_id] = replace(a, triage=earlier) if earlier else a
        return shown

    def triage(self, ref: str | int, action: str, *, day: str | None = None) -> Paper:
        """One decision on a paper of a day's arrivals (default: the latest day):
        ``queue`` puts it in the reading list, ``not-for-me`` dismisses it (and the
        recommender learns from it), ``skip`` only takes it out of the inbox.

        Raises:
            InboxError: an unknown action, or the paper did not arrive that day.
        """
        decision = TRIAGE.get(action)
        if decision is None:
            raise InboxError(f"unknown action {action!r}: use {', '.join(TRIAGE)}")
        paper = self.store.papers.find(ref)
        wanted = day or self.feeds.latest_day()
        if wanted is None or not any(a.paper_id == paper.id for a in self.feeds.arrivals(wanted)):
            raise InboxError(f"paper {paper.id} did not arrive on {wanted or 'any day'}")
        if decision == "queued" and paper.status is Status.UNREAD:
            # Only an unread paper: a read one was set back to queued, its re-read lost.
            paper = self.library.set_status(paper.id, Status.QUEUED)
        elif decision == "not_for_me":
            self.suggesting.dismiss(paper.id)
        self.feeds.set_triage(paper.id, wanted, decision, now=self.clock())
        return paper

    def skip_rest(self, *, day: str | None = None) -> int:
        """Skip every arrival of the day still waiting: the inbox is empty; returns how
        many were skipped."""
        wanted = day or self.feeds.latest_day()
        if wanted is None:
            return 0
        listed = self._listed(self.feeds.arrivals(wanted))  # what the inbox shows waiting
        waiting = {paper_id for paper_id, a in listed.items() if a.triage is None}
        for paper_id in waiting:
            self.feeds.set_triage(paper_id, wanted, "skipped", now=self.clock())
        return len(waiting)

    def today(
        self,
        *,
        refresh: bool = False,
        n: int | None = None,
        progress: Callable[[int, int | None], None] | None = None,
    ) -> Today:
        """Today's list built on arrivals: the picks of the latest announcement day
        (while recent), with their reasons, then the rest of the day's suggestions."""
        base = self.suggesting.today(refresh=refresh, n=n, progress=progress)
        latest = self.feeds.latest_day()
        if latest is None or date.fromisoformat(latest) < self._today() - timedelta(
            days=RECENT_DAYS
        ):
            return base
        view = self.day(latest, picks=n, progress=progress)
        head = [
            SuggestionView(0, a.paper, a.reason or f"New in {_first(a.categories)}", False, a.score)
            for a in view.picks
        ]
        chosen = {v.paper.id for v in head}
        rest = [v for v in base.suggestions if v.paper.id not in chosen]
        listed = [
            SuggestionView(rank, v.paper, v.reason, v.exploration, v.score)
            for rank, v in enumerate(head + rest, start=1)
        ]
        return Today(
            base.day,
            listed,
            base.cold_start and not head,
            base.starters if not head else [],
            view.headline,
            len(head),
            base.starter_reasons if not head else {},
        )

    def _catch_up(
        self,
        request: OaiRequest,
        followed: set[str],
        today: date,
        report: FetchReport,
        say: Progress,
    ) -> None:
        pages = self.client.oai_pages(request)
        page_number = 0
        while True:
            try:
                item = next(pages, None)
            except HarvestError as error:
                report.errors.append(str(error))
                return
            if item is None:
                return
            page, following = item
            page_number += 1
            report.requests += 1
            say(f"arXiv OAI-PMH {request.set_spec} page {page_number}: {len(page.records)} records")
            listed = [
                _oai_announcement(r, request, followed)
                for r in page.records
                if _follows(r.categories, followed)
            ]
            self._store(listed, "oai", today, report)
            # Saved after the page is stored: an interruption resumes at the next page.
            token = following.token if following else None
            self.feeds.set_resumption_token(request.set_spec, token, now=self.clock())
            if following is not None and page_number >= self.client.config.max_oai_pages:
                report.errors.append(
                    f"arXiv OAI-PMH {request.set_spec}: stopped after {page_number} pages; "
                    "the next fetch continues"
                )

    def _store(
        self,
        listed: Sequence[Announcement],
        source: str,
        today: date,
        report: FetchReport,
    ) -> None:
        report.listed += len(listed)
        if not listed:
            return
        ids = [a.record.arxiv_id for a in listed if a.record.arxiv_id]
        known_before = self.store.papers.ids_by_arxiv_id(ids)
        fresh = [a for a in listed if a.is_new]
        arrivals: list[NewArrival] = []
        outcomes = self._ingest([a.record for a in fresh]) if fresh else []
        for a, (outcome, paper_id) in zip(fresh, outcomes, strict=True):
            report.added += outcome == "added"
            arrivals.append(
                NewArrival(
                    paper_id, a.day or today.isoformat(), source, a.announce_type, a.version,
                    a.categories, already_known=a.record.arxiv_id in known_before,
                )
            )  # fmt: skip

        # A replacement only matters for a paper the library holds: it is a new version.
        replaced = [
            (a, known_before[a.record.arxiv_id])
            for a in listed
            if not a.is_new and a.record.arxiv_id in known_before
        ]
        versions = self.feeds.known_versions([paper_id for _, paper_id in replaced])
        for a, paper_id in replaced:
            if a.version > versions.get(paper_id, 1):
                self._ingest([a.record])  # fills what the stored paper lacks (DOI, venue)
                self.store.papers.update_version(
                    paper_id, title=a.record.title, abstract=a.record.abstract
                )
                report.new_versions += 1
            arrivals.append(
                NewArrival(
                    paper_id, a.day or today.isoformat(), source, a.announce_type, a.version,
                    a.categories, already_known=True,
                )
            )  # fmt: skip
        report.arrivals += self.feeds.record_arrivals(arrivals, now=self.clock())


def _follows(categories: Sequence[str], followed: set[str]) -> bool:
    # A followed archive (cs, hep-th) covers its categories (cs.LG, hep-th).
    return any(c in followed or c.split(".")[0] in followed for c in categories)


def _oai_announcement(r: OaiRecord, request: OaiRequest, followed: set[str]) -> Announcement:
    """An OAI-PMH record as the feed would have listed it.

    New (cross when its primary category is not followed) when it has one version and
    was submitted shortly before the window (a paper is announced a few days after its
    submission, later over holidays); else a replacement of unknown version (0: noted,
    never applied over what is stored), e.g. an old paper whose journal reference changed.
    """
    earliest = (request.from_day - timedelta(days=_SUBMISSION_TO_ANNOUNCEMENT_DAYS)).isoformat()
    if r.updated is None and (r.created or "") >= earliest:
        primary = r.categories[0] if r.categories else ""
        kind = "new" if _follows([primary], followed) else "cross"
        return Announcement(r.record, kind, 1, r.categories, r.datestamp)
    return Announcement(r.record, "replace", 0, r.categories, r.datestamp)


def _first(categories: Sequence[str]) -> str:
    return categories[0] if categories else "your feed"


def _silent(_message: str) -> None:
    pass
