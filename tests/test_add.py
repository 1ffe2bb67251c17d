"""`reader add` against a real HTTP server on 127.0.0.1 serving recorded arXiv and Crossref
answers (the server and fixtures of tests/test_fetch.py); the CLI finds it through
READER_ARXIV_API / READER_CROSSREF_API, as a user would point it elsewhere."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from test_fetch import RecordingServer, Reply, data, server  # noqa: F401  (fixture)

from reader.cli import main
from reader.service import open_service


@pytest.fixture
def env(server: RecordingServer, monkeypatch: pytest.MonkeyPatch) -> RecordingServer:  # noqa: F811
    monkeypatch.setenv("READER_ARXIV_API", f"{server.base}/api/query")
    monkeypatch.setenv("READER_CROSSREF_API", f"{server.base}/works")
    return server


def titles(db: Path) -> list[tuple[str | None, str | None, str]]:
    svc = open_service(db, seed=False)
    try:
        return [(p.arxiv_id, p.doi, p.title) for p in svc.papers()]
    finally:
        svc.close()


def test_add_arxiv_and_doi_each_reported(env: RecordingServer, db_path: Path, capsys) -> None:
    env.arxiv[frozenset({"1706.03762"})] = Reply(body=data("arxiv_batch.xml"))
    env.crossref["10.1038/s41586-021-03819-2"] = Reply(
        body=data("crossref_article.json"), content_type="application/json"
    )
    code = main(
        [
            "--db",
            str(db_path),
            "add",
            "arXiv:1706.03762v5",
            "https://doi.org/10.1038/s41586-021-03819-2",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "added" in out and "Attention Is All You Need" in out
    assert "Highly accurate protein structure prediction with AlphaFold" in out
    stored = titles(db_path)
    assert ("1706.03762", None, "Attention Is All You Need") in stored


def test_add_again_reports_present_without_asking(
    env: RecordingServer, db_path: Path, capsys
) -> None:
    env.arxiv[frozenset({"1706.03762"})] = Reply(body=data("arxiv_batch.xml"))
    assert main(["--db", str(db_path), "add", "1706.03762"]) == 0
    before = len(titles(db_path))
    asked = len(env.seen)
    capsys.readouterr()

    assert main(["--db", str(db_path), "add", "https://arxiv.org/abs/1706.03762v2"]) == 0

    assert "present" in capsys.readouterr().out
    assert len(env.seen) == asked  # not fetched again
    assert len(titles(db_path)) == before


def test_one_failure_does_not_stop_the_others(env: RecordingServer, db_path: Path, capsys) -> None:
    env.arxiv[frozenset({"1706.03762"})] = Reply(body=data("arxiv_batch.xml"))
    code = main(["--db", str(db_path), "add", "1706.03762", "10.9999/missing", "not-a-thing"])
    captured = capsys.readouterr()
    assert code == 1
    assert "Attention Is All You Need" in captured.out
    assert "Crossref 10.9999/missing: not found" in captured.err
    assert "not-a-thing: not an arXiv id or a DOI" in captured.err
    assert "2 of 3 could not be added" in captured.err


def test_no_network_is_one_clear_message_and_nothing_stored(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    # A port nobody listens on: connection refused, like a machine with no network.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("READER_ARXIV_API", f"http://127.0.0.1:{port}/api/query")
    monkeypatch.setenv("READER_CROSSREF_API", f"http://127.0.0.1:{port}/works")
    svc = open_service(db_path)
    count = svc.count()
    svc.close()

    code = main(["--db", str(db_path), "add", "2406.12345", "10.1000/xyz"])

    err = capsys.readouterr().err
    assert code == 1
    assert "cannot reach" in err and "Traceback" not in err
    assert "Could not reach the metadata service" in err
    svc = open_service(db_path)
    assert svc.count() == count
    svc.close()


def test_fetched_preprint_merges_with_stored_published_version(
    env: RecordingServer, db_path: Path, tmp_path: Path, capsys
) -> None:
    bib = tmp_path / "pub.bib"
    bib.write_text(
        "@inproceedings{v17, title={Attention is All you Need}, author={Vaswani, Ashish and"
        " Shazeer, Noam}, booktitle={NeurIPS}, year={2017}, doi={10.5555/3295222.3295349}}\n"
    )
    assert main(["--db", str(db_path), "import", str(bib)]) == 0
    env.arxiv[frozenset({"1706.03762"})] = Reply(body=data("arxiv_batch.xml"))
    capsys.readouterr()

    assert main(["--db", str(db_path), "add", "1706.03762"]) == 0

    assert "merged" in capsys.readouterr().out
    matches = [t for t in titles(db_path) if t[2].lower().startswith("attention is all")]
    assert matches == [("1706.03762", "10.5555/3295222.3295349", "Attention is All you Need")]
