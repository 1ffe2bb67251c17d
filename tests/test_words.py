"""Words found and hashed with arrays are the words the regex and str.split find (issue 15:
the build's tokenizing, ~5x faster this way)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.recommend import words

TRICKY = [
    "Graph neural networks, for molecules: a_b c  2x",
    "",
    "ΟΔΟΣ ΣΑΣ İstanbul naïve café Über-parametrized",  # final sigma, dotted I, accents
    "tab\there\u00a0no-break\u2003em space\r\nline\x0bvertical",
    "lone \ud800surrogate and \U0001d400 math bold",
    "x" * 150 + " " + "x" * 150 + "y",  # past the polynomial's letters, differing at the end
    "a I 1 _ ab",  # one-letter words
    "日本語のテキスト 混在 text",
]

texts = st.lists(
    st.text(
        alphabet=st.one_of(
            st.sampled_from(list("ab _-.,\t\n\u00a0\u2003Σσςİi\u0307é1")),
            st.characters(codec="utf-8"),
        ),
        max_size=40,
    ),
    max_size=6,
)


def _found(r: words.Runs) -> list[tuple[int, str]]:
    return [(int(r.owner[k]), r.word(k)) for k in range(len(r.starts))]


def _expected(batch: list[str], split) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    return [(i, w) for i, t in enumerate(batch) for w in split(t)]


def test_runs_are_the_regex_words_and_the_split_words_of_tricky_texts() -> None:
    found = _found(words.runs(TRICKY, "word", min_length=2))
    assert found == _expected(TRICKY, re.compile(r"(?u)\b\w\w+\b").findall)
    assert (3, "no") in found and (5, "x" * 150) in found
    assert _found(words.runs(TRICKY, "word")) == _expected(TRICKY, re.compile(r"\w+").findall)
    assert _found(words.runs(TRICKY, "nonspace")) == _expected(TRICKY, str.split)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_runs_match_the_regex_and_split_on_any_text(batch: list[str]) -> None:
    assert _found(words.runs(batch, "word", 2)) == _expected(
        batch, re.compile(r"\b\w\w+\b").findall
    )
    assert _found(words.runs(batch, "nonspace")) == _expected(batch, str.split)


def test_a_word_has_one_hash_wherever_it_is_and_different_words_differ() -> None:
    r = words.runs(TRICKY * 2, "nonspace")
    seen: dict[str, int] = {}
    for (_, word), h in zip(_found(r), r.hashes.tolist(), strict=True):
        assert seen.setdefault(word, h) == h
    assert len(set(seen.values())) == len(seen)
    assert words.hash_words(list(seen)).tolist() == list(seen.values())
    # Long words that differ only past the polynomial's letters still differ.
    assert len(set(words.hash_words(["x" * 150, "x" * 149 + "y", "x" * 151]).tolist())) == 3
    assert words.EMPTY not in words.hash_words(["", "a", "b" * 100])
    assert len(words.hash_words([])) == 0 and len(words.runs([], "word").hashes) == 0


def test_hash_table_finds_what_was_put_and_nothing_else() -> None:
    vocabulary = [f"w{i}" for i in range(5000)]
    table = words.HashTable(len(vocabulary) + 1)
    table.put(words.hash_words(vocabulary), np.arange(len(vocabulary)) * 3)
    assert len(table) == 5000
    got = table.get(words.hash_words(vocabulary[::-1] + ["w5000", "", "W1"]))
    assert got.tolist() == [3 * i for i in range(4999, -1, -1)] + [-1, -1, -1]
    with pytest.raises(ValueError, match="twice"):
        table.put(words.hash_words(["w7"]), np.array([1]))
    table.put(words.hash_words(["new"]), np.array([7]))
    assert table.get(words.hash_words(["new"])).tolist() == [7]
    with pytest.raises(ValueError, match="negative"):
        table.put(words.hash_words(["newer"]), np.array([-7]))
    with pytest.raises(ValueError, match="full"):
        table.put(words.hash_words(["newer"]), np.array([1]))
