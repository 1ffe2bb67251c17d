"""`reader inbox`, `reader digest`, `reader enrich`, `reader open` and `reader pdf` through
the real entry point, against the local arXiv server (READER_ARXIV_* point at it)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from arxiv_server import ArxivServer
from http_helpers import Reply, data

from reader.cli import main
from reader.models import PaperRecord
from reader.store import open_db

GROKKING = "2603.01234"
SEED = "2506.18880"  # the first seed paper


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.db")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def fetched(capsys, db: str, server: ArxivServer) -> str:
    """The seeds, a taste for grokking, and the day's feed fetched."""
    run(capsys, "--db", db, "feed", "add", "cs.LG", "stat.ML")
    server.feeds["cs.LG+stat.ML"] = [Reply(body=data("arxiv_announce.xml"))]
    assert run(capsys, "--db", db, "fetch", "-q")[0] == 0
    for line in run(capsys, "--db", db, "search", "grokking")[1].splitlines():
        paper_id = line.split()[0]
        if paper_id.isdigit() and "Kernel Regression" not in line:  # not the arrival itself
            run(capsys, "--db", db, "rate", paper_id, "5")
    return db


def test_inbox_shows_its_close_reading_on_stderr_and_keeps_json_clean(
    capsys, fetched: str
) -> None:
    code, out, err = run(capsys, "--db", fetched, "inbox", "--json")
    arrivals = json.loads(out)["arrivals"]
    assert code == 0 and [a["rank"] for a in arrivals] == list(range(1, len(arrivals) + 1))
    assert "Reading the best arrivals closely" in err
    code, out, err = run(capsys, "--db", fetched, "inbox", "--json")
    assert code == 0 and "Reading" not in err  # read once, kept in the database


def test_inbox_lists_the_day_ranked_and_triage_empties_it(capsys, fetched: str) -> None:
    code, out, _ = run(capsys, "--db", fetched, "inbox")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith("New on 2026-03-03 in cs.LG, stat.ML: 3 papers, ")
    assert lines[1].startswith("3 waiting.")
    assert "Grokking as a Phase Transition" in lines[2] and " * " in lines[2]

    assert run(capsys, "--db", fetched, "inbox", "queue", GROKKING)[0] == 0
    code, out, _ = run(capsys, "--db", fetched, "inbox", "--json")
    listed = json.loads(out)
    assert listed["waiting"] == 2
    assert GROKKING not in [a["arxiv_id"] for a in listed["arrivals"]]

    code, out, _ = run(capsys, "--db", fetched, "inbox", "skip", "--rest")
    assert (code, out) == (0, "skipped 2 papers; the inbox is empty\n")
    assert run(capsys, "--db", fetched, "inbox")[1].splitlines()[1] == (
        "Inbox empty: every paper of the day is triaged."
    )
    assert "[queued]" in run(capsys, "--db", fetched, "inbox", "--all")[1]
    # A day that is not one is refused; a day with nothing is said so.
    for bad in ("yesterday", "2026-3-3"):
        code, _, err = run(capsys, "--db", fetched, "inbox", "--day", bad)
        assert code == 2 and "is not a day: write YYYY-MM-DD" in err
    code, out, _ = run(capsys, "--db", fetched, "inbox", "--day", "2026-03-01")
    assert code == 0 and out.splitlines()[-1] == "Nothing arrived on 2026-03-01."
    store = open_db(fetched)
    try:
        triage = store.conn.query(
            "SELECT triage, count(*) AS n FROM arrivals WHERE announce_type != 'replace' "
            "GROUP BY triage ORDER BY triage"
        )
        assert [(r["triage"], r["n"]) for r in triage] == [("queued", 1), ("skipped", 2)]
        assert store.papers.find(GROKKING).status.value == "queued"
    finally:
        store.close()


def test_triage_of_a_paper_that_did_not_arrive_is_one_line(capsys, fetched: str) -> None:
    code, _, err = run(capsys, "--db", fetched, "inbox", "skip", "1")
    assert code == 1
    assert err == "reader: error: paper 1 did not arrive on 2026-03-03\n"


