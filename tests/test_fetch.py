"""Fetching metadata for `reader add`: parsers on recorded answers, the fetcher against a
real HTTP server on 127.0.0.1 that serves those answers (no patched network code)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import unquote

import pytest
from http_helpers import FakeTime, LocalServer, Reply, closed_port, data, running

from reader.fetch import FetchConfig, Fetcher, FetchError, classify
from reader.models import PaperRecord
from reader.parse.atom import ArxivApiError, AtomError, parse_arxiv_feed
from reader.parse.crossref import CrossrefError, parse_crossref_work, strip_markup

ATTENTION = PaperRecord(
    title="Attention Is All You Need",
    abstract=(
        "The dominant sequence transduction models are based on complex recurrent or "
        "convolutional neural networks in an encoder-decoder configuration. The best "
        "performing models also connect the encoder and decoder through an attention "
        "mechanism. We propose a new simple network architecture, the Transformer, based "
        "solely on attention mechanisms, dispensing with recurrence and convolutions entirely."
    ),
    authors=(
        "Ashish Vaswani",
        "Noam Shazeer",
        "Niki Parmar",
        "Jakob Uszkoreit",
        "Llion Jones",
        "Aidan N. Gomez",
        "Lukasz Kaiser",
        "Illia Polosukhin",
    ),
    year=2017,
    date="2017-06-12",
    venue="",
    arxiv_id="1706.03762",
    doi=None,
    url="https://arxiv.org/abs/1706.03762",
    source="arxiv",
)

ALPHAFOLD = PaperRecord(
    title="Highly accurate protein structure prediction with AlphaFold",
    abstract=(
        "Proteins are essential to life, and understanding their structure can facilitate a "
        "mechanistic understanding of their function. Through an enormous experimental "
        "effort1–4, the structures of around 100,000 unique proteins have been determined5, "
        "but this represents a small fraction of the billions of known protein sequences6,7. "
        "Here we provide the first computational method that can regularly predict protein "
        "structures with atomic accuracy even in cases in which no similar structure is "
        "known. We validated an entirely redesigned version of our neural network-based "
        "model, AlphaFold, in the challenging 14th Critical Assessment of protein Structure "
        "Prediction (CASP14)15, demonstrating accuracy competitive with experimental "
        "structures in a majority of cases & greatly outperforming other methods."
    ),
    authors=(
        "John Jumper",
        "Richard Evans",
        "Alexander Pritzel",
        "Tim Green",
        "Michal Figurnov",
        "Olaf Ronneberger",
        "Demis Hassabis",
    ),
    year=2021,
    date="2021-07-15",
    venue="Nature",
    doi="10.1038/s41586-021-03819-2",
    url="https://doi.org/10.1038/s41586-021-03819-2",
    source="crossref",
)


# --- arXiv Atom parser -------------------------------------------------------------------


def test_atom_batch_feed_gives_one_record_per_entry_in_order() -> None:
    records = parse_arxiv_feed(data("arxiv_batch.xml"))

    assert [r.arxiv_id for r in records] == ["1706.03762", "hep-th/9711200", "1602.03837"]
    assert records[0] == ATTENTION


def test_atom_entry_with_doi_and_journal_ref() -> None:
    maldacena = parse_arxiv_feed(data("arxiv_batch.xml"))[1]

    assert maldacena == PaperRecord(
        title="The Large N Limit of Superconformal field theories and supergravity",
        abstract=(
            "We show that the large $N$ limit of certain conformal field theories in various "
            "dimensions include in their Hilbert space a sector describing supergravity on the "
            "product of Anti-deSitter spacetimes, spheres and other compact manifolds."
        ),
        authors=("Juan M. Maldacena",),
        year=1997,
        date="1997-11-27",
        venue="Adv.Theor.Math.Phys.2:231-252,1998",
        arxiv_id="hep-th/9711200",
        doi="10.1023/a:1026654312961",
        url="https://arxiv.org/abs/hep-th/9711200",
        source="arxiv",
    )


def test_atom_title_spread_over_lines_is_collapsed() -> None:
    ligo = parse_arxiv_feed(data("arxiv_batch.xml"))[2]

    assert ligo.title == "Observation of Gravitational Waves from a Binary Black Hole Merger"
    assert ligo.authors[:3] == (
        "The LIGO Scientific Collaboration",
        "the Virgo Collaboration",
        "B. P. Abbott",
    )
    assert ligo.venue == "Phys. Rev. Lett. 116, 061102 (2016)"
    assert ligo.doi == "10.1103/physrevlett.116.061102"


def test_atom_feed_with_no_results_is_empty() -> None:
    assert parse_arxiv_feed(data("arxiv_empty.xml")) == []


def test_atom_placeholder_entry_for_unknown_id_is_left_out() -> None:
    records = parse_arxiv_feed(data("arxiv_placeholder.xml"))

    assert [r.arxiv_id for r in records] == ["1706.03762"]


def test_atom_error_feed_raises_the_api_message() -> None:
    with pytest.raises(ArxivApiError, match=r"^API error: incorrect id format for 1234\.12345x$"):
        parse_arxiv_feed(data("arxiv_error.xml"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(b"<feed><entry>", r"^answer is not valid XML \(", id="truncated"),
        pytest.param(b"", r"^answer is not valid XML \(", id="empty"),
        pytest.param(
            b"<html><body>Service Unavailable</body></html>",
            r"^answer is not an Atom feed \(root element <html>\)$",
            id="html-page",
        ),
        pytest.param(
            b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>',
            r"^answer is not an Atom feed",
            id="rss",
        ),
    ],
)
def test_atom_unusable_text_raises_one_line(text: bytes, message: str) -> None:
    with pytest.raises(AtomError, match=message) as info:
        parse_arxiv_feed(text)
    assert "\n" not in str(info.value)


# --- Crossref JSON parser ----------------------------------------------------------------


def test_crossref_article_with_jats_abstract() -> None:
    assert parse_crossref_work(data("crossref_article.json")) == ALPHAFOLD


def test_crossref_proceedings_with_year_month_date_and_no_abstract() -> None:
    assert parse_crossref_work(data("crossref_proceedings.json")) == PaperRecord(
        title="Deep Residual Learning for Image Recognition",
        abstract="",
        authors=("Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"),
        year=2016,
        date="2016-06",
        venue="2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)",
        doi="10.1109/cvpr.2016.90",
        url="https://doi.org/10.1109/cvpr.2016.90",
        source="crossref",
    )


def test_crossref_bare_work_object_is_accepted() -> None:
    record = parse_crossref_work(b'{"DOI": "10.1000/XYZ", "title": ["A  title\\n"]}')

    assert record == PaperRecord(
        title="A title", doi="10.1000/xyz", url="https://doi.org/10.1000/xyz", source="crossref"
    )


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        pytest.param(
            "<jats:title>Abstract</jats:title><jats:p>One.</jats:p><jats:p>Two.</jats:p>",
            "One. Two.",
            id="heading-and-paragraphs",
        ),
        pytest.param(
            "<jats:sec><jats:title>Background</jats:title><jats:p>Why.</jats:p></jats:sec>"
            "<jats:sec><jats:title>Results</jats:title><jats:p>What.</jats:p></jats:sec>",
            "Background Why. Results What.",
            id="structured-sections-keep-headings",
        ),
        pytest.param("<p>H<sub>2</sub>O and <i>in vivo</i></p>", "H2O and in vivo", id="inline"),
        pytest.param("a &amp; b &lt;c&gt; &#233;", "a & b <c> é", id="entities"),
        pytest.param("&lt;jats:p&gt;kept&lt;/jats:p&gt;", "<jats:p>kept</jats:p>", id="escaped"),
        pytest.param("<jats:p>p < 0.05 and q > 1</jats:p>", "p < 0.05 and q > 1", id="stray-lt"),
        pytest.param(
            "<jats:p>x <mml:math><mml:mi>y</mml:mi></mml:math> z</jats:p>", "x y z", id="mathml"
        ),
        pytest.param("", "", id="empty"),
        pytest.param(None, "", id="none"),
    ],
)
def test_strip_markup(markup: str | None, text: str) -> None:
    assert strip_markup(markup) == text


@pytest.mark.parametrize(
    ("dates", "date", "year"),
    [
        pytest.param({"published": {"date-parts": [[2020, 1, 2]]}}, "2020-01-02", 2020, id="ymd"),
        pytest.param({"published": {"date-parts": [[2020]]}}, None, 2020, id="year-only"),
        pytest.param(
            {"issued": {"date-parts": [[None]]}, "created": {"date-parts": [[2019, 3, 4]]}},
            "2019-03-04",
            2019,
            id="unknown-issued-falls-back",
        ),
        pytest.param(
            {
                "published-print": {"date-parts": [[2021, 8, 26]]},
                "published-online": {"date-parts": [[2021, 7, 15]]},
            },
            "2021-08-26",
            2021,
            id="print-before-online",
        ),
        pytest.param({}, None, None, id="none"),
    ],
)
def test_crossref_dates(dates: dict[str, object], date: str | None, year: int | None) -> None:
    work = {"DOI": "10.1000/x", "title": ["T"], **dates}
    record = parse_crossref_work(json.dumps(work))
    assert (record.date, record.year) == (date, year)


def test_crossref_authors_in_order_with_groups_and_missing_given_names() -> None:
    text = """{"message": {"DOI": "10.1000/x", "title": ["T"], "subtitle": ["A Subtitle"],
        "container-title": [], "author": [
            {"given": "Ada", "family": "Lovelace", "sequence": "first"},
            {"name": "ATLAS Collaboration", "sequence": "additional"},
            {"family": "Plato", "sequence": "additional"},
            {"given": "  Jean-Luc\\n", "family": "Picard ", "sequence": "additional"},
            {"sequence": "additional"}
        ]}}"""
    record = parse_crossref_work(text)

    assert record.authors == ("Ada Lovelace", "ATLAS Collaboration", "Plato", "Jean-Luc Picard")
    assert record.title == "T: A Subtitle"
    assert record.venue == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("{not json", r"^answer is not valid JSON \(", id="malformed"),
        pytest.param("Resource not found.", r"^answer is not valid JSON", id="plain-text"),
        pytest.param("[1, 2]", r"^answer is not a Crossref work record$", id="list"),
        pytest.param('{"status": "failed", "message": []}', r"status 'failed'", id="failed"),
        pytest.param('{"message": {"title": ["T"]}}', r"^work record has no DOI$", id="no-doi"),
        pytest.param(
            '{"message": {"DOI": "10.1000/x", "title": []}}',
            r"^work record has no title$",
            id="no-title",
        ),
    ],
)
def test_crossref_unusable_text_raises_one_line(text: str, message: str) -> None:
    with pytest.raises(CrossrefError, match=message) as info:
        parse_crossref_work(text)
    assert "\n" not in str(info.value)


# --- classify and config -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("thing", "expected"),
    [
        ("2406.12345", ("arxiv", "2406.12345")),
        ("2406.12345v2", ("arxiv", "2406.12345")),
        ("arXiv:2406.12345", ("arxiv", "2406.12345")),
        ("hep-th/9901001", ("arxiv", "hep-th/9901001")),
        ("https://arxiv.org/abs/2406.12345v3", ("arxiv", "2406.12345")),
        ("https://arxiv.org/pdf/2406.12345.pdf", ("arxiv", "2406.12345")),
        ("arxiv.org/abs/hep-th/9901001", ("arxiv", "hep-th/9901001")),
        ("10.48550/arXiv.2406.12345", ("arxiv", "2406.12345")),
        ("10.1000/XYZ", ("doi", "10.1000/xyz")),
        ("doi:10.1000/xyz", ("doi", "10.1000/xyz")),
        ("https://doi.org/10.1038/s41586-021-03819-2", ("doi", "10.1038/s41586-021-03819-2")),
        ("  10.1000/xyz  ", ("doi", "10.1000/xyz")),
        ("attention is all you need", None),
        ("", None),
        ("https://example.com/paper.pdf", None),
    ],
)
def test_classify(thing: str, expected: tuple[str, str] | None) -> None:
    assert classify(thing) == expected


def test_config_from_env_overrides_and_ignores_empty_values() -> None:
    config = FetchConfig.from_env(
        {
            "READER_ARXIV_API": "http://127.0.0.1:8000/api/query",
            "READER_CROSSREF_API": " ",
            "READER_CROSSREF_MAILTO": "me@example.org",
        }
    )

    assert config.arxiv_api == "http://127.0.0.1:8000/api/query"
    assert config.crossref_api == "https://api.crossref.org/works"
    assert config.crossref_mailto == "me@example.org"
    assert config.user_agent.startswith("reader/0.1 (")
    assert "mailto:me@example.org" in config.user_agent


def test_config_from_env_defaults() -> None:
    assert FetchConfig.from_env({}) == FetchConfig()


# --- a real local server -----------------------------------------------------------------


class RecordingServer(LocalServer):
    """Routes requests like the real services do.

    arXiv: ``/api/query?id_list=a,b`` is looked up by the set of ids (unknown ids get the
    empty feed, as the real API does). Crossref: ``/works/{doi}`` by the DOI, lowercased
    (unknown DOIs get Crossref's plain-text 404).
    """

    def __init__(self) -> None:
        super().__init__()
        self.arxiv: dict[frozenset[str], Reply] = {}
        self.crossref: dict[str, Reply] = {}

    def route(self, path: str, query: dict[str, list[str]]) -> Reply:
        if path == "/api/query":
            ids = frozenset(query.get("id_list", [""])[0].split(","))
            return self.arxiv.get(ids, Reply(body=data("arxiv_empty.xml")))
        if path.startswith("/works/"):
            doi = unquote(path.removeprefix("/works/")).lower()
            return self.crossref.get(
                doi, Reply(404, b"Resource not found.", "text/plain;charset=utf-8")
            )
        return super().route(path, query)


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with running(RecordingServer()) as srv:
        yield srv


@pytest.fixture
def config(server: RecordingServer) -> FetchConfig:
    return FetchConfig(
        arxiv_api=f"{server.base}/api/query",
        crossref_api=f"{server.base}/works",
        timeout=5.0,
    )


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def fetcher(config: FetchConfig, fake_time: FakeTime) -> Fetcher:
    return Fetcher(config, sleep=fake_time.sleep, clock=fake_time.clock)


BATCH = frozenset({"1706.03762", "hep-th/9711200", "1602.03837"})


def test_arxiv_batch_in_one_call_keyed_by_ids_as_given(
    server: RecordingServer, fetcher: Fetcher
) -> None:
    server.arxiv[BATCH] = Reply(body=data("arxiv_batch.xml"))
    given = ["1706.03762v2", "arXiv:hep-th/9711200", "https://arxiv.org/abs/1602.03837"]

    results = fetcher.arxiv(given)

    assert list(results) == given
    assert results["1706.03762v2"] == ATTENTION
    ids = [r.arxiv_id if isinstance(r, PaperRecord) else str(r) for r in results.values()]
    assert ids == ["1706.03762", "hep-th/9711200", "1602.03837"]
    assert len(server.seen) == 1
    (seen,) = server.seen
    assert seen.path == "/api/query"
    assert seen.query["max_results"] == ["3"]
    assert seen.user_agent.startswith("reader/0.1")


def test_arxiv_unknown_id_is_not_found(server: RecordingServer, fetcher: Fetcher) -> None:
    result = fetcher.arxiv(["2406.99999"])["2406.99999"]

    assert isinstance(result, FetchError)
    assert str(result) == "arXiv 2406.99999: not found"
    assert result.kind == "not_found"


def test_arxiv_placeholder_entry_means_not_found(server: RecordingServer, fetcher: Fetcher) -> None:
    server.arxiv[frozenset({"1706.03762", "2406.99999"})] = Reply(
        body=data("arxiv_placeholder.xml")
    )

    results = fetcher.arxiv(["1706.03762", "2406.99999"])

    assert isinstance(results["1706.03762"], PaperRecord)
    assert str(results["2406.99999"]) == "arXiv 2406.99999: not found"


def test_arxiv_bad_request_reports_the_api_error(server: RecordingServer, fetcher: Fetcher) -> None:
    server.arxiv[frozenset({"2406.12345"})] = Reply(400, data("arxiv_error.xml"))

    result = fetcher.arxiv(["2406.12345"])["2406.12345"]

    assert str(result) == "arXiv 2406.12345: API error: incorrect id format for 1234.12345x"


def test_arxiv_error_feed_with_status_200(server: RecordingServer, fetcher: Fetcher) -> None:
    server.arxiv[frozenset({"2406.12345"})] = Reply(200, data("arxiv_error.xml"))

    result = fetcher.arxiv(["2406.12345"])["2406.12345"]

    assert str(result) == "arXiv 2406.12345: API error: incorrect id format for 1234.12345x"


def test_arxiv_server_error_fails_every_id_in_the_batch(
    server: RecordingServer, fetcher: Fetcher
) -> None:
    server.arxiv[BATCH] = Reply(500, b"<html>oops</html>", "text/html")

    results = fetcher.arxiv(sorted(BATCH))

    assert {k: str(v) for k, v in results.items()} == {
        k: f"arXiv {k}: HTTP 500 Internal Server Error" for k in BATCH
    }
    assert all(isinstance(v, FetchError) and v.kind == "http" for v in results.values())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(b"<feed><entry>", "answer is not valid XML", id="truncated"),
        pytest.param(b"<html>maintenance</html>", "answer is not an Atom feed", id="html"),
    ],
)
def test_arxiv_malformed_answer(
    server: RecordingServer, fetcher: Fetcher, body: bytes, message: str
) -> None:
    server.arxiv[frozenset({"1706.03762"})] = Reply(body=body)

    result = fetcher.arxiv(["1706.03762"])["1706.03762"]

    assert isinstance(result, FetchError)
    assert str(result).startswith(f"arXiv 1706.03762: {message}")
    assert result.kind == "bad_answer"


def test_arxiv_slow_answer_times_out(server: RecordingServer, config: FetchConfig) -> None:
    server.arxiv[frozenset({"1706.03762"})] = Reply(body=data("arxiv_batch.xml"), delay=5.0)
    fetcher = Fetcher(replace(config, timeout=0.2), sleep=FakeTime().sleep)

    result = fetcher.arxiv(["1706.03762"])["1706.03762"]

    host = server.base.removeprefix("http://")
    assert str(result) == f"arXiv 1706.03762: {host} did not answer within 0.2 s (timed out)"
    assert isinstance(result, FetchError) and result.kind == "timeout"


def test_arxiv_old_id_with_subject_class_is_asked_for_by_archive(
    server: RecordingServer, fetcher: Fetcher
) -> None:
    result = fetcher.arxiv(["math.GT/0309136"])["math.GT/0309136"]

    assert [s.query["id_list"] for s in server.seen] == [["math/0309136"]]
    assert str(result) == "arXiv math/0309136: not found"


def test_arxiv_not_an_id_is_reported_without_a_call(
    server: RecordingServer, fetcher: Fetcher
) -> None:
    result = fetcher.arxiv(["not-an-id"])

    assert str(result["not-an-id"]) == "arXiv not-an-id: not an arXiv id"
    assert server.seen == []


def test_crossref_work(server: RecordingServer, fetcher: Fetcher) -> None:
    server.crossref["10.1038/s41586-021-03819-2"] = Reply(
        body=data("crossref_article.json"), content_type="application/json"
    )

    assert fetcher.crossref("https://doi.org/10.1038/S41586-021-03819-2") == ALPHAFOLD
    assert [s.path for s in server.seen] == ["/works/10.1038/s41586-021-03819-2"]


def test_crossref_sends_mailto_for_the_polite_pool(server: RecordingServer) -> None:
    server.crossref["10.1109/cvpr.2016.90"] = Reply(body=data("crossref_proceedings.json"))
    config = FetchConfig.from_env(
        {"READER_CROSSREF_API": f"{server.base}/works", "READER_CROSSREF_MAILTO": "me@example.org"}
    )

    Fetcher(config).crossref("10.1109/CVPR.2016.90")

    (seen,) = server.seen
    assert seen.query == {"mailto": ["me@example.org"]}
    assert "mailto:me@example.org" in seen.user_agent


@pytest.mark.parametrize(
    ("reply", "message", "kind"),
    [
        pytest.param(
            Reply(404, b"Resource not found.", "text/plain"),
            "Crossref 10.1000/xyz: not found (HTTP 404)",
            "not_found",
            id="404",
        ),
        pytest.param(
            Reply(500, b"", "text/plain"),
            "Crossref 10.1000/xyz: HTTP 500 Internal Server Error",
            "http",
            id="500",
        ),
        pytest.param(
            Reply(429, b"slow down", "text/plain"),
            "Crossref 10.1000/xyz: HTTP 429: too many requests, try again later",
            "http",
            id="429",
        ),
        pytest.param(
            Reply(200, b'{"status": "ok", "message": {"DOI": ', "application/json"),
            "Crossref 10.1000/xyz: answer is not valid JSON (",
            "bad_answer",
            id="malformed-json",
        ),
    ],
)
def test_crossref_failures(
    server: RecordingServer, fetcher: Fetcher, reply: Reply, message: str, kind: str
) -> None:
    server.crossref["10.1000/xyz"] = reply

    with pytest.raises(FetchError) as info:
        fetcher.crossref("doi:10.1000/XYZ")

    assert str(info.value).startswith(message)
    assert info.value.kind == kind


def test_crossref_slow_answer_times_out(server: RecordingServer, config: FetchConfig) -> None:
    server.crossref["10.1000/xyz"] = Reply(body=data("crossref_article.json"), delay=5.0)
    fetcher = Fetcher(replace(config, timeout=0.2))

    with pytest.raises(FetchError, match=r"did not answer within 0\.2 s") as info:
        fetcher.crossref("10.1000/xyz")
    assert info.value.kind == "timeout"


def test_crossref_not_a_doi() -> None:
    with pytest.raises(FetchError, match=r"^Crossref nonsense: not a DOI$"):
        Fetcher(FetchConfig()).crossref("nonsense")


def test_unreachable_server_gives_a_clear_error_for_each_thing() -> None:
    port = closed_port()
    config = FetchConfig(
        arxiv_api=f"http://127.0.0.1:{port}/api/query",
        crossref_api=f"http://127.0.0.1:{port}/works",
        timeout=2.0,
    )
    fetcher = Fetcher(config, sleep=FakeTime().sleep)

    results = fetcher.fetch(["2406.12345", "10.1000/a", "10.1000/b"])

    assert [(thing, str(error)) for thing, error in results] == [
        ("2406.12345", f"arXiv 2406.12345: cannot reach 127.0.0.1:{port} (connection refused)"),
        ("10.1000/a", f"Crossref 10.1000/a: cannot reach 127.0.0.1:{port} (connection refused)"),
        ("10.1000/b", f"Crossref 10.1000/b: cannot reach 127.0.0.1:{port} (connection refused)"),
    ]
    assert all(isinstance(r, FetchError) and r.kind == "network" for _, r in results)


def test_fetch_gives_each_thing_its_own_result_in_order(
    server: RecordingServer, fetcher: Fetcher
) -> None:
    server.arxiv[frozenset({"1706.03762", "2406.99999"})] = Reply(
        body=data("arxiv_placeholder.xml")
    )
    server.crossref["10.1038/s41586-021-03819-2"] = Reply(body=data("crossref_article.json"))
    things = [
        "https://arxiv.org/abs/1706.03762v5",
        "doi:10.1038/S41586-021-03819-2",
        "attention is all you need",
        "10.1000/missing",
        "arXiv:2406.99999",
        "https://doi.org/10.1038/s41586-021-03819-2",
    ]

    results = fetcher.fetch(things)

    assert [thing for thing, _ in results] == things
    outcome = [r.title if isinstance(r, PaperRecord) else str(r) for _, r in results]
    assert outcome == [
        "Attention Is All You Need",
        ALPHAFOLD.title,
        "attention is all you need: not an arXiv id or a DOI",
        "Crossref 10.1000/missing: not found (HTTP 404)",
        "arXiv 2406.99999: not found",
        ALPHAFOLD.title,
    ]
    # One arXiv call for both ids; the repeated DOI is fetched once.
    assert [s.path for s in server.seen] == [
        "/api/query",
        "/works/10.1038/s41586-021-03819-2",
        "/works/10.1000/missing",
    ]


def test_fetch_arxiv_doi_goes_to_arxiv(server: RecordingServer, fetcher: Fetcher) -> None:
    server.arxiv[frozenset({"1706.03762"})] = Reply(body=data("arxiv_placeholder.xml"))

    ((_, record),) = fetcher.fetch(["https://doi.org/10.48550/arXiv.1706.03762"])

    assert isinstance(record, PaperRecord) and record.arxiv_id == "1706.03762"
    assert [s.path for s in server.seen] == ["/api/query"]


def test_arxiv_large_lists_go_in_batches(server: RecordingServer, config: FetchConfig) -> None:
    server.arxiv[frozenset({"1706.03762", "hep-th/9711200"})] = Reply(body=data("arxiv_batch.xml"))
    server.arxiv[frozenset({"1602.03837"})] = Reply(body=data("arxiv_batch.xml"))
    time = FakeTime()
    fetcher = Fetcher(replace(config, arxiv_batch_size=2), sleep=time.sleep, clock=time.clock)

    results = fetcher.arxiv(["1706.03762", "hep-th/9711200", "1602.03837", "1706.03762v1"])

    assert all(isinstance(r, PaperRecord) for r in results.values())
    assert [s.query["id_list"] for s in server.seen] == [
        ["1706.03762,hep-th/9711200"],
        ["1602.03837"],
    ]
    assert time.sleeps == [3.0]


# --- the arXiv rate limit ------------------------------------------------------------------


def test_rate_limit_waits_only_for_what_is_left_of_the_interval(
    server: RecordingServer, fetcher: Fetcher, fake_time: FakeTime
) -> None:
    fetcher.arxiv(["2406.00001"])
    assert fake_time.sleeps == []

    fetcher.arxiv(["2406.00002"])
    assert fake_time.sleeps == [3.0]

    fake_time.now += 1.25
    fetcher.arxiv(["2406.00003"])
    assert fake_time.sleeps == [3.0, pytest.approx(1.75)]

    fake_time.now += 10
    fetcher.arxiv(["2406.00004"])
    assert fake_time.sleeps == [3.0, pytest.approx(1.75)]
    assert len(server.seen) == 4


def test_rate_limit_counts_failed_calls_and_skips_crossref(
    server: RecordingServer, fetcher: Fetcher, fake_time: FakeTime
) -> None:
    server.arxiv[frozenset({"2406.00001"})] = Reply(503, b"busy", "text/plain")

    assert str(fetcher.arxiv(["2406.00001"])["2406.00001"]).endswith("HTTP 503 Service Unavailable")
    for doi in ("10.1000/a", "10.1000/b"):
        with pytest.raises(FetchError):
            fetcher.crossref(doi)
    assert fake_time.sleeps == []

    fetcher.arxiv(["2406.00002"])
    assert fake_time.sleeps == [3.0]


def test_rate_limit_is_configurable(server: RecordingServer, config: FetchConfig) -> None:
    time = FakeTime()
    fetcher = Fetcher(replace(config, min_interval_arxiv=0.0), sleep=time.sleep, clock=time.clock)

    fetcher.arxiv(["2406.00001"])
    fetcher.arxiv(["2406.00002"])

    assert time.sleeps == []
