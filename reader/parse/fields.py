"""A field of a JSON record checked for its type, named when it is wrong. Pure.

Shared by the readers of JSON that people write by hand or with other tools (arXiv's
metadata dump, reader's own export): a problem says ``id: expected text, got a number``,
never Python's "'list' object has no attribute 'strip'".
"""

from __future__ import annotations

import re
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


_SURROGATE = re.compile("[\ud800-\udfff]")
ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
"""How JSON text spells a surrogate (``\\ud800``); decoded UTF-8 never holds one, so a
line without this needs no :func:`check_unicode`."""


def _surrogate_reason(text: str) -> str:
    found = _SURROGATE.search(text)
    assert found is not None
    code = ord(found.group())
    return (
        f"holds a lone surrogate (\\u{code:04x}) at character {found.start()}, "
        "which is not valid Unicode and cannot be stored"
    )


def check_unicode(value: Any, field: str) -> None:
    """FieldError naming the first text inside ``value`` (any JSON) that holds a lone
    surrogate: JSON may write one ("\\ud800"), Python keeps it in a str, and SQLite's
    UTF-8 refuses it, failing the whole write (a batch of thousands of papers) instead of
    this one record."""
    if isinstance(value, str):
        if not value.isascii() and _SURROGATE.search(value):
            raise FieldError(field or "text", _surrogate_reason(value))
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{field}.{key}" if field else str(key)
            check_unicode(key, where)
            check_unicode(item, where)
    elif isinstance(value, list):
        for n, item in enumerate(value):
            check_unicode(item, f"{field}[{n}]")


def text_field(value: Any, field: str, *, optional: bool = True) -> str | None:
    """``value`` when it is text that can be stored (None when absent and ``optional``);
    else FieldError."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise FieldError(field, f"expected text, got {json_kind(value)}")
    if not value.isascii() and _SURROGATE.search(value):
        raise FieldError(field, _surrogate_reason(value))
    return value
