"""Parsers for arXiv's announcement feed and OAI-PMH pages, on recorded answers in the
exact formats arXiv serves (tests/data/arxiv_announce*.xml, tests/data/oai_*.xml)."""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

import pytest
from http_helpers import data

from reader.models import Announcement, PaperRecord
from reader.parse.announce import FeedError, parse_announcements, split_creators, year_from_id
from reader.parse.oai import OaiError, parse_oai_page

# --- the announcement feed ---------------------------------------------------------------


def test_feed_gives_every_listing_in_order_with_its_type_and_version() -> None:
    feed = parse_announcements(data("arxiv_announce.xml"))

    assert feed.day == "2026-03-03"
    assert [(a.record.arxiv_id, a.announce_type, a.version) for a in feed.announcements] == [
        ("2603.01234", "new", 1),
        ("2603.01301", "new", 1),
        ("2603.00877", "cross", 1),
        ("2511.04567", "replace", 3),
        ("2409.11111", "replace-cross", 2),
    ]
    assert [a.is_new for a in feed.announcements] == [True, True, True, False, False]


def test_feed_entry_fields() -> None:
    first = parse_announcements(data("arxiv_announce.xml")).announcements[0]

    assert first == Announcement(
        record=PaperRecord(
            title="Grokking as a Phase Transition in Kernel Regression",
            abstract=(
                "We show that grokking, the delayed onset of generalization long after the "
                "training loss has vanished, arises in kernel regression as a sharp phase "
                "transition. The transition point depends on the ratio of the weight decay to "
                "the $\\ell_2$ norm of the target function & on the spectrum of the kernel."
            ),
            authors=("Ana Lima", "Wei Zhang", "Jean-Luc Picard"),
            year=2026,
            date="2026-03-03",
            arxiv_id="2603.01234",
            url="https://arxiv.org/abs/2603.01234",
            source="arxiv",
        ),
        announce_type="new",
        version=1,
        categories=("cs.LG", "stat.ML"),
        day="2026-03-03",
    )


def test_feed_title_over_lines_unicode_authors_doi_and_journal_ref() -> None:
    listings = parse_announcements(data("arxiv_announce.xml")).announcements

    assert listings[1].record.title == "Double Descent in Random Feature Models with Label Noise"
    assert listings[2].record.authors == ("Kenji Watanabe", "Laura Müller")
    replaced = listings[3].record
    assert (replaced.doi, replaced.venue) == ("10.5555/iclr.2026.1234", "Proceedings of ICLR 2026")
    # A new version is not a new paper: its year is the id's, its date unknown here.
    assert (replaced.year, replaced.date) == (2025, None)
    assert not replaced.abstract.startswith("arXiv:")


def test_weekend_feed_is_empty() -> None:
    feed = parse_announcements(data("arxiv_announce_weekend.xml"))

    assert (feed.day, feed.announcements) == (None, ())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            data("arxiv_announce.xml")[:2500], r"^answer is not valid XML \(line \d+: ", id="cut"
        ),
        pytest.param(b"<feed><entry>", r"^answer is not valid XML", id="truncated"),
        pytest.param(b"<html><body>Busy</body></html>", r"^answer is not an Atom feed$", id="html"),
        pytest.param(b"", r"^answer is not an Atom feed$", id="empty"),
    ],
)
def test_broken_feed_is_one_line_and_nothing_half_parsed(body: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message) as info:
        parse_announcements(body)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Antonin Monteil, Paul Pegon", ("Antonin Monteil", "Paul Pegon")),
        (
            "Ada Lovelace, Alan Turing and Grace Hopper",
            ("Ada Lovelace", "Alan Turing", "Grace Hopper"),
        ),
        ("  The ATLAS Collaboration ", ("The ATLAS Collaboration",)),
        ("", ()),
    ],
)
def test_split_creators(text: str, names: tuple[str, ...]) -> None:
    assert split_creators(text) == names


