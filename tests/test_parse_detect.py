"""Format detection and byte decoding."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.parse import Format, decode_bytes, detect_format

ARXIV_LINE = json.dumps({"id": "0704.0001", "title": "T", "categories": "hep-ph"})


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        pytest.param("refs.bib", "", Format.BIBTEX, id="bib"),
        pytest.param("REFS.BIBTEX", "", Format.BIBTEX, id="bibtex-upper"),
        pytest.param("export.ris", "", Format.RIS, id="ris"),
        pytest.param("cs.jsonl", "", Format.ARXIV_JSONL, id="jsonl"),
        pytest.param(
            "arxiv-metadata-oai-snapshot.json",
            ARXIV_LINE + "\n",
            Format.ARXIV_JSONL,
            id="snapshot-named-json",
        ),
        pytest.param("backup.json", '{\n  "papers": []\n}', Format.JSON, id="own-json"),
        pytest.param("download.txt", "\ufeffTY  - JOUR\nTI  - T\n", Format.RIS, id="sniff-ris"),
        pytest.param("citations", "% hi\n@article{x,\n", Format.BIBTEX, id="sniff-bibtex"),
        pytest.param("data", ARXIV_LINE, Format.ARXIV_JSONL, id="sniff-jsonl"),
        pytest.param("notes.txt", "hello", None, id="unknown"),
    ],
)
def test_detect_format(name: str, head: str, expected: Format | None):
    assert detect_format(name, head) == expected


@pytest.mark.parametrize(
    ("data", "text"),
    [
        pytest.param("Müller".encode(), "Müller", id="utf8"),
        pytest.param(b"\xef\xbb\xbfM\xc3\xbcller", "Müller", id="utf8-bom"),
        pytest.param("Müller".encode("latin-1"), "Müller", id="latin1"),
        pytest.param("“quoted” – Müller".encode("cp1252"), "“quoted” – Müller", id="cp1252"),
        pytest.param("Müller".encode("utf-16"), "Müller", id="utf16-bom"),
        pytest.param(b"M\xc3\xbcller \xff", "Müller \ufffd", id="utf8-with-a-bad-byte"),
        pytest.param(b"\x81\x8d", "\x81\x8d", id="bytes-undefined-in-1252"),
    ],
)
def test_decode_bytes(data: bytes, text: str):
    assert decode_bytes(data) == text


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary())
def test_decode_bytes_never_raises(data: bytes):
    assert isinstance(decode_bytes(data), str)
