"""The seed page parser, its id mapping, the shipped catalog built from both, and seeding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader import seedcatalog
from reader.models import PaperRecord
from reader.parse.seeds import (
    MAPPING_COLUMNS,
    IdMappingResult,
    apply_id_mapping,
    extract_links,
    parse_id_mapping,
    parse_seed_page,
    wellformed_arxiv_id,
)
from reader.service import open_service

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "seeds" / "daily-papers-generalization.txt"
MAPPING = ROOT / "seeds" / "daily-papers-generalization.ids.tsv"
HEADER = "\t".join(MAPPING_COLUMNS)

ABSTRACT = (
    "We study how models generalize out of distribution. Our method improves robustness "
    "across many benchmarks, and we analyse why it works in theory and in practice."
)


def test_real_page_gives_all_52_papers_exactly() -> None:
    text = PAGE.read_text("utf-8")
    result = parse_seed_page(text, source="seed")
    assert result.problems == []
    assert len(result.records) == 52
    # Every title and abstract is a line of the page, verbatim.
    lines = set(text.splitlines())
    assert all(r.title in lines and r.abstract in lines for r in result.records)
    assert result.records[0].title == (
        "OMEGA: Can LLMs Reason Outside the Box in Math? Evaluating Exploratory, "
        "Compositional, and Transformative Generalization"
    )
    assert result.records[-1].title == (
        "Can AI Dream of Unseen Galaxies? Conditional Diffusion Model for Galaxy "
        "Morphology Augmentation"
    )
    assert result.records[0].abstract.startswith("Recent large-scale language models (LLMs)")
    assert all(r.abstract for r in result.records)
    titles = [r.title for r in result.records]
    assert len(set(titles)) == 52
    assert not any(t in {"new", "Subscribe", "Jun 26"} for t in titles)


def test_real_page_code_links() -> None:
    records = {r.title: r for r in parse_seed_page(PAGE.read_text("utf-8")).records}
    graphfm = records["GraphFM: A Comprehensive Benchmark for Graph Foundation Model"]
    assert graphfm.code_url == "https://github.com/NYUSHCS/GraphFM"  # sentence's period dropped
    hamster = records["HAMSTER: Hierarchical Action Models For Open-World Robot Manipulation"]
    assert hamster.code_url is None and hamster.url == "https://hamster-robot.github.io/"
    assert sum(1 for r in records.values() if r.code_url) == 10


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        ("Code: https://github.com/a/b.", (None, "https://github.com/a/b", None)),
        ("See arXiv:2406.12345v2 and https://arxiv.org/abs/2406.12345", ("2406.12345", None, None)),
        (
            "Project https://x.github.io/p/ and code https://gitlab.com/g/r;",
            (None, "https://gitlab.com/g/r", "https://x.github.io/p/"),
        ),
        (
            "Full paper at https://arxiv.org/pdf/hep-th/9901001v1 here.",
            ("hep-th/9901001", None, None),
        ),
        ("No links at all.", (None, None, None)),
        (
            "Weights (https://huggingface.co/org/model) released",
            (None, "https://huggingface.co/org/model", None),
        ),
    ],
    ids=["github-period", "arxiv", "project-and-gitlab", "old-arxiv-pdf", "none", "hf-parens"],
)
def test_extract_links(abstract: str, expected: tuple) -> None:
    assert extract_links(abstract) == expected


def test_furniture_anywhere_is_skipped_and_oddities_reported() -> None:
    page = "\n".join(
        [
            "new",
            "",
            "Get trending papers in your email inbox!",
            "",
            "Subscribe",
            "",
            "byAK and the research community",
            "",
            "Jun 26",
            "",
            "First Title",
            "",
            ABSTRACT,
            "",
            "Jul 3, 2024",
            "",
            "42",
            "",
            "Second Title Without Abstract",
            "",
            "Third Title",
            "",
            ABSTRACT + " Code at https://github.com/x/y.",
            "",
            ABSTRACT,  # an abstract with no title before it
        ]
    )
    result = parse_seed_page(page, source="page.txt")
    assert [r.title for r in result.records] == [
        "First Title",
        "Second Title Without Abstract",
        "Third Title",
    ]
    assert result.records[1].abstract == ""
    assert result.records[2].code_url == "https://github.com/x/y"
    assert [str(p) for p in result.problems] == [
        "page.txt:25: title: abstract without a title line before it"
    ]


def test_empty_page_gives_nothing() -> None:
    result = parse_seed_page("")
    assert result.records == [] and result.problems == []


def test_shipped_catalog_matches_the_page_and_mapping(tmp_path: Path) -> None:
    """The JSONL in seeds/ is what the documented command builds from the page + mapping."""
    output = tmp_path / "rebuilt.jsonl"
    assert seedcatalog.main([str(PAGE), "-o", str(output)]) == 0  # finds the mapping itself
    shipped = PAGE.with_suffix(".jsonl").read_text("utf-8")
    assert output.read_text("utf-8") == shipped
    # Titles and abstracts stay the page's, verbatim and in order; the mapping only adds.
    page_records = parse_seed_page(PAGE.read_text("utf-8")).records
    catalog = seedcatalog.seed_records()
    assert [(r.title, r.abstract) for r in catalog] == [(r.title, r.abstract) for r in page_records]
    rows = {row.title: row for row in _real_mapping().rows}
    for record in catalog:
        row = rows.get(record.title)
        if row is None:
            assert record.arxiv_id is None and record.authors == () and record.year is None
        else:
            assert record.arxiv_id == row.arxiv_id
            assert record.url == f"https://arxiv.org/abs/{row.arxiv_id}"
            assert record.authors == row.authors and record.year == row.year


def test_catalog_without_a_mapping_is_the_bare_page(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PAGE.read_text("utf-8"), "utf-8")  # no page.ids.tsv beside it
    assert seedcatalog.main([str(page)]) == 0
    lines = (tmp_path / "page.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 52
    assert not any("arxiv_id" in json.loads(line) for line in lines)


def _real_mapping() -> IdMappingResult:
    titles = [r.title for r in parse_seed_page(PAGE.read_text("utf-8")).records]
    return parse_id_mapping(MAPPING.read_text("utf-8"), titles=titles, source=str(MAPPING))


def test_real_mapping_ids_are_wellformed_unique_sourced_and_titles_exact() -> None:
    result = _real_mapping()
    assert [str(p) for p in result.problems] == []
    page_titles = {r.title for r in parse_seed_page(PAGE.read_text("utf-8")).records}
    ids = [row.arxiv_id for row in result.rows]
    assert len(result.rows) == 50
    assert all(wellformed_arxiv_id(i) == i for i in ids)
    assert len(set(ids)) == len(ids)
    assert len({row.title for row in result.rows}) == len(result.rows)
    assert all(row.title in page_titles for row in result.rows)
    assert all(row.source.startswith(("http://", "https://")) for row in result.rows)
    # Every data line of the file became a row: none was dropped for a problem.
    data_lines = [
        line
        for line in MAPPING.read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(data_lines) == len(result.rows) + 1  # + the header
    # The two papers without a citable source are bare, and the file says why.
    bare = page_titles - {row.title for row in result.rows}
    assert bare == {
        "Learning Hierarchical Polynomials with Three-Layer Neural Networks",
        "Learning to Reweight for Graph Neural Network",
    }
    comments = "\n".join(
        line for line in MAPPING.read_text("utf-8").splitlines() if line.startswith("#")
    )
    assert all(title in comments for title in bare)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2406.12345", "2406.12345"),
        ("2406.12345v2", "2406.12345"),
        ("0704.0001", "0704.0001"),
        ("1412.9999", "1412.9999"),
        ("1501.00001", "1501.00001"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("hep-th/9901001v3", "hep-th/9901001"),
        ("math.GT/0309136", "math.GT/0309136"),
        ("2406.1234", None),  # five digits since 1501
        ("1412.12345", None),  # four digits before 1501
        ("2413.12345", None),  # no 13th month
        ("0612.1234", None),  # new-style ids start in 0704
        ("2406.12345v0", None),
        ("2406.12345.", None),
        ("arXiv:2406.12345", None),  # the cell holds the bare id, not a citation
        ("https://arxiv.org/abs/2406.12345", None),
        ("hep-th/9913001", None),
        ("hep-th/990100", None),
        ("", None),
    ],
)
def test_wellformed_arxiv_id(text: str, expected: str | None) -> None:
    assert wellformed_arxiv_id(text) == expected


TITLES = ["First Title", "Second Title", "Third Title"]
GOOD = "First Title\t2406.12345\tAda Lovelace; Alan Turing\t2024\thttps://example.org/p (authors)"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            [HEADER, "First Title\t24O6.12345\t\t2024\thttps://example.org/p"],
            "ids.tsv:2: arxiv_id: not a well-formed arXiv id: '24O6.12345'",
        ),
        (
            [HEADER, "first title\t2406.12345\t\t2024\thttps://example.org/p"],
            "ids.tsv:2: title: no paper on the page has exactly this title: 'first title'",
        ),
        (
            [HEADER, GOOD, "Second Title\t2406.12345v2\t\t2024\thttps://example.org/q"],
            "ids.tsv:3: arxiv_id: arXiv id 2406.12345 already used on line 2",
        ),
        (
            [HEADER, GOOD, "First Title\t2406.54321\t\t2024\thttps://example.org/q"],
            "ids.tsv:3: title: title already mapped on line 2",
        ),
        (
            ["# a comment", HEADER, "", "First Title\t2406.12345\t2024\thttps://example.org/p"],
            "ids.tsv:4: expected 5 tab-separated cells, found 4",
        ),
        (
            [HEADER, "First Title\t2406.12345\t\t2023\thttps://example.org/p"],
            "ids.tsv:2: year: 2023 is not the year of arXiv:2406.12345's first version (2024)",
        ),
        (
            [HEADER, "First Title\t2406.12345\t\t24\thttps://example.org/p"],
            "ids.tsv:2: year: not a four-digit year: '24'",
        ),
        (
            [HEADER, "First Title\t2406.12345\tAda;;Alan\t2024\thttps://example.org/p"],
            "ids.tsv:2: authors: an empty name between separators",
        ),
        (
            [HEADER, "First Title\t2406.12345\t\t2024\tfound it somewhere"],
            "ids.tsv:2: source: each source must be a URL or owner/repo:path",
        ),
        (
            [HEADER, "First Title\t2406.12345\t\t2024\t"],
            "ids.tsv:2: source: each source must be a URL or owner/repo:path",
        ),
        (
            ["title\tid\tauthors\tyear\tsource", GOOD],
            "ids.tsv:1: header must be the columns title, arxiv_id, authors, year, source",
        ),
        (["# only comments"], "ids.tsv:1: no header line (title, arxiv_id, authors, year, source)"),
    ],
    ids=[
        "malformed-id",
        "title-not-on-page",
        "duplicate-id",
        "duplicate-title",
        "cell-count",
        "year-not-first-version",
        "year-not-four-digits",
        "empty-author",
        "source-not-a-url",
        "source-missing",
        "bad-header",
        "no-header",
    ],
)
def test_bad_mapping_rows_are_reported_by_line(lines: list[str], expected: str) -> None:
    result = parse_id_mapping("\n".join(lines), titles=TITLES, source="ids.tsv")
    assert [str(p) for p in result.problems] == [expected]
    assert all(row.line != int(expected.split(":")[1]) for row in result.rows)


def test_good_rows_survive_a_bad_neighbour_and_sources_can_be_repository_files() -> None:
    text = "\n".join(
        [
            HEADER,
            GOOD,
            "Second Title\tnot-an-id\t\t\thttps://example.org/q",
            "Third Title\thep-th/9901001\t\t1999\towner/repo:papers/list.md (cites it)",
        ]
    )
    result = parse_id_mapping(text, titles=TITLES, source="ids.tsv")
    assert [(r.title, r.arxiv_id, r.authors, r.year, r.line) for r in result.rows] == [
        ("First Title", "2406.12345", ("Ada Lovelace", "Alan Turing"), 2024, 2),
        ("Third Title", "hep-th/9901001", (), 1999, 4),
    ]
    assert [p.line for p in result.problems] == [3]


def test_apply_mapping_fills_ids_and_keeps_what_the_page_knew() -> None:
    records = [
        PaperRecord("First Title", "a", url="https://project.example/"),
        PaperRecord("Second Title", "b", authors=("Known Author",)),
        PaperRecord("Third Title", "c", arxiv_id="2401.00001"),
    ]
    text = "\n".join(
        [
            HEADER,
            GOOD,
            "Second Title\t2406.54321\t\t\thttps://example.org/q",
            "Third Title\t2402.00002\t\t2024\thttps://example.org/r",
        ]
    )
    mapped = parse_id_mapping(text, titles=TITLES, source="ids.tsv")
    result = apply_id_mapping(records, mapped.rows, source="ids.tsv")
    first, second, third = result.records
    assert first.arxiv_id == "2406.12345" and first.year == 2024
    assert first.url == "https://arxiv.org/abs/2406.12345" and first.abstract == "a"
    assert second.authors == ("Known Author",) and second.year is None  # empty cells add nothing
    assert third == records[2]  # the page's own id wins, and the clash is reported
    assert [str(p) for p in result.problems] == [
        "ids.tsv:4: arxiv_id: maps to 2402.00002 but the abstract names 2401.00001"
    ]


def test_bad_mapping_fails_the_build_with_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PAGE.read_text("utf-8"), "utf-8")
    output = tmp_path / "page.jsonl"
    output.write_text("the previous catalog\n", "utf-8")
    rows = MAPPING.read_text("utf-8").splitlines()
    header_at = rows.index(HEADER)
    title = rows[header_at + 1].split("\t")[0]
    rows[header_at + 1] = "\t".join([title, "25o6.18880", "", "2025", "https://example.org/x"])
    mapping = tmp_path / "page.ids.tsv"
    mapping.write_text("\n".join(rows) + "\n", "utf-8")

    assert seedcatalog.main([str(page)]) == 1

    err = capsys.readouterr().err.splitlines()
    assert (
        err[0] == f"{mapping}:{header_at + 2}: arxiv_id: not a well-formed arXiv id: '25o6.18880'"
    )
    assert len(err) == 2 and "not written" in err[1]
    assert output.read_text("utf-8") == "the previous catalog\n"
    assert not list(tmp_path.glob("*.partial"))


def test_missing_explicit_mapping_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.tsv"
    assert seedcatalog.main([str(PAGE), "--ids", str(missing), "-o", str(tmp_path / "o")]) == 1
    assert capsys.readouterr().err == f"{missing}: no such id mapping\n"
    assert not (tmp_path / "o").exists()


def test_new_database_gets_seeds_once_and_seed_is_idempotent(db_path: Path) -> None:
    service = open_service(db_path)
    assert service.count() == 52
    # The mapped ids, authors and years reach the database: a seed opens by its arXiv id.
    omega = service.paper("2506.18880")
    assert omega.title.startswith("OMEGA: Can LLMs Reason Outside the Box in Math?")
    assert omega.authors[0] == "Yiyou Sun" and omega.year == 2025
    assert omega.url == "https://arxiv.org/abs/2506.18880"
    again = service.seed()
    assert again.added == [] and len(again.existing) == 52
    assert service.count() == 52
    service.close()
    reopened = open_service(db_path)
    assert reopened.count() == 52
    reopened.close()


def test_a_user_who_removed_the_seeds_does_not_get_them_back(db_path: Path) -> None:
    service = open_service(db_path)
    service.store.db.execute("DELETE FROM papers")
    service.close()
    reopened = open_service(db_path)
    assert reopened.count() == 0
    reopened.close()


def test_seeds_stored_bare_by_an_older_catalog_are_completed_not_doubled(db_path: Path) -> None:
    """Before the id mapping, seeds were stored with no authors and no ids. Seeding again
    goes through the one duplicate rule: each bare seed is the same paper by its long title,
    and gets the catalog's arXiv id, authors and year instead of a twin."""
    catalog = seedcatalog.seed_records()
    service = open_service(db_path, seed=False)
    bare = [PaperRecord(title=r.title, abstract=r.abstract, source=r.source) for r in catalog]
    assert len(service.store.ingest.add(bare, now=service.clock()).added) == 52
    result = service.seed()
    assert result.added == [] and len(result.existing) == 52
    assert service.count() == 52
    omega = service.paper("2506.18880")
    assert omega.authors[0] == "Yiyou Sun" and omega.year == 2025
    assert service.dedupe() == []
    assert {f.check: f for f in service.doctor().findings}["duplicates"].ok
    service.close()


def test_a_seed_the_catalog_has_no_authors_for_meets_its_zotero_copy(db_path: Path) -> None:
    """The two seeds without authors still match the same paper imported with authors."""
    service = open_service(db_path)
    bare = next(r for r in seedcatalog.seed_records() if not r.authors)
    stored = service.store.ingest.add(
        [PaperRecord(title=bare.title.upper(), authors=("Zoe Zotero",), year=2024)],
        now=service.clock(),
    )
    assert stored.added == [] and service.count() == 52
    assert service.paper(stored.existing[0]).authors == ("Zoe Zotero",)
    service.close()