@pytest.mark.parametrize(
    ("arxiv_id", "year"),
    [("2511.04567", 2025), ("0704.0001", 2007), ("hep-th/9711200", 1997), ("math/0309136", 2003)],
)
def test_year_from_id(arxiv_id: str, year: int) -> None:
    assert year_from_id(arxiv_id) == year


# --- OAI-PMH -------------------------------------------------------------------------------


def test_oai_page_records_and_resumption_token() -> None:
    page = parse_oai_page(data("oai_page1.xml"))

    assert page.token == "7261928|1001"
    assert page.complete_size == 3
    first, second = page.records
    assert first.record == PaperRecord(
        title="Implicit Bias of Adam on Separable Data",
        abstract=(
            "We characterize the implicit bias of Adam on linearly separable data and show that "
            "it converges in direction to a maximum margin solution with respect to the "
            "$\\ell_\\infty$ norm."
        ),
        authors=("Chinedu Okafor", "Pieter J. van der Berg Jr"),
        year=2026,
        date="2026-02-26",
        arxiv_id="2602.09876",
        url="https://arxiv.org/abs/2602.09876",
        source="arxiv",
    )
    assert (first.categories, first.created, first.updated, first.datestamp) == (
        ("cs.LG", "stat.ML"),
        "2026-02-26",
        None,
        "2026-02-27",
    )
    assert second.record.title == "Neural Tangent Kernels at Finite Width"
    assert (second.record.doi, second.updated) == ("10.5555/jmlr.2026.0042", "2026-02-27")


def test_oai_last_page_has_an_empty_token_and_lists_deleted_records() -> None:
    page = parse_oai_page(data("oai_page2.xml"))

    assert page.token is None
    assert page.deleted == ("2602.00001",)
    assert [r.record.authors for r in page.records] == [("ATLAS Collaboration", "Haruka Ito")]


def test_oai_no_records_match_is_an_empty_page() -> None:
    page = parse_oai_page(data("oai_no_records.xml"))

    assert (page.records, page.token) == ((), None)


@pytest.mark.parametrize(
    ("body", "message", "code"),
    [
        pytest.param(
            data("oai_bad_token.xml"),
            "OAI-PMH error badResumptionToken: The resumptionToken has expired",
            "badResumptionToken",
            id="oai-error",
        ),
        pytest.param(data("oai_page1.xml")[:1200], "answer is not valid XML (", "", id="cut"),
        pytest.param(
            b"<html>busy</html>",
            "answer is not an OAI-PMH response (root element <html>)",
            "",
            id="html",
        ),
    ],
)
def test_oai_unusable_answers(body: bytes, message: str, code: str) -> None:
    with pytest.raises(OaiError) as info:
        parse_oai_page(body)

    assert str(info.value).startswith(message)
    assert info.value.code == code
    assert "\n" not in str(info.value)


# --- the benchmark's generated day ---------------------------------------------------------


def test_generated_day_parses_like_a_real_feed() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from gen_arxiv_day import generate

    out = io.StringIO()
    generate(120, date(2026, 3, 3), 7, out)
    feed = parse_announcements(out.getvalue().encode("utf-8"))

    assert feed.day == "2026-03-03"
    assert len(feed.announcements) == 120
    assert len({a.record.arxiv_id for a in feed.announcements}) == 120
    assert {a.announce_type for a in feed.announcements} == {
        "new",
        "cross",
        "replace",
        "replace-cross",
    }
    assert all(a.record.abstract and a.record.authors for a in feed.announcements)
    crosses = [a for a in feed.announcements if a.announce_type == "cross"]
    assert all(a.categories[0] not in ("cs.LG", "cs.CV", "cs.CL") for a in crosses)


def test_an_html_typed_title_is_text() -> None:
    """feedparser keeps a type="html" field as markup: "Q&amp;A" showed its entity."""
    body = data("arxiv_announce.xml").replace(
        b"<title>Grokking as a Phase Transition in Kernel Regression</title>",
        b'<title type="html">Q&amp;amp;A on &lt;i&gt;grokking&lt;/i&gt;: x &amp;lt; y</title>',
    )
    first = parse_announcements(body).announcements[0]
    assert first.record.title == "Q&A on grokking: x < y"