def test_digest_markdown_and_html(capsys, fetched: str, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "--db", fetched, "digest")
    assert code == 0
    assert out.startswith("# reader digest\n\n## New on 2026\\-03\\-03 in cs.LG, stat.ML: 3 papers")
    assert f"(<https://arxiv.org/abs/{GROKKING}>)" in out
    assert "_Like \"" in out

    target = tmp_path / "digest.html"
    code, out, _ = run(
        capsys, "--db", fetched, "digest", "--format", "html", "--since", "2026-03-01",
        "-o", str(target),
    )  # fmt: skip
    assert (code, out) == (0, f"digest written to {target}\n")
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert f'<a href="https://arxiv.org/abs/{GROKKING}">Grokking as a Phase' in page
    assert "<h2>New on 2026-03-03 in cs.LG, stat.ML: 3 papers" in page

    # Every paper triaged: no "rate a few papers", no "…and 3 more in reader inbox".
    assert run(capsys, "--db", fetched, "inbox", "skip", "--rest")[0] == 0
    code, out, _ = run(capsys, "--db", fetched, "digest")
    assert code == 0 and "No picks: every paper of the day is triaged." in out
    assert "more in" not in out and "rate a few" not in out


def test_digest_since_refuses_nonsense(capsys, fetched: str) -> None:
    code, _, err = run(capsys, "--db", fetched, "digest", "--since", "soon-ish")
    assert code == 1
    assert "--since 'soon-ish': give a day (2026-03-01) or a period (1 week)" in err


def test_digest_titles_are_text_not_markup(capsys, db: str) -> None:
    from reader.service import Service

    svc = Service(open_db(db))
    try:
        ((_, pid),) = svc.store.ingest.ingest(
            [PaperRecord("Tricks [click](javascript:x) <script>", arxiv_id="2603.09999")],
            now=svc.clock(),
        )
        from reader.store import NewArrival

        svc.store.feeds.record_arrivals(
            [NewArrival(pid, "2026-03-03", "feed", "new")], now=svc.clock()
        )
        svc.interests()  # nothing learnt: no picks, but the day is listed
        view = svc.inbox.day()
        from dataclasses import replace

        from reader.service.digest import render_digest

        picked = replace(view, arrivals=[replace(view.arrivals[0], for_you=True)])
        markdown = render_digest([picked], "markdown")
        page = render_digest([picked], "html")
    finally:
        svc.close()
    assert "Tricks \\[click\\]\\(javascript:x\\) \\<script\\>" in markdown
    assert "Tricks [click](javascript:x) &lt;script&gt;" in page
    assert "<script>" not in page


def _bare(db: str, *titles: str) -> list[int]:
    store = open_db(db)
    try:
        from datetime import UTC, datetime

        return [
            pid
            for _, pid in store.ingest.ingest(
                [PaperRecord(t) for t in titles], now=datetime(2026, 3, 3, tzinfo=UTC)
            )
        ]
    finally:
        store.close()


def test_enrich_takes_only_a_near_exact_title(capsys, db: str, server: ArxivServer) -> None:
    attention, large_n = _bare(
        db, "Attention is all you need.", "The Large N limit of superconformal field theories"
    )
    server.api['ti:"Attention is all you need"'] = Reply(body=data("arxiv_batch.xml"))
    server.api['ti:"The Large N limit of superconformal field theories"'] = Reply(
        body=data("arxiv_batch.xml")
    )

    code, out, err = run(capsys, "--db", db, "enrich", str(attention), str(large_n))

    assert code == 0
    assert out.splitlines() == [
        f"{attention:>6}  matched   Attention is all you need.",
        "        = arXiv:1706.03762 Attention Is All You Need",
        "        filled: arxiv_id, year, authors",
        f"{large_n:>6}  no match  The Large N limit of superconformal field theories",
        "        closest, not taken: Attention Is All You Need",
        "1 of 2 papers matched",
    ]
    assert err.startswith("[1/2] Attention is all you need.")
    store = open_db(db)
    try:
        paper = store.papers.get_paper(attention)
        found = (paper.arxiv_id, paper.year, paper.authors[0])
        assert found == ("1706.03762", 2017, "Ashish Vaswani")
        assert store.papers.get_paper(large_n).arxiv_id is None
    finally:
        store.close()


def test_enrich_does_not_take_the_next_part_of_a_series(
    capsys, db: str, server: ArxivServer
) -> None:
    """Part II differs from Part I by one character: the title rule took it, and gave the
    paper Part II's arXiv id, authors and year."""
    (part_one,) = _bare(db, "Superconformal field theories at large N, I")
    body = data("arxiv_batch.xml").replace(
        b"<title>Attention Is All You Need</title>",
        b"<title>Superconformal field theories at large N, II</title>",
    )
    server.api['ti:"Superconformal field theories at large N I"'] = Reply(body=body)

    code, out, _ = run(capsys, "--db", db, "enrich", str(part_one))

    assert code == 0
    assert out.splitlines()[1:] == [
        "        closest, not taken: Superconformal field theories at large N, II",
        "0 of 1 papers matched",
    ]
    store = open_db(db)
    try:
        assert store.papers.get_paper(part_one).arxiv_id is None
    finally:
        store.close()


