"""Parsers: text in, :class:`~reader.models.ParseResult` (records and problems) out.

Pure functions; nothing here reads files, touches the store or looks at the clock.
Submodules load on first use (a module ``__getattr__``), so ``import reader.parse.seeds``
does not pay for bibtexparser.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.parse.arxiv_jsonl import iter_arxiv_jsonl, parse_arxiv_jsonl
    from reader.parse.bibtex import latex_to_text, parse_bibtex
    from reader.parse.detect import Format, decode_bytes, detect_format, sniff_format
    from reader.parse.ris import parse_ris

__all__ = [
    "Format",
    "decode_bytes",
    "detect_format",
    "iter_arxiv_jsonl",
    "latex_to_text",
    "parse_arxiv_jsonl",
    "parse_bibtex",
    "parse_ris",
    "sniff_format",
]

_HOMES = {
    "Format": "detect",
    "decode_bytes": "detect",
    "detect_format": "detect",
    "sniff_format": "detect",
    "iter_arxiv_jsonl": "arxiv_jsonl",
    "parse_arxiv_jsonl": "arxiv_jsonl",
    "latex_to_text": "bibtex",
    "parse_bibtex": "bibtex",
    "parse_ris": "ris",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        module = importlib.import_module(f"reader.parse.{_HOMES[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'reader.parse' has no attribute {name!r}")
