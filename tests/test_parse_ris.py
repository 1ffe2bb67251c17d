"""RIS import: Zotero and publisher exports, broken records, and a fuzz."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.parse import decode_bytes, parse_ris

DATA = Path(__file__).parent / "data"


def parse_file(name: str):
    return parse_ris(decode_bytes((DATA / name).read_bytes()), name)


def test_zotero_export():
    result = parse_file("zotero.ris")
    assert result.problems == []
    vaswani, go = result.records
    assert vaswani.title == "Attention Is All You Need"
    assert vaswani.authors[0] == "Ashish Vaswani" and len(vaswani.authors) == 8
    assert (vaswani.year, vaswani.date) == (2017, "2017-08-01")
    assert (vaswani.arxiv_id, vaswani.doi) == ("1706.03762", None)
    assert vaswani.pdf_path.endswith("Attention Is All You Need.pdf")
    assert vaswani.pdf_path.startswith("/home/ada/")
    assert go.venue == "Nature"
    assert go.doi == "10.1038/nature16961"
    assert go.date == "2016-01"
    assert go.authors[-1] == "George van den Driessche"
    assert go.tags == ("Computational science", "Computer science", "Reward")


def test_publisher_export_with_header_wrapped_abstract_and_bad_record():
    result = parse_file("publisher.ris")
    survey, no_er = result.records
    assert survey.title == "A survey on deep learning in medical image analysis"
    assert survey.venue == "Medical Image Analysis"
    assert survey.abstract.endswith("pertinent to medical image analysis.")
    assert "rapidly become a methodology" in survey.abstract  # continuation lines joined
    assert survey.doi == "10.1016/j.media.2017.07.005"
    assert survey.tags == ("Deep learning", "Convolutional neural networks")
    assert no_er.title == "Record without ER at the end of the file"
    assert no_er.authors == ("Andrew Y. Ng", "Michael I. Jordan")
    problem, unclosed = result.problems
    assert (problem.line, problem.field) == (26, "TI")
    assert str(problem) == "publisher.ris:26: TI: record has no title (TI or T1); skipped"
    # Kept, but not in silence: a file cut short ends the same way.
    assert unclosed.warning and not problem.warning
    assert str(unclosed) == (
        "publisher.ris:31: record is not closed (the file ends before its 'ER  -' line); "
        "imported as far as it goes: check the file is complete"
    )


def test_windows_1252_bytes_and_crlf():
    (record,) = parse_file("cp1252.ris").records
    assert record.title == "Windows line endings été"
    assert record.authors == ("María López",)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("", "not a RIS file", id="empty"),
        pytest.param("@article{x, title={T}}\n", "not a RIS file", id="bibtex"),
        pytest.param((DATA / "not_bibtex.bib").read_text(), "not a RIS file", id="prose"),
    ],
)
def test_not_ris_gives_one_clear_problem(text: str, reason: str):
    result = parse_ris(text, "in.ris")
    assert result.records == []
    assert [p.reason.split(":")[0] for p in result.problems] == [reason]


@pytest.mark.parametrize(
    ("lines", "year", "date"),
    [
        pytest.param(["PY  - 2019"], 2019, None, id="year"),
        pytest.param(["PY  - 2019///"], 2019, None, id="empty-parts"),
        pytest.param(["PY  - 2019/05/03/"], 2019, "2019-05-03", id="full-py"),
        pytest.param(["Y1  - 2018/11//"], 2018, "2018-11", id="y1"),
        pytest.param(["DA  - 2020-02-29"], 2020, "2020-02-29", id="iso-da"),
        pytest.param(["PY  - 2020", "DA  - 2020/07/01/"], 2020, "2020-07-01", id="py-and-da"),
    ],
)
def test_dates(lines: list[str], year: int, date: str | None):
    text = "\n".join(["TY  - JOUR", "TI  - T", *lines, "ER  - "])
    (record,) = parse_ris(text, "x.ris").records
    assert (record.year, record.date) == (year, date)


def test_text_after_records_is_reported_once():
    text = "TY  - JOUR\nTI  - T\nER  - \nstray line\nAU  - Orphan, Tag\n"
    result = parse_ris(text, "x.ris")
    assert len(result.records) == 1
    assert [p.line for p in result.problems] == [4]


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text())
def test_never_raises_on_arbitrary_text(text: str):
    result = parse_ris(text, "fuzz.ris")
    assert result.records or result.problems


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["TY", "TI", "AU", "PY", "DA", "DO", "UR", "ER", "KW", "XX"]),
            st.text(max_size=20),
        ),
        max_size=30,
    )
)
def test_never_raises_on_ris_shaped_noise(pairs: list[tuple[str, str]]):
    parse_ris("\n".join(f"{tag}  - {value}" for tag, value in pairs), "fuzz.ris")
