"""A field of a JSON record checked for its type, named when it is wrong. Pure.

Shared by the readers of JSON that people write by hand or with other tools (arXiv's
metadata dump, reader's own export): a problem says ``id: expected text, got a number``,
never Python's "'list' object has no attribute 'strip'".
"""

from __future__ import annotations

from typing import Any

_KINDS = {
    str: "text",
    int: "a number",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "an object",
    type(None): "null",
}


class FieldError(ValueError):
    """A field that cannot be used as it is; ``field`` is its name or path."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


def json_kind(value: Any) -> str:
    """What a JSON value is, in words ("a list", "an object", "text")."""
    return _KINDS.get(type(value), type(value).__name__)


def text_field(value: Any, field: str, *, optional: bool = True) -> str | None:
    """``value`` when it is text (None when absent and ``optional``); else FieldError."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise FieldError(field, f"expected text, got {json_kind(value)}")
    return value
