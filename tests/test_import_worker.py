"""Large arXiv JSON Lines files are parsed in a child process (reader.import_worker); the
result is exactly what parsing in the importer's own process gives."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import reader.service.import_pipeline as pipeline
from reader.service import open_service


def _line(n: int, cats: str = "cs.LG", day: str = "Mon, 1 Jan 2024 10:00:00 GMT") -> str:
    return json.dumps(
        {
            "id": f"2401.{n:05d}",
            "title": f"Paper {n} on Bal\\'azs sums",
            "abstract": f"  An abstract\n about thing{n}. ",
            "authors": "A. One, B. Two",
            "authors_parsed": [["One", "A.", ""], ["Two", "B.", ""]] if n % 2 else [],
            "categories": cats,
            "doi": f"10.1000/X.{n}" if n % 3 == 0 else None,
            "versions": [{"version": "v1", "created": day}],
        }
    )


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    lines = [_line(n) for n in range(1, 40)]
    lines[5] = "{not json"
    lines[9] = _line(10, cats="hep-th")
    lines[12] = _line(13, day="Mon, 1 Jan 2019 10:00:00 GMT")
    lines[20] = _line(3)  # the same paper again
    lines.append('{"id": "bad id", "title": "No id"}')
    data = tmp_path / "snap.jsonl"
    blob = "\n".join(lines).encode("utf-8") + b'\n{"id": "2401.09999", "title": "caf\xe9"}\n'
    data.write_bytes(blob)
    return data


def _contents(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        papers = conn.execute(
            "SELECT id, title, abstract, authors, year, date, arxiv_id, doi, url, title_key"
            " FROM papers ORDER BY id"
        ).fetchall()
        tags = conn.execute(
            "SELECT paper_id, name FROM paper_tags JOIN tags ON tags.id = tag_id ORDER BY 1, 2"
        ).fetchall()
        # The index keeps no text of its own (m006): compare its entries and words.
        conn.execute("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, search, instance)")
        search = conn.execute("SELECT id, sz FROM search_docsize ORDER BY id").fetchall()
        words = conn.execute("SELECT * FROM temp.words").fetchall()
    finally:
        conn.close()
    return [papers, tags, search, words]


def _run(tmp_path: Path, data: Path, name: str, **options) -> tuple:
    db = tmp_path / f"{name}.db"
    service = open_service(db, seed=False)
    problems: list[str] = []
    seen: list[int] = []
    try:
        report = service.import_files(
            [data], on_problem=lambda p: problems.append(str(p)), progress=seen.append, **options
        )
    finally:
        service.close()
    counts = (report.added, report.duplicates, report.present, report.lines, report.problem_count)
    return counts, problems, sum(seen), _contents(db)


@pytest.mark.parametrize(
    "options",
    [{}, {"categories": ["cs"]}, {"since": date(2020, 1, 1)}, {"strict": True}],
    ids=["all", "category", "since", "strict"],
)
def test_worker_gives_what_the_thread_gives(
    tmp_path: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch, options: dict
) -> None:
    started: list[Path] = []
    real_start = pipeline.start_worker

    def counting_start(path, categories, since):
        started.append(path)
        return real_start(path, categories, since)

    monkeypatch.setattr(pipeline, "start_worker", counting_start)
    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 10**12)
    in_thread = _run(tmp_path, snapshot, "thread", **options)
    assert started == []
    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 0)
    in_worker = _run(tmp_path, snapshot, "worker", **options)
    assert started and all(p == snapshot for p in started)
    assert in_worker == in_thread
    counts, problems, read, _ = in_worker
    assert any(":6:" in p and "not valid JSON" in p for p in problems)
    if not options.get("strict"):  # (--strict found problems: nothing stored or shown)
        assert counts[0] > 0 and read == snapshot.stat().st_size


def test_worker_path_is_searchable_and_rerun_adds_nothing(
    tmp_path: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 0)
    db = tmp_path / "r.db"
    service = open_service(db, seed=False)
    try:
        first = service.import_files([snapshot], on_problem=lambda p: None)
        again = service.import_files([snapshot], on_problem=lambda p: None)
        assert first.added > 0 and again.added == 0 and again.present == first.added
        assert [p.arxiv_id for p in service.search("thing7")] == ["2401.00007"]
        assert service.store.health.search_index_problems() == []
    finally:
        service.close()


def test_worker_that_cannot_start_falls_back_to_a_thread(
    tmp_path: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 10**12)
    expected = _run(tmp_path, snapshot, "thread")

    def no_processes(path, categories, since):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(pipeline, "start_worker", no_processes)
    assert _run(tmp_path, snapshot, "fallback") == expected


def test_worker_missing_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file vanishing between the format check and the read is reported, not raised."""
    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 0)
    data = tmp_path / "gone.jsonl"
    data.write_text(_line(1) + "\n")
    real_start = pipeline.start_worker

    def delete_then_start(path, categories, since):
        path.unlink()
        return real_start(path, categories, since)

    monkeypatch.setattr(pipeline, "start_worker", delete_then_start)
    service = open_service(tmp_path / "m.db", seed=False)
    try:
        report = service.import_files([data])
    finally:
        service.close()
    assert report.added == 0
    assert report.files[0].error and "cannot read" in report.files[0].error


def test_a_child_that_is_not_the_worker_falls_back(
    tmp_path: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Say a frozen app whose executable is not Python: it prints something else."""
    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 10**12)
    expected = _run(tmp_path, snapshot, "thread")

    def wrong_program(path, categories, since):
        return subprocess.Popen(
            [sys.executable, "-c", "print('usage: reader [OPTIONS] COMMAND')"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip

    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(pipeline, "start_worker", wrong_program)
    assert _run(tmp_path, snapshot, "wrong") == expected
