"""Numbers as a person reads them. Pure functions."""

from __future__ import annotations

__all__ = ["human_size"]


def human_size(size: int) -> str:
    """``532`` -> ``"532 B"``, ``1536`` -> ``"1.5 KB"``; GB is the largest unit shown
    (a backup or database of 3,000 GB says so)."""
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if abs(value) < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
