"""Sizes as the CLI's backup list and the Settings screen show them."""

from __future__ import annotations

import pytest

from reader.units import human_size


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1.0 KB"),
        (1536, "1.5 KB"),
        (207 * 1024 * 1024, "207.0 MB"),
        (2_069 * 1024 * 1024, "2.0 GB"),
        (3_000 * 1024**3, "3000.0 GB"),
    ],
)
def test_human_size(size: int, shown: str) -> None:
    assert human_size(size) == shown
