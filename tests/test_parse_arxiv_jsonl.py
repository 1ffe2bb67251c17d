"""arXiv metadata snapshot (JSON Lines): streaming, filters, bad lines, speed sanity."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.models import PaperRecord, ParseProblem
from reader.parse import iter_arxiv_jsonl, parse_arxiv_jsonl

DATA = Path(__file__).parent / "data"
SNAPSHOT = DATA / "arxiv_snapshot.jsonl"


def records(**kwargs) -> list[tuple[int, PaperRecord | ParseProblem]]:
    with SNAPSHOT.open(encoding="utf-8") as lines:
        return list(iter_arxiv_jsonl(lines, "snap.json", **kwargs))


def test_sample_records_and_problems():
    items = dict(records())
    first = items[1]
    assert isinstance(first, PaperRecord)
    assert first.title == (
        "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert first.authors == ("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan")
    assert first.abstract.startswith("A fully differential calculation in perturbative")
    assert "\n" not in first.abstract and "  " not in first.abstract
    assert (first.year, first.date) == (2007, "2007-04-02")  # versions[0], not update_date
    assert first.doi == "10.1103/physrevd.76.013009"
    assert first.venue == "Phys.Rev.D76:013009,2007"
    assert first.url == "https://arxiv.org/abs/0704.0001"
    assert first.tags == ("hep-ph",)
    assert items[2].tags == ("cs.CL", "cs.LG")
    assert 3 not in items  # blank line
    assert items[4].arxiv_id == "hep-th/9802150"
    adam = items[5]
    assert adam.authors == ("Diederik P. Kingma", "Jimmy Ba")  # from the `authors` string
    assert adam.date == "2017-01-31"  # no versions: update_date
    assert isinstance(items[6], ParseProblem) and "the line is cut off" in items[6].reason
    assert items[7].field == "title"
    assert items[8].reason == "not a JSON object"
    assert items[9].title == "Schödinger bridges and ça va"
    assert items[10].doi == "10.1000/abc"
    assert items[10].authors == ("Emmy Noether", "Marie Curie Jr")


@pytest.mark.parametrize(
    ("categories", "since", "expected"),
    [
        pytest.param(["cs"], None, ["1706.03762", "1412.6980"], id="prefix"),
        pytest.param(["cs.LG"], None, ["1706.03762", "1412.6980"], id="exact"),
        pytest.param(["cs.L"], None, [], id="not-a-partial-prefix"),
        pytest.param(
            ["hep-th", "math.PR"],
            None,
            ["hep-th/9802150", "2101.00003", "2101.00004"],
            id="several",
        ),
        pytest.param(
            [],
            date(2017, 1, 31),
            ["1706.03762", "1412.6980", "2101.00003", "2101.00004"],
            id="since-inclusive",
        ),
        pytest.param(["cs"], date(2017, 2, 1), ["1706.03762"], id="both"),
    ],
)
def test_filters(categories: list[str], since: date | None, expected: list[str]):
    kept = [
        item.arxiv_id
        for _, item in records(categories=categories, since=since)
        if isinstance(item, PaperRecord)
    ]
    assert kept == expected


@pytest.mark.parametrize(
    "first_line",
    [
        pytest.param("@article{x, title={T}}", id="bibtex"),
        pytest.param("[", id="json-array"),
        pytest.param('{"papers": []}', id="other-json"),
        pytest.param("TY  - JOUR", id="ris"),
    ],
)
def test_not_the_format_gives_one_problem_and_stops(first_line: str):
    lines = ["", first_line] + [json.dumps({"id": "2101.00001", "title": "T"})] * 3
    items = list(iter_arxiv_jsonl(lines, "x.json"))
    assert len(items) == 1
    line, problem = items[0]
    assert line == 2 and isinstance(problem, ParseProblem)
    assert problem.reason.startswith("not an arXiv metadata JSON Lines file")


def test_streams_lazily():
    def lines():
        yield json.dumps({"id": "2101.00001", "title": "First"})
        raise AssertionError("read past the first record")

    number, item = next(iter_arxiv_jsonl(lines(), "x"))
    assert (number, item.title) == (1, "First")


def test_one_megabyte_abstract():
    line = json.dumps({"id": "2101.00001", "title": "T", "abstract": "word " * 200_000})
    (record,) = parse_arxiv_jsonl(line, "x").records
    assert len(record.abstract) == len("word " * 200_000) - 1


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(), max_size=5))
def test_never_raises_on_arbitrary_lines(lines: list[str]):
    for _, item in iter_arxiv_jsonl(lines, "fuzz"):
        assert isinstance(item, (PaperRecord, ParseProblem))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.fixed_dictionaries(
        {"id": st.sampled_from(["2101.00001", "hep-th/9901001", "x"]), "title": json_values},
        optional={
            key: json_values
            for key in (
                "abstract",
                "authors",
                "authors_parsed",
                "categories",
                "doi",
                "versions",
                "update_date",
                "journal-ref",
            )
        },
    )
)
def test_never_raises_on_wrongly_typed_fields(obj: dict):
    items = list(
        iter_arxiv_jsonl([json.dumps(obj)], "fuzz", categories=["cs"], since=date(2000, 1, 1))
    )
    assert all(isinstance(item, (PaperRecord, ParseProblem)) for _, item in items)


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("id", 2101.00002, "expected text, got a number"),
        ("title", ["A title"], "expected text, got a list"),
        ("abstract", {"text": "x"}, "expected text, got an object"),
        ("authors", [["Lovelace", "Ada"]], "expected text, got a list"),
        ("categories", ["cs.LG"], "expected text, got a list"),
        ("doi", 10, "expected text, got a number"),
    ],
)
def test_a_field_of_the_wrong_type_is_named(field: str, value: object, reason: str):
    """Not "malformed record: 'list' object has no attribute 'strip'": the field and what
    it should have been, as the other importers say it."""
    obj = {"id": "2101.00001", "title": "A title", field: value}
    result = parse_arxiv_jsonl(json.dumps(obj), "dump.jsonl")
    assert not result.records
    assert [str(p) for p in result.problems] == [f"dump.jsonl:1: {field}: {reason}; skipped"]


def test_authors_listed_one_by_one_are_read():
    """Other tools' JSON (and a synthetic catalog's) lists authors as a list of names."""
    obj = {"id": "2101.00001", "title": "A title", "authors": ["Ada  Lovelace", "Bal\\'azs C."]}
    (record,) = parse_arxiv_jsonl(json.dumps(obj)).records
    assert record.authors == ("Ada Lovelace", "Balázs C.")


def test_a_category_too_long_for_a_tag_is_not_one():
    obj = {"id": "2101.00001", "title": "A title", "categories": "cs.LG " + "x" * 500}
    (record,) = parse_arxiv_jsonl(json.dumps(obj)).records
    assert record.tags == ("cs.LG",)
