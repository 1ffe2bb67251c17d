"""Tags as parsers hand them over. Pure."""

from __future__ import annotations

from collections.abc import Iterable


def unique_tags(values: Iterable[str]) -> tuple[str, ...]:
    """Stripped, non-empty, case-insensitively unique tags in their first spelling."""
    seen: set[str] = set()
    tags = []
    for value in values:
        tag = " ".join(value.split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tuple(tags)
