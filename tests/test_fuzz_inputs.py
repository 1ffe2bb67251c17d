"""Bad input everywhere: every parser and every place a user's text reaches the store
gives a clean error or a correct result, never an unhandled exception, and a rejected
input changes nothing in the database.

Examples per test: ``READER_FUZZ_EXAMPLES`` (default 150; the suite's fuzzing stays
well under a minute). For a long run::

    READER_FUZZ_EXAMPLES=5000 /work/venv/bin/python -m pytest -q -p no:cacheprovider \\
        tests/test_fuzz_inputs.py
"""

from __future__ import annotations

import json
import os
import sqlite3
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.ids import normalize_arxiv_id, normalize_doi
from reader.models import PaperRecord, ParseResult
from reader.parse import detect_format, sniff_format
from reader.parse.arxiv_jsonl import parse_arxiv_jsonl
from reader.parse.bibtex import parse_bibtex
from reader.parse.ris import parse_ris
from reader.parse.seeds import parse_seed_page
from reader.service import ServiceError, StoreError, open_service, parse_stars
from reader.store import fts_query
from reader.when import WhenError, parse_period, parse_when

EXAMPLES = int(os.environ.get("READER_FUZZ_EXAMPLES", "150"))
fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# Storing through the database is slower: a third as many.
fuzz_db = settings(fuzz, max_examples=max(EXAMPLES // 3, 10))

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

# Text that has broken parsers before: markup, escapes, NUL, lone surrogates, the
# formats' own syntax.
NASTY = [
    "\x00", "\x1b[31m", "\x1b]0;title\x07", "\ud800", "\udfff", "\ufeff", "\u202e",
    "[bold]", "[/]", "{", "}", "\\", "\\'", "\\emph{", "$", "%", "@", "#", ",", "=", '"',
    "\n", "\r\n", "\t", " and ", "TY  - ", "ER  - ", "AU  - ", "@article{", "10.1000/",
    "arXiv:", "2401.00001", "v2", "hep-th/", "http://", "\u00e9", "e\u0301", "\U0001f600",
]  # fmt: skip
nasty_text = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=8)), max_size=12).map(
    "".join
)
any_text = st.one_of(st.text(), nasty_text)
field = st.one_of(nasty_text, st.text(alphabet=string.printable, max_size=30))


def _check_records(result: ParseResult) -> None:
    assert isinstance(result, ParseResult)
    for record in result.records:
        assert isinstance(record, PaperRecord)
        assert isinstance(record.title, str) and record.title.strip()
        assert all(isinstance(a, str) for a in record.authors)
        if record.arxiv_id is not None:
            assert normalize_arxiv_id(record.arxiv_id) == record.arxiv_id
        if record.doi is not None:
            assert record.doi == record.doi.strip().lower()
    for problem in result.problems:
        assert isinstance(problem.reason, str) and problem.reason


# Parsers ---------------------------------------------------------------------------------


@fuzz
@given(st.lists(st.one_of(any_text, field.map(lambda t: f"[{t}](http://x/{t})")), max_size=20))
def test_seed_page(lines: list[str]) -> None:
    _check_records(parse_seed_page("\n".join(lines)))


bibtex_entry = st.builds(
    "@{}{{{}, title={{{}}}, author={{{}}}, year={{{}}}, doi={{{}}}, eprint={{{}}}, {}}}".format,
    st.sampled_from(["article", "inproceedings", "misc", "ARTICLE", "string", "comment", ""]),
    field, field, field, field, field, field, field,
)  # fmt: skip


@fuzz
@given(st.lists(st.one_of(bibtex_entry, any_text), max_size=5).map("\n".join))
def test_bibtex(text: str) -> None:
    _check_records(parse_bibtex(text, "fuzz.bib"))


ris_record = st.builds(
    "TY  - {}\nTI  - {}\nAU  - {}\nPY  - {}\nDO  - {}\nKW  - {}\n{}\nER  - \n".format,
    st.sampled_from(["JOUR", "CONF", "GEN", "", "???"]),
    field, field, field, field, field, field,
)  # fmt: skip


@fuzz
@given(st.lists(st.one_of(ris_record, any_text), max_size=5).map("\n".join))
def test_ris(text: str) -> None:
    _check_records(parse_ris(text, "fuzz.ris"))


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), any_text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(any_text, inner, max_size=3)
    ),
    max_leaves=6,
)
arxiv_line = st.fixed_dictionaries(
    {
        "id": st.one_of(st.just("2401.00001"), field),
        "title": st.one_of(field, json_value),
        "abstract": st.one_of(field, json_value),
        "authors": st.one_of(field, json_value),
        "categories": st.one_of(st.just("cs.LG"), field),
        "update_date": st.one_of(st.just("2024-01-02"), field),
    },
    optional={"doi": field, "versions": json_value, "authors_parsed": json_value},
).map(lambda d: json.dumps(d))


@fuzz
@given(st.lists(st.one_of(arxiv_line, any_text), max_size=6).map("\n".join))
def test_arxiv_jsonl(text: str) -> None:
    _check_records(parse_arxiv_jsonl(text, "fuzz.jsonl"))


@fuzz
@given(st.text(max_size=30), any_text)
def test_format_detection(name: str, head: str) -> None:
    assert detect_format(name, head) is None or isinstance(detect_format(name, head), str)
    sniff_format(head)


# Identifiers, dates, periods -----------------------------------------------------------------


@fuzz
@given(st.one_of(any_text, st.from_regex(r"(arXiv:)?\d{4}\.\d{4,5}(v\d+)?", fullmatch=True)))
def test_arxiv_ids(text: str) -> None:
    found = normalize_arxiv_id(text)
    assert found is None or normalize_arxiv_id(found) == found


