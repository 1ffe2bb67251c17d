"""The seed page parser, the shipped catalog built from it, and seeding a database."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader import seedcatalog
from reader.parse.seeds import extract_links, parse_seed_page
from reader.service import open_service

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "seeds" / "daily-papers-generalization.txt"

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


def test_shipped_catalog_matches_the_page(tmp_path: Path) -> None:
    """The JSONL in seeds/ is what the documented command builds from the page."""
    output = tmp_path / "rebuilt.jsonl"
    assert seedcatalog.main([str(PAGE), "-o", str(output)]) == 0
    shipped = PAGE.with_suffix(".jsonl").read_text("utf-8")
    assert output.read_text("utf-8") == shipped
    assert [r.title for r in seedcatalog.seed_records()] == [
        r.title for r in parse_seed_page(PAGE.read_text("utf-8")).records
    ]


def test_new_database_gets_seeds_once_and_seed_is_idempotent(db_path: Path) -> None:
    service = open_service(db_path)
    assert service.count() == 52
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
