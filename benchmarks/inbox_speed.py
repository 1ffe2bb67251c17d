"""The daily arXiv inbox at scale: a recorded 1,500-item day of cs.LG+cs.CV+cs.CL
(``gen_arxiv_day.py``) served by a local HTTP server, fetched, parsed and stored into a
library of N papers (default 100,000), then ranked into the inbox and Today. Goal: under
5 s from the response to a ranked Today.

Then the cost of keeping the recommender's index current as papers arrive: the
incremental update the service does (``add_items`` on the day's new papers) against a
rebuild of the whole index, in the same run, and the update repeated for more days to
see how it grows with the catalog.

Usage::

    .venv/bin/python benchmarks/inbox_speed.py               # 100k library, 1,500 items
    .venv/bin/python benchmarks/inbox_speed.py --library 20000 --items 1500 --days 3

The library is an arXiv-snapshot-like file (``import_speed.generate``) imported once
(not timed); 30 papers are rated so there is a taste to rank by.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_arxiv_day  # noqa: E402
import import_speed  # noqa: E402
from machine import describe  # noqa: E402

CATEGORIES = ("cs.LG", "cs.CV", "cs.CL")
DAY = date(2026, 3, 3)


def serve(pages: dict[str, bytes]) -> ThreadingHTTPServer:
    """A local server answering ``/atom/<cats>`` with the recorded day in ``pages``."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            # any order of the categories: the day's feed
            body = pages.get("feed", b"") if self.path.startswith("/atom/") else b""
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def day_feed(items: int, day: date, seed: int) -> bytes:
    out = io.StringIO()
    gen_arxiv_day.generate(items, day, seed, out)
    return out.getvalue().encode("utf-8")


def timed(fn):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=int, default=100_000, help="papers (default 100k)")
    parser.add_argument("--items", type=int, default=1500, help="feed entries (default 1500)")
    parser.add_argument("--days", type=int, default=3, help="days of arrivals to time")
    args = parser.parse_args()

    from reader.harvest.client import ArxivClient, HarvestConfig
    from reader.net import RateLimiter
    from reader.service import Service
    from reader.store import open_db

    print(describe())
    work = Path(tempfile.mkdtemp(prefix="inbox-bench-"))
    catalog = work / "library.jsonl"
    import_speed.generate(catalog, args.library)
    now = {"t": datetime(2026, 3, 2, 9, 0, tzinfo=UTC)}

    def clock() -> datetime:
        return now["t"]

    db = work / "inbox.db"
    pages: dict[str, bytes] = {}
    server = serve(pages)
    host, port = server.server_address[:2]
    config = HarvestConfig(rss=f"http://{host}:{port}")
    client = ArxivClient(config, limiter=RateLimiter(0.0))  # one request a day: no wait

    service = Service(open_db(db), clock=clock, tz=UTC, arxiv_client=client)
    _, imported = timed(lambda: service.import_files([catalog]))
    for paper_id in range(1, 31):
        service.rate(paper_id, 1 + paper_id % 5)
    _, cold = timed(lambda: service.today(refresh=True))  # builds and saves the index
    service.inbox.add(service.inbox.subscriptions_from(CATEGORIES))
    print(f"library: {service.count():,} papers imported in {imported:.1f} s; "
          f"index built and Today ranked from scratch in {cold:.1f} s")  # fmt: skip

    rows = []
    for n in range(args.days):
        # A month apart: the generator numbers a day's new papers from 00001 in its month.
        day = date(DAY.year + (DAY.month + n - 1) // 12, (DAY.month + n - 1) % 12 + 1, DAY.day)
        now["t"] = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
        pages["feed"] = day_feed(args.items, day, seed=14 + n)
        # A new process each morning: the index is read back from its file, then extended.
        service.close()
        service = Service(open_db(db), clock=clock, tz=UTC, arxiv_client=client)
        # Fetched every day: nothing missed to catch up through OAI-PMH.
        service.store.feeds.set_last_harvest(day - timedelta(days=1), now=clock())
        report, fetch_s = timed(service.fetch)
        if report.errors:
            raise SystemExit(f"fetch failed: {report.errors}")
        # Today first: it extends the index with the day's papers and ranks the arrivals.
        today, today_s = timed(lambda s=service: s.today(refresh=True))
        inbox, inbox_s = timed(lambda s=service: s.inbox.day())
        rows.append((day, report.listed, report.added, fetch_s, inbox_s, today_s, inbox, today))
        print(f"{day}: {report.listed} listings, {report.added} new papers; fetch+parse+store "
              f"{fetch_s:.2f} s, ranked Today {today_s:.2f} s (index extended); total "
              f"{fetch_s + today_s:.2f} s; the whole inbox ranked again {inbox_s:.2f} s; "
              f"{today.headline!r}")  # fmt: skip

    # The index: incremental (what the service did each morning) against a rebuild.
    from reader import recommend as rec

    features = service.suggesting.features()
    items = list(service.suggesting._items(after_id=service.count() - 1000))
    # What each morning's update costs: 1,000 papers' rows added to the index as it is.
    base = rec.Features.from_bytes(features.to_bytes())
    extend = []
    for _ in range(3):
        _, took = timed(lambda: rec.add_items(base, items))
        extend.append(took)
    _, rebuild = timed(lambda: service.suggesting.features(rebuild=True))
    service.close()
    server.shutdown()

    fetch_med = statistics.median(r[3] for r in rows)
    inbox_med = statistics.median(r[4] for r in rows)
    today_med = statistics.median(r[5] for r in rows)
    total = fetch_med + today_med
    inc = statistics.median(extend)
    print()
    print(f"median of {len(rows)} days: fetch+parse+store {fetch_med:.2f} s + ranked Today "
          f"{today_med:.2f} s = {total:.2f} s from the response to a ranked Today "
          f"(goal 5 s: {'met' if total < 5 else 'NOT met'}); inbox listing {inbox_med:.2f} s")
    print(f"index: adding 1,000 papers {inc:.2f} s (median of 3) vs rebuilding "
          f"{len(features):,} papers {rebuild:.1f} s: {rebuild / inc:.0f}x cheaper; "
          f"a year of 250 announcement days ~ {250 * inc / 60:.1f} min of updates")  # fmt: skip


if __name__ == "__main__":
    main()
