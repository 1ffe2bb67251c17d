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
