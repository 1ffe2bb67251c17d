"""Outside text made safe to show: control characters visible, everything else literal."""

from __future__ import annotations

import re

import pytest

from tui.text import clean, from_box, safe, to_box

CASES = [
    ("plain", "Attention is all you need", "Attention is all you need"),
    (
        "markup stays literal",
        "[bold]x[/bold] [link=http://e]y[/link]",
        "[bold]x[/bold] [link=http://e]y[/link]",
    ),
    ("ansi escape", "\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),
    ("carriage return", "over\rwrite", "over␍write"),
    ("bell and nul", "a\x07b\x00c", "a␇b␀c"),
    ("c1 control", "a\x9bb", "a<U+009B>b"),
    ("bidi override", "abc\u202edcba", "abc<U+202E>dcba"),
    ("right-to-left letters kept", "שלום עולם مرحبا", "שלום עולם مرحبا"),
    ("newline kept", "a\nb", "a\nb"),
    ("crlf folded", "a\r\nb", "a\nb"),
    ("empty", "", ""),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_clean(text: str, expected: str) -> None:
    assert clean(text) == expected


def test_one_line_folds_breaks_and_tabs() -> None:
    assert clean("a\nb\tc", newlines=False) == "a b c"


def test_safe_is_not_markup() -> None:
    assert safe("[bold]x[/bold]").plain == "[bold]x[/bold]"
    assert safe("[bold]x[/bold]").spans == []


@pytest.mark.parametrize(
    "stored",
    [
        "ANSI \x1b[31mRED\x1b[0m \x1b[2J",
        "cr\r\nlf\ttab \x00 \x7f \x85 \u202eevil\u202c",
        "a literal ␛ and no control",
        "",
    ],
)
def test_a_box_shows_control_characters_as_stand_ins_and_gives_them_back(stored: str) -> None:
    shown = to_box(stored)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", shown)
    assert from_box(shown, stored) == stored  # saved unchanged: nothing changes
    assert from_box(shown + " more", stored) == stored + " more"


def test_a_stand_in_typed_into_plain_text_stays_what_was_typed() -> None:
    assert from_box("I typed ␛ on purpose", "plain") == "I typed ␛ on purpose"
