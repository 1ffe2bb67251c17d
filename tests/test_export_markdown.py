"""Markdown export: one file per paper, YAML front matter, safe unique names."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.export import PaperWithNotes, to_markdown_files
from reader.export.markdown import markdown_filename, yaml_string
from reader.models import Paper, Status


def test_file_content():
    paper = Paper(
        id=7,
        title='Attention: "All" You Need',
        authors=("Ashish Vaswani",),
        year=2017,
        arxiv_id="1706.03762",
        stars=5,
        status=Status.READ,
        tags=("nlp", "yes"),
    )
    files = to_markdown_files([PaperWithNotes(paper, ("First note.", "Second\n\nnote."))])
    assert files == {
        "attention-all-you-need.md": (
            "---\n"
            'title: "Attention: \\"All\\" You Need"\n'
            "authors:\n"
            '  - "Ashish Vaswani"\n'
            "year: 2017\n"
            'arxiv: "1706.03762"\n'
            "reader_id: 7\n"
            "stars: 5\n"
            'status: "read"\n'
            "tags:\n"
            '  - "nlp"\n'
            '  - "yes"\n'
            "---\n"
            "\n"
            "First note.\n\n---\n\nSecond\n\nnote.\n"
        )
    }


def test_paper_without_notes_or_metadata():
    (content,) = to_markdown_files([PaperWithNotes(Paper(id=1, title="T"))]).values()
    assert "authors: []\n" in content and "stars: null\n" in content
    assert content.endswith("tags: []\n---\n")


@pytest.mark.parametrize(
    ("title", "name"),
    [
        pytest.param("A/B: testing?", "a-b-testing.md", id="separators"),
        pytest.param("../../etc/passwd", "etc-passwd.md", id="traversal"),
        pytest.param("CON", "con-3.md", id="windows-reserved"),
        pytest.param("???", "paper-3.md", id="nothing-left"),
        pytest.param("Über Gödel", "über-gödel.md", id="unicode-kept"),
        pytest.param("word " * 40, "-".join(["word"] * 16) + ".md", id="long"),
        pytest.param(
            "OMEGA: Can LLMs Reason Outside the Box in Math? Evaluating Exploratory, "
            "Compositional, and Transformative Generalization",
            "omega-can-llms-reason-outside-the-box-in-math-evaluating-exploratory.md",
            id="cut-after-a-comma",
        ),
    ],
)
def test_filenames(title: str, name: str):
    assert markdown_filename(title, 3) == name


def test_filenames_are_unique_case_insensitively():
    papers = [Paper(id=i, title=t) for i, t in [(1, "Same"), (2, "same"), (3, "SAME")]]
    names = list(to_markdown_files(PaperWithNotes(p) for p in papers))
    assert names == ["same.md", "same-2.md", "same-3.md"]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text())
def test_yaml_string_is_a_json_string_without_yaml_breaks(value: str):
    quoted = yaml_string(value)
    assert json.loads(quoted) == value
    assert not any(char in quoted for char in "\n\r\u2028\u2029\u0085\ufeff")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=30), max_size=8))
def test_filenames_always_safe_and_unique(titles: list[str]):
    names = list(
        to_markdown_files(PaperWithNotes(Paper(id=i, title=t)) for i, t in enumerate(titles))
    )
    assert len({name.casefold() for name in names}) == len(titles)
    for name in names:
        assert name.endswith(".md") and not name.startswith(".")
        assert not any(char in name for char in '/\\:*?"<>|\x00')