@fuzz
@given(st.from_regex(r"\d{4}\.\d{4,5}", fullmatch=True), st.integers(1, 30))
def test_arxiv_ids_are_found_in_every_spelling(core: str, version: int) -> None:
    for spelling in (core, f"{core}v{version}", f"arXiv:{core}", f"https://arxiv.org/abs/{core}"):
        assert normalize_arxiv_id(spelling) == core


@fuzz
@given(
    st.one_of(any_text, st.from_regex(r"(doi:|https://doi\.org/)?10\.\d{4,9}/\S+", fullmatch=True))
)
def test_dois(text: str) -> None:
    found = normalize_doi(text)
    assert found is None or (found.startswith("10.") and normalize_doi(found) == found)


period_text = st.one_of(
    any_text,
    st.builds(
        "{} {} {}".format,
        st.sampled_from(["in", "", "a", "an", "one", "2", "-1", "0", "99999", "1.5"]),
        st.sampled_from(["day", "days", "week", "weeks", "fortnight", "month", "years", "x"]),
        st.sampled_from(["", "and 2 days", ", 1 week", "ago"]),
    ),
)


@fuzz
@given(period_text)
def test_periods(text: str) -> None:
    try:
        delta = parse_period(text)
    except WhenError as error:
        assert str(error) and "\n" not in str(error).strip("\n")
        return
    assert NOW + delta > NOW


@fuzz
@given(
    st.one_of(
        period_text,
        st.sampled_from(
            ["today", "tomorrow", "next monday", "fri", "2027-01-10", "jan 10", "31 feb"]
        ),
        st.dates().map(str),
    ),
    st.booleans(),
)
def test_dates(text: str, allow_past: bool) -> None:
    try:
        when = parse_when(text, NOW, allow_past=allow_past)
    except WhenError as error:
        assert str(error)
        return
    assert when.tzinfo is not None
    if not allow_past:
        assert when.date() >= NOW.date()


# Through the database --------------------------------------------------------------------


def _snapshot(db: Path) -> list[tuple]:
    """Everything the user has: the rows of every table (FTS shadow tables included)."""
    conn = sqlite3.connect(db)
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name != 'search' ORDER BY name"
        )
    ]
    rows = [(t, *r) for t in tables for r in conn.execute(f'SELECT * FROM "{t}" ORDER BY 1')]
    conn.close()
    return rows


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("fuzz") / "reader.db"
    service = open_service(db)
    service.add_note(1, "a note about grokking")
    yield service
    service.close()


@fuzz
@given(st.one_of(any_text, st.builds("{} {}* {}".format, field, field, field)))
def test_search_queries(shared, query: str) -> None:
    before = shared.store.db.conn.total_changes
    query_text = fts_query(query)
    assert query_text is None or query_text.count('"') % 2 == 0
    results = shared.search(query)
    assert all(p.id > 0 for p in results)
    assert shared.store.db.conn.total_changes == before


@fuzz_db
@given(
    st.one_of(
        st.integers(-10, 10),
        st.integers(),
        any_text,
        st.sampled_from(["3", " 4 ", "0", "5.0", "٣"]),
    )
)
def test_star_values(shared, value) -> None:
    count = shared.store.conn.scalar("SELECT count(*) FROM rating_events")
    try:
        expected = parse_stars(value)
    except ServiceError:
        with pytest.raises(ServiceError):
            shared.rate(2, value)
        assert shared.store.conn.scalar("SELECT count(*) FROM rating_events") == count
        return
    assert expected is None or 1 <= expected <= 5
    assert shared.rate(2, value).stars == expected
    assert shared.store.conn.scalar("SELECT count(*) FROM rating_events") == count + 1


@fuzz_db
@given(
    st.sampled_from(["fuzz.bib", "fuzz.ris", "fuzz.jsonl"]),
    st.lists(st.one_of(bibtex_entry, ris_record, arxiv_line, any_text), max_size=4),
)
def test_imports(tmp_path_factory, name: str, parts: list[str]) -> None:
    """A whole import of a fuzzed file: a report, or one clean error and nothing stored."""
    folder = tmp_path_factory.mktemp("imp")
    db = folder / "reader.db"
    service = open_service(db)
    try:
        service.store.merges.refresh_title_keys()  # derived; an import computes them first
        before = _snapshot(db)
        path = folder / name
        path.write_bytes("\n".join(parts).encode("utf-8", "surrogatepass"))
        try:
            report = service.import_files([path])
        except StoreError as error:
            assert "\n" not in str(error)
            assert _snapshot(db) == before
            return
        if report.added == 0 and report.updated == 0:
            assert _snapshot(db) == before
    finally:
        service.close()


@fuzz_db
@given(st.text(st.characters(), min_size=1, max_size=40), nasty_text)
def test_notes_and_tags(shared, note: str, tag: str) -> None:
    """Any text as a note or tag: stored and read back exactly, or refused with nothing
    stored (lone surrogates cannot be UTF-8)."""
    before = _snapshot(shared.path)
    try:
        saved = shared.add_note(3, note)
    except StoreError as error:
        assert "lone surrogate" in str(error) or "empty" in str(error)
        assert _snapshot(shared.path) == before
    else:
        assert shared.store.reading.get_note(saved.id).text == note
        shared.delete_note(saved.id)
    before = _snapshot(shared.path)
    try:
        paper = shared.tag(3, [tag])
    except StoreError as error:
        assert "\n" not in str(error)
        assert _snapshot(shared.path) == before
    else:
        assert " ".join(tag.split()) in paper.tags
        shared.untag(3, [tag])
