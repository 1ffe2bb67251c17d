"""Hyphenated initials stay joined on every import path ("C.-P. Yuan", issue 13)."""

from __future__ import annotations

import json

import pytest

from reader.parse.arxiv_jsonl import parse_arxiv_jsonl
from reader.parse.atom import parse_arxiv_feed
from reader.parse.bibtex import parse_bibtex
from reader.parse.crossref import parse_crossref_work
from reader.parse.names import person_name
from reader.parse.ris import parse_ris


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("C. -P. Yuan", "C.-P. Yuan"),
        ("C.- P.  Yuan", "C.-P. Yuan"),
        ("C.-P. Yuan", "C.-P. Yuan"),
        ("J. - P. Sartre", "J.-P. Sartre"),
        ("Jean-Paul Sartre", "Jean-Paul Sartre"),
        ("A. B. Smith", "A. B. Smith"),
    ],
)
def test_person_name(typed: str, stored: str) -> None:
    assert person_name(typed) == stored


def test_every_parser_keeps_hyphenated_initials_joined() -> None:
    bib = parse_bibtex("@article{y, title={T}, author={Yuan, C. -P. and Lee, K.-H.}}")
    assert bib.records[0].authors == ("C.-P. Yuan", "K.-H. Lee")
    ris = parse_ris("TY  - JOUR\nTI  - T\nAU  - Yuan, C. -P.\nER  - \n")
    assert ris.records[0].authors == ("C.-P. Yuan",)
    line = json.dumps(
        {"id": "2401.00001", "title": "T", "authors": "C. -P. Yuan",
         "authors_parsed": [["Yuan", "C. -P.", ""]]}
    )  # fmt: skip
    assert parse_arxiv_jsonl(line).records[0].authors == ("C.-P. Yuan",)
    work = {"title": ["T"], "DOI": "10.1234/x", "author": [{"given": "C. -P.", "family": "Yuan"}]}
    assert parse_crossref_work(json.dumps(work)).authors == ("C.-P. Yuan",)
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        "<id>http://arxiv.org/abs/2401.00001v1</id><title>T</title>"
        "<author><name>C. -P. Yuan</name></author></entry></feed>"
    )
    assert parse_arxiv_feed(feed)[0].authors == ("C.-P. Yuan",)