def test_enrich_with_arxiv_down_fails_in_one_line_each(capsys, db: str, monkeypatch) -> None:
    from http_helpers import closed_port

    monkeypatch.setenv("READER_ARXIV_API", f"http://127.0.0.1:{closed_port()}/api/query")
    (pid,) = _bare(db, "Attention is all you need.")
    code, out, err = run(capsys, "--db", db, "enrich", str(pid), "-q")
    assert code == 1
    assert "cannot reach 127.0.0.1" in out
    assert err.endswith("reader: error: no paper could be looked up (see above); try again later\n")


def test_open_prints_the_url_where_no_browser_can_start(capsys, db: str, monkeypatch) -> None:
    for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    run(capsys, "--db", db, "list")  # the seeds
    code, out, err = run(capsys, "--db", db, "open", SEED)
    assert code == 0
    assert out == f"https://arxiv.org/abs/{SEED}\n"
    assert "no browser can start here (no display)" in err


def test_open_hands_the_url_to_the_browser(capsys, db: str, monkeypatch, tmp_path) -> None:
    seen = tmp_path / "seen.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" >> {seen}\n')
    browser.chmod(browser.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("BROWSER", str(browser))
    run(capsys, "--db", db, "list")
    code, out, _ = run(capsys, "--db", db, "open", SEED, "--pdf")
    assert (code, out) == (0, f"opened https://arxiv.org/pdf/{SEED}\n")
    assert seen.read_text() == f"https://arxiv.org/pdf/{SEED}\n"


def test_pdf_downloads_once_and_the_store_remembers(capsys, db: str, server: ArxivServer) -> None:
    server.pdfs[SEED] = Reply(body=b"%PDF-1.5\n%shaped\n", content_type="application/pdf")
    run(capsys, "--db", db, "list")

    code, out, err = run(capsys, "--db", db, "pdf", SEED)
    assert code == 0
    saved = Path(db).parent / "pdfs" / f"{SEED}.pdf"
    assert out == f"saved {saved}\n"
    assert "one request every 3 s" in err
    assert saved.read_bytes().startswith(b"%PDF-1.5")

    code, out, _ = run(capsys, "--db", db, "pdf", SEED)
    assert out == f"already saved: {saved}\n"
    assert [s.path for s in server.seen if s.path.startswith("/pdf/")] == [f"/pdf/{SEED}"]
    assert all(s.user_agent.startswith("reader") for s in server.seen)
    store = open_db(db)
    try:
        assert store.papers.find(SEED).pdf_path == str(saved)
    finally:
        store.close()


def test_pdf_that_is_not_a_pdf_stores_nothing(capsys, db: str, server: ArxivServer) -> None:
    server.pdfs[SEED] = Reply(body=b"<html>PDF being built</html>", content_type="text/html")
    run(capsys, "--db", db, "list")
    code, _, err = run(capsys, "--db", db, "pdf", SEED)
    assert code == 1
    assert err.endswith(f"reader: error: arXiv PDF {SEED}: the answer is not a PDF\n")
    assert not (Path(db).parent / "pdfs").exists() or not os.listdir(Path(db).parent / "pdfs")


def test_suggest_starts_with_the_days_picks(capsys, fetched: str) -> None:
    from datetime import UTC, datetime

    from reader.cli import cli

    # The morning after the announcement (`main` runs on the real clock, and Today leads
    # with arrivals only while they are recent).
    now = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    cli.main(
        args=["--db", fetched, "suggest", "--json"],
        obj={"clock": lambda: now, "tz": UTC},
        standalone_mode=False,
    )
    today = json.loads(capsys.readouterr().out)
    assert today["headline"].startswith("New today in cs.LG, stat.ML: 3 papers, ")
    assert today["from_arrivals"] >= 1
    assert today["suggestions"][0]["title"].startswith("Grokking as a Phase Transition")
    assert [s["rank"] for s in today["suggestions"]] == list(
        range(1, len(today["suggestions"]) + 1)
    )

    # On the real clock the day is long past: Today is the usual list again.
    code, out, _ = run(capsys, "--db", fetched, "suggest", "--json")
    assert code == 0 and json.loads(out)["headline"] is None
