"""BibTeX import: realistic files of each flavour, the ugly cases, and a fuzz."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.models import PaperRecord
from reader.parse import decode_bytes, latex_to_text, parse_bibtex

DATA = Path(__file__).parent / "data"


def parse_file(name: str):
    return parse_bibtex(decode_bytes((DATA / name).read_bytes()), name)


def by_title(records: list[PaperRecord]) -> dict[str, PaperRecord]:
    return {record.title: record for record in records}


def test_zotero_export():
    result = parse_file("zotero.bib")
    assert result.problems == []
    vaswani, grundner, lopez = result.records
    assert vaswani.title == "Attention Is All You Need"
    assert vaswani.authors[:2] == ("Ashish Vaswani", "Noam Shazeer")
    assert len(vaswani.authors) == 8
    assert (vaswani.year, vaswani.date) == (2017, "2017-08")
    # Zotero stores arXiv's DataCite DOI; it becomes the arXiv id, not the paper's DOI.
    assert (vaswani.arxiv_id, vaswani.doi) == ("1706.03762", None)
    assert vaswani.pdf_path == (
        "/home/ada/Zotero/storage/6QK2JX8B/Vaswani et al. - 2017 - Attention Is All You Need.pdf"
    )
    # Zotero's arXiv subjects become the categories an arXiv import would tag (issue 13).
    assert vaswani.tags == ("cs.CL", "cs.LG")
    assert vaswani.source == "zotero.bib"
    assert grundner.title == "Deep Learning Based Cloud Cover Parameterization for ICON"
    assert grundner.doi == "10.1029/2021ms002959"
    assert grundner.venue == "Journal of Advances in Modeling Earth Systems"
    assert "Müller's scheme & others reduce the error by 50%." in grundner.abstract
    assert grundner.pdf_path == (
        r"C:\Users\ada\Zotero\storage\ABCD1234\Grundner - 2022 - Deep Learning.pdf"
    )
    assert grundner.tags == ("climate modeling", "neural networks")  # case-insensitive dedupe
    assert lopez.authors == ("David Lopez-Paz", "Marc'Aurelio Ranzato")
    assert lopez.venue.startswith("Proceedings of the 31st International Conference")


def test_google_scholar_export():
    result = parse_file("scholar.bib")
    assert result.problems == []
    papers = by_title(result.records)
    bert = papers[
        "Bert: Pre-training of deep bidirectional transformers for language understanding"
    ]
    assert bert.arxiv_id == "1810.04805"
    assert bert.venue == ""  # "arXiv preprint arXiv:..." is not a venue
    assert papers["An undulatory theory of the mechanics of atoms and molecules"].authors == (
        "Erwin Schrödinger",
    )
    assert papers["On random graphs I"].authors == ("Paul Erdős", "Alfréd Rényi")
    assert papers["Deep residual learning for image recognition"].year == 2016


def test_arxiv_export():
    result = parse_file("arxiv.bib")
    assert result.problems == []
    assert [r.arxiv_id for r in result.records] == ["1706.03762", "hep-th/9802150", "1412.6980"]
    assert result.records[2].authors == ("Diederik P. Kingma", "Jimmy Ba")


def test_dblp_export():
    result = parse_file("dblp.bib")
    assert result.problems == []
    nips, bert, go = result.records
    assert nips.venue.endswith("Long Beach, CA, USA")  # multi-line value, braces stripped
    assert nips.arxiv_id is None and nips.year == 2017
    assert bert.title == (
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    )
    assert bert.authors[1] == "Ming-Wei Chang"
    assert (bert.arxiv_id, bert.venue) == ("1810.04805", "")
    assert go.doi == "10.1038/nature16961"
    assert "George van den Driessche" in go.authors


def test_broken_file_keeps_good_entries_and_reports_each_bad_one():
    result = parse_file("broken.bib")
    assert [r.title for r in result.records] == [
        "A Good Entry with Nested Braces Inside",
        "Still found after the broken one",
        "First title wins",
    ]
    good = result.records[0]
    assert good.authors == ("Alice Good", "The LIGO Collaboration")
    assert good.venue == "Journal of Machine Learning Research"  # @string resolved
    assert good.date == "2020-03"
    assert result.records[1].date == "2021-07-04"
    assert [(p.line, p.field) for p in result.problems] == [
        (12, "title"),
        (17, None),
        (22, None),
        (32, None),
        (36, "title"),
    ]
    reasons = [p.reason for p in result.problems]
    assert "no title" in reasons[0]
    assert "duplicate citation key 'good2020' (first used on line 4)" in reasons[1]
    assert "entry 'unclosed2018' (@book) is not closed" in reasons[2]
    assert "looks like an entry" in reasons[3]
    assert str(result.problems[1]).startswith("broken.bib:17: duplicate citation key")


def test_latin1_bytes_decode_without_error():
    result = parse_file("latin1.bib")
    assert result.problems == []
    (record,) = result.records
    assert record.title == "Über die Möglichkeit café"
    assert record.authors == ("Jürgen Müller",)


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        pytest.param(
            "letter.bib", (DATA / "not_bibtex.bib").read_text(), "not a BibTeX", id="prose"
        ),
        pytest.param("empty.bib", "", "file is empty", id="empty"),
        pytest.param("x.bib", '{"id": "1706.03762"}\n', "not a BibTeX", id="json"),
    ],
)
def test_not_bibtex_gives_one_clear_problem(name: str, text: str, reason: str):
    result = parse_bibtex(text, name)
    assert result.records == []
    assert len(result.problems) == 1
    assert reason in result.problems[0].reason
    assert str(result.problems[0]).startswith(f"{name}: ")


def test_one_megabyte_abstract():
    abstract = ("We prove that M{\\\"u}ller's bound $O(n^2)$ is tight. " * 20000)[:1_000_000]
    text = f"@article{{big,\n  title = {{Big}},\n  abstract = {{{abstract}}},\n}}\n"
    (record,) = parse_bibtex(text, "big.bib").records
    assert len(record.abstract) > 900_000
    assert record.abstract.startswith("We prove that Müller's bound $O(n^2)$ is tight.")


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        pytest.param(r"{\"o}", "ö", id="braced-umlaut"),
        pytest.param(r"\"o", "ö", id="bare-umlaut"),
        pytest.param(r"{\'e}t{\'e}", "été", id="acute"),
        pytest.param(r"\c{c}a", "ça", id="cedilla"),
        pytest.param(r"Erd{\H{o}}s", "Erdős", id="hungarian"),
        pytest.param(r"{\'\i}", "í", id="dotless-i"),
        pytest.param(r"\v{S}ar\v c", "Šarč", id="caron"),
        pytest.param(r"Stra{\ss}e {\o} {\aa}", "Straße ø å", id="letters"),
        pytest.param(r"A \& B, 5\%, \$3, \#1, a\_b", "A & B, 5%, $3, #1, a_b", id="escapes"),
        pytest.param("{Nested {Braces {Deep}}}", "Nested Braces Deep", id="nested-braces"),
        pytest.param(r"\emph{Homo} \textbf{sapiens}", "Homo sapiens", id="formatting"),
        pytest.param(r"$\alpha$-divergence", r"$\alpha$-divergence", id="math-verbatim"),
        pytest.param("``Why?'' -- yes---no", "“Why?” – yes—no", id="ligatures"),
        pytest.param("a~b\n   c", "a b c", id="tie-and-whitespace"),
        pytest.param("improved by 5% today", "improved by 5% today", id="bare-percent"),
        pytest.param(r"\href{http://x.org}{site}", "site", id="href"),
        pytest.param(r"unbalanced { brace", "unbalanced brace", id="unbalanced"),
    ],
)
def test_latex_to_text(latex: str, text: str):
    assert latex_to_text(latex) == text


@pytest.mark.parametrize(
    ("fields", "year", "date"),
    [
        pytest.param("year = {2020}, month = jan", 2020, "2020-01", id="macro-month"),
        pytest.param("year = 2020, month = {September}", 2020, "2020-09", id="full-month"),
        pytest.param("year = {2020}, month = {11}", 2020, "2020-11", id="numeric-month"),
        pytest.param("date = {2019-05-17}", 2019, "2019-05-17", id="biblatex-date"),
        pytest.param("year = {in press}", None, None, id="no-year"),
        pytest.param("year = {2021a}", 2021, None, id="year-suffix"),
    ],
)
def test_year_and_date(fields: str, year: int | None, date: str | None):
    (record,) = parse_bibtex(f"@misc{{k, title = {{T}}, {fields}}}", "x.bib").records
    assert (record.year, record.date) == (year, date)


@pytest.mark.parametrize(
    ("fields", "arxiv_id", "doi"),
    [
        pytest.param(
            "eprint = {2406.12345v2}, archivePrefix = {arXiv}", "2406.12345", None, id="eprint"
        ),
        pytest.param("arxivid = {2406.12345}", "2406.12345", None, id="mendeley"),
        pytest.param(
            "url = {https://arxiv.org/pdf/2406.12345v1.pdf}", "2406.12345", None, id="pdf-url"
        ),
        pytest.param("doi = {https://doi.org/10.1000/ABC}", None, "10.1000/abc", id="doi-url"),
        pytest.param(r"doi = {10.1000/a\_b}", None, "10.1000/a_b", id="escaped-doi"),
        pytest.param("note = {arXiv: hep-th/9901001}", "hep-th/9901001", None, id="note"),
        pytest.param("eprint = {12345}, eprinttype = {pubmed}", None, None, id="not-arxiv"),
    ],
)
def test_identifiers(fields: str, arxiv_id: str | None, doi: str | None):
    (record,) = parse_bibtex(f"@misc{{k, title = {{T}}, {fields}}}", "x.bib").records
    assert (record.arxiv_id, record.doi) == (arxiv_id, doi)


def test_authors_forms():
    text = (
        "@misc{k, title={T}, author = {Knuth, Donald E. and Ludwig van Beethoven and "
        r"Beeblebrox, IV, Zaphod and {Google Research} and M{\"u}ller, J. and others}}"
    )
    (record,) = parse_bibtex(text, "x.bib").records
    assert record.authors == (
        "Donald E. Knuth",
        "Ludwig van Beethoven",
        "Zaphod Beeblebrox IV",
        "Google Research",
        "J. Müller",
    )


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text())
def test_never_raises_on_arbitrary_text(text: str):
    result = parse_bibtex(text, "fuzz.bib")
    assert result.records or result.problems or not text.strip() or "@" in text


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet='@{}()=,"\\%#ab \n', max_size=200))
def test_never_raises_on_bibtex_shaped_noise(text: str):
    parse_bibtex(text, "fuzz.bib")


def test_an_extra_brace_that_ends_an_entry_early_is_said_and_the_entry_skipped():
    """BibTeX reads what follows an entry's end as a comment: ", author = ..." after an
    extra "}" was dropped, and the paper was imported without authors, year or DOI."""
    text = (
        "@article{s2, title = {Stray brace}}, author = {Doe, Jane}, year = {2021},\n"
        "  doi = {10.1/xyz}}\n"
        "@article{ok, title={Fine}, year=2020}\n"
        "Some notes between entries, even = signs in them.\n"
    )
    result = parse_bibtex(text, "x.bib")
    assert [r.title for r in result.records] == ["Fine"]
    assert [str(p) for p in result.problems] == [
        "x.bib:1: entry 's2' ends early: an extra '}' before its fields author, year, doi; "
        "entry skipped"
    ]


def test_string_macros_joined_with_hash_are_expanded():
    """A macro alone was expanded, one joined to text with # was not: the title read
    "pre # for grokking"."""
    text = (
        '@string{pre = "Scaling laws"}\n'
        "@article{a, title = pre # { for grokking}, journal = pre # { (\\# 2)},"
        " year = 20 # 21}\n"
        "@article{b, title = {C\\# and F\\# in one}}\n"
    )
    result = parse_bibtex(text, "x.bib")
    assert not result.problems
    assert [(r.title, r.venue, r.year) for r in result.records] == [
        ("Scaling laws for grokking", "Scaling laws (# 2)", 2021),
        ("C# and F# in one", "", None),
    ]
