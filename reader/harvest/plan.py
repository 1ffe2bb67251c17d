"""Which requests a harvest makes, from the subscriptions and the dates. Pure.

- One request to the announcement feed for all subscribed categories together
  (``{rss}/atom/cs.LG+stat.ML``): it holds the latest announcement day only.
- When at least one whole day has passed since the last harvest, the missed days are
  caught up with OAI-PMH: one ``ListRecords`` per subscribed category's set, from the
  last harvest date to yesterday, reaching back at most ``max_catchup_days``. A harvest
  that stopped in the middle left a resumption token per set; it is picked up first.
- Each saved search and followed author is one query-API request for papers submitted
  since the last harvest (at most ``max_catchup_days`` back), newest first, capped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reader.harvest.taxonomy import Taxonomy

__all__ = [
    "FeedRequest",
    "HarvestPlan",
    "OaiRequest",
    "SearchRequest",
    "Subscription",
    "SubscriptionKind",
    "author_query",
    "plan_harvest",
]

SubscriptionKind = Literal["category", "query", "author"]


@dataclass(frozen=True)
class Subscription:
    kind: SubscriptionKind
    value: str


@dataclass(frozen=True)
class FeedRequest:
    categories: tuple[str, ...]


@dataclass(frozen=True)
class OaiRequest:
    set_spec: str
    from_day: date
    until_day: date
    token: str | None = None
    """Continue an earlier listing (the other fields are then only for the record)."""


@dataclass(frozen=True)
class SearchRequest:
    subscription: Subscription
    search_query: str
    """The arXiv API ``search_query``, date range included."""
    max_results: int


@dataclass(frozen=True)
class HarvestPlan:
    feed: FeedRequest | None
    catch_up: tuple[OaiRequest, ...]
    searches: tuple[SearchRequest, ...]

    @property
    def request_count(self) -> int:
        """Requests at least (an OAI-PMH listing may take more pages)."""
        return (self.feed is not None) + len(self.catch_up) + len(self.searches)


def plan_harvest(
    subscriptions: Iterable[Subscription],
    *,
    today: date,
    last_harvest: date | None,
    taxonomy: Taxonomy,
    resume: Mapping[str, str] | None = None,
    max_catchup_days: int = 7,
    max_search_results: int = 100,
) -> HarvestPlan:
    """The requests for today's harvest.

    Args:
        subscriptions: what the user follows; categories must be valid codes.
        today: the local date of the harvest.
        last_harvest: the date of the last complete harvest, None before the first one
            (then only today's feed and searches of the last ``max_catchup_days``).
        resume: resumption token per OAI-PMH set, left by an interrupted catch-up.
    """
    subs = list(dict.fromkeys(subscriptions))
    categories = tuple(sorted({s.value for s in subs if s.kind == "category"}))
    feed = FeedRequest(categories) if categories else None

    earliest = today - timedelta(days=max_catchup_days)
    since = max(last_harvest, earliest) if last_harvest else earliest
    sets = list(
        dict.fromkeys(
            category.oai_set for code in categories if (category := taxonomy.get(code)) is not None
        )
    )
    catch_up: list[OaiRequest] = []
    yesterday = today - timedelta(days=1)
    tokens = resume or {}
    for set_spec in sets:
        if tokens.get(set_spec):
            catch_up.append(OaiRequest(set_spec, since, yesterday, tokens[set_spec]))
        elif last_harvest is not None and last_harvest < yesterday:
            catch_up.append(OaiRequest(set_spec, since, yesterday))

    searches = tuple(
        SearchRequest(sub, _dated(_search_text(sub), since, today), max_search_results)
        for sub in subs
        if sub.kind in ("query", "author")
    )
    return HarvestPlan(feed, tuple(catch_up), searches)


def author_query(name: str) -> str:
    """An arXiv API author search: ``Jacot, Arthur`` or ``Arthur Jacot`` give
    ``au:"Arthur Jacot"``."""
    text = " ".join(name.replace('"', " ").split())
    if "," in text:
        last, _, first = text.partition(",")
        text = f"{first.strip()} {last.strip()}".strip()
    return f'au:"{text}"'


def author_name(name: str) -> str:
    """The name an author is followed by, as :func:`author_query` asks for it: ``Jacot,
    Arthur`` and ``Arthur  Jacot`` are both ``Arthur Jacot`` (two spellings of one author
    were two subscriptions and two searches); "" when it holds no letter (``,``)."""
    text = author_query(name)[len('au:"') : -1]
    return text if any(ch.isalpha() for ch in text) else ""


def _search_text(sub: Subscription) -> str:
    return author_query(sub.value) if sub.kind == "author" else sub.value.strip()


def _dated(query: str, since: date, today: date) -> str:
    return f"({query}) AND submittedDate:[{since:%Y%m%d}0000 TO {today:%Y%m%d}2359]"


ANNOUNCE_ZONE = "America/New_York"
ANNOUNCE_HOUR = 20
"""arXiv announces new papers at 20:00 US Eastern, Sunday to Thursday."""
_ANNOUNCE_WEEKDAYS = {6, 0, 1, 2, 3}  # Sunday .. Thursday


def latest_announcement(now: datetime) -> datetime:
    """The most recent arXiv announcement at or before ``now`` (an aware datetime), in UTC.

    Holidays are not known here: on one, this names an announcement that did not happen,
    and a fetch finds the feed of the day before (nothing new, nothing lost)."""
    try:
        zone: tzinfo = ZoneInfo(ANNOUNCE_ZONE)
    except ZoneInfoNotFoundError:  # no time zone data on this system: standard time
        zone = timezone(timedelta(hours=-5))
    local = now.astimezone(zone)
    day = local.date()
    for back in range(8):
        candidate_day = day - timedelta(days=back)
        if candidate_day.weekday() not in _ANNOUNCE_WEEKDAYS:
            continue
        moment = datetime.combine(candidate_day, time(ANNOUNCE_HOUR), tzinfo=zone)
        if moment <= local:
            return moment.astimezone(UTC)
    raise AssertionError("arXiv announces five days a week")  # pragma: no cover
