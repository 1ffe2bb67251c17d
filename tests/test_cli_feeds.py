"""`reader feed add|list|remove` and `reader fetch` through the real entry point, against a
local server that the CLI finds through READER_ARXIV_RSS / READER_ARXIV_OAI / _API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from arxiv_server import ArxivServer
from http_helpers import Reply, data

from reader.cli import main
from reader.store import open_db


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.db")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_feed_add_list_remove(capsys, db) -> None:
    code, out, _ = run(
        capsys, "--db", db, "feed", "add", "cs.lg", "stat.ML", "--author", "Jacot, Arthur"
    )
    assert code == 0
    assert out.splitlines() == [
        "following cs.LG (Machine Learning)",
        "following stat.ML (Machine Learning)",
        "following author: Arthur Jacot",
    ]
    assert run(capsys, "--db", db, "feed", "add", "cs.LG")[1] == (
        "already following cs.LG (Machine Learning)\n"
    )

    code, out, _ = run(capsys, "--db", db, "feed", "list")
    assert out.splitlines() == [
        "author: Arthur Jacot",
        "cs.LG (Machine Learning)",
        "stat.ML (Machine Learning)",
        "last fetched: never",
    ]
    code, out, _ = run(capsys, "--db", db, "feed", "list", "--json")
    assert [s["value"] for s in json.loads(out)] == ["Arthur Jacot", "cs.LG", "stat.ML"]

    code, out, _ = run(capsys, "--db", db, "feed", "remove", "stat.ML")
    assert (code, out) == (0, "stopped following stat.ML (Machine Learning)\n")
    code, _, err = run(capsys, "--db", db, "feed", "remove", "stat.ML")
    assert code == 1
    assert err.endswith("reader: error: nothing removed (see `reader feed list`)\n")


def test_feed_add_unknown_category_is_one_line_and_adds_nothing(capsys, db) -> None:
    code, out, err = run(capsys, "--db", db, "feed", "add", "cs.LG", "cs.ML")

    assert code == 1
    assert err == (
        "reader: error: cs.ML: not an arXiv category; did you mean stat.ML, cs.PL, cs.MS?\n"
    )
    assert run(capsys, "--db", db, "feed", "list")[1].startswith("Following nothing yet.")


def test_feed_add_with_nothing_is_a_usage_error(capsys, db) -> None:
    assert run(capsys, "--db", db, "feed", "add")[0] == 2


def test_fetch_shows_progress_and_stores_the_day(capsys, db, server: ArxivServer) -> None:
    run(capsys, "--db", db, "feed", "add", "cs.LG", "stat.ML")
    server.feeds["cs.LG+stat.ML"] = [Reply(body=data("arxiv_announce.xml"))]

    code, out, err = run(capsys, "--db", db, "fetch")

    assert code == 0
    assert out == "announced 2026-03-03: 5 listings, 3 new papers, 3 arrivals, 0 new versions\n"
    assert err.splitlines()[0] == "arXiv feed cs.LG+stat.ML ..."
    assert "arXiv feed cs.LG+stat.ML: 5 listings (2026-03-03)" in err
    store = open_db(db)
    try:
        assert len(store.feeds.arrivals("2026-03-03")) == 3
        assert store.papers.find("2603.01234").title.startswith("Grokking")
    finally:
        store.close()

    code, out, _ = run(capsys, "--db", db, "fetch", "--quiet", "--json")
    report = json.loads(out)
    assert (report["added"], report["arrivals"], report["listed"]) == (0, 0, 5)


def test_fetch_a_malformed_feed_warns_in_one_line(capsys, db, server: ArxivServer) -> None:
    run(capsys, "--db", db, "feed", "add", "cs.LG")
    server.feeds["cs.LG"] = [Reply(body=b"<feed><entry>")]

    code, out, err = run(capsys, "--db", db, "fetch", "-q")

    assert code == 1
    assert err.splitlines() == [
        "reader: warning: arXiv feed cs.LG: answer is not valid XML (line 2: no element found)",
        "reader: error: nothing was fetched from arXiv (see above); try again later",
    ]


def test_fetch_that_partly_fails_keeps_what_arrived_and_exits_1(
    capsys, db, server: ArxivServer
) -> None:
    """A cron job saw exit 0 and one warning line when one of two feeds failed."""
    run(capsys, "--db", db, "feed", "add", "cs.LG")
    run(capsys, "--db", db, "feed", "add", "--query", "grokking")
    server.feeds["cs.LG"] = [Reply(body=data("arxiv_announce.xml"))]

    class EveryQuery(dict):  # the search's dates depend on today
        def get(self, key, default=None):
            return Reply(body=b"<feed><entry>")

    server.api = EveryQuery()

    code, out, err = run(capsys, "--db", db, "fetch", "-q")

    assert code == 1
    assert out.startswith("announced 2026-03-03: 5 listings, 3 new papers")
    assert err.splitlines()[-1] == (
        "reader: error: part of the fetch failed (see above); what arrived is kept, "
        "`reader fetch` again later fetches the rest"
    )
    store = open_db(db)
    try:
        assert store.papers.find("2603.01234") is not None
    finally:
        store.close()


def test_fetch_offline_says_only_that(capsys, db, monkeypatch) -> None:
    """No network: the warning and the error, not "no announcement today: 0 listings"."""
    from http_helpers import closed_port

    base = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("READER_ARXIV_RSS", base)
    monkeypatch.setenv("READER_ARXIV_OAI", f"{base}/oai")
    run(capsys, "--db", db, "feed", "add", "cs.LG")

    code, out, err = run(capsys, "--db", db, "fetch", "-q")

    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == (
        "reader: error: nothing was fetched from arXiv (see above); try again later"
    )
    assert all(line.startswith("reader: warning: arXiv") for line in err.splitlines()[:-1])


def test_fetch_with_nothing_followed(capsys, db, server: ArxivServer) -> None:
    code, _, err = run(capsys, "--db", db, "fetch")

    assert code == 1
    assert err.strip().endswith(
        "nothing to fetch: follow a category first: `reader feed add cs.LG`"
    )
    assert server.seen == []


def test_db_option_on_the_feed_group(capsys, db) -> None:
    assert run(capsys, "feed", "--db", db, "add", "cs.CV")[0] == 0

    assert "cs.CV (Computer Vision" in run(capsys, "feed", "list", "--db", db)[1]
