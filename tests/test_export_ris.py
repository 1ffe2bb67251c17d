"""RIS export and export -> parse round-trips."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.export import to_ris
from reader.models import Paper
from reader.parse import parse_ris


def test_record_layout():
    text = to_ris(
        [
            Paper(
                id=1,
                title="Attention Is All You Need",
                authors=("Ashish Vaswani", "Noam Shazeer"),
                year=2017,
                date="2017-06-12",
                arxiv_id="1706.03762",
                abstract="Line one.\nLine two.",
                tags=("nlp", "transformers"),
            )
        ]
    )
    assert text == (
        "TY  - UNPB\n"
        "TI  - Attention Is All You Need\n"
        "AU  - Vaswani, Ashish\n"
        "AU  - Shazeer, Noam\n"
        "PY  - 2017\n"
        "DA  - 2017/06/12\n"
        "AB  - Line one. Line two.\n"
        "UR  - https://arxiv.org/abs/1706.03762\n"
        "N1  - arXiv:1706.03762\n"
        "KW  - nlp\n"
        "KW  - transformers\n"
        "ER  - \n\n"
    )


def test_journal_paper_keeps_both_urls_and_the_doi():
    p = Paper(
        id=1,
        title="T",
        venue="Nature",
        doi="10.1038/x",
        url="https://nature.com/x",
        arxiv_id="2101.00001",
    )
    (record,) = parse_ris(to_ris([p]), "x.ris").records
    assert (record.venue, record.doi, record.url, record.arxiv_id) == (
        "Nature",
        "10.1038/x",
        "https://nature.com/x",
        "2101.00001",
    )


words = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "P", "S")), min_size=1, max_size=12
)
titles = st.lists(words, min_size=1, max_size=8).map(" ".join)
names = st.lists(
    st.text(st.characters(categories=("L",)), min_size=1, max_size=10), min_size=1, max_size=3
).map(" ".join)
papers = st.builds(
    Paper,
    id=st.integers(1, 100),
    title=titles,
    authors=st.lists(names, max_size=4).map(tuple),
    year=st.none() | st.integers(1900, 2100),
    arxiv_id=st.none() | st.sampled_from(["2406.12345", "hep-th/9901001"]),
    doi=st.none() | st.sampled_from(["10.1000/xyz", "10.1038/nature16961"]),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(papers, min_size=1, max_size=5))
def test_round_trip(items: list[Paper]):
    result = parse_ris(to_ris(items), "export.ris")
    assert result.problems == []
    assert [(r.title, r.authors, r.year, r.arxiv_id, r.doi) for r in result.records] == [
        (p.title, p.authors, p.year, p.arxiv_id, p.doi) for p in items
    ]
