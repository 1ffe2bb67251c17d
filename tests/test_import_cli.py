"""`reader import` and `reader export` through the real entry point: bad records, bad files,
--strict, filters, and never overwriting without --force."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from reader.cli import main
from reader.service import open_service

DATA = Path(__file__).parent / "data"


def count(db: Path) -> int:
    svc = open_service(db)  # a new database gets the seed catalog, as the CLI does
    try:
        return svc.count()
    finally:
        svc.close()


def test_bad_records_reported_good_ones_imported(db_path: Path, capsys) -> None:
    code = main(["--db", str(db_path), "import", str(DATA / "broken.bib")])
    captured = capsys.readouterr()
    assert code == 1
    assert (
        f"{DATA / 'broken.bib'}:12: title: entry 'notitle2019' has no title; skipped"
        in captured.err
    )
    assert "Traceback" not in captured.err
    assert "added" in captured.out
    # --json lists what was skipped and why, not only how many.
    code = main(["--db", str(db_path), "import", "--json", str(DATA / "broken.bib")])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and len(report["skipped"]) == report["problems"] > 0
    assert {
        "file": str(DATA / "broken.bib"),
        "line": 12,
        "field": "title",
        "reason": "entry 'notitle2019' has no title; skipped",
    } in report["skipped"]


def test_strict_stores_nothing(db_path: Path, capsys) -> None:
    seeded = count(db_path)  # a new database gets the seeds first
    code = main(
        [
            "--db",
            str(db_path),
            "import",
            "--strict",
            str(DATA / "zotero.bib"),
            str(DATA / "broken.bib"),
        ]
    )
    assert code == 1
    assert "nothing was imported" in capsys.readouterr().err
    assert count(db_path) == seeded


def test_strict_with_good_files_imports(db_path: Path) -> None:
    seeded = count(db_path)
    assert main(["--db", str(db_path), "import", "--strict", str(DATA / "zotero.bib")]) == 0
    assert count(db_path) > seeded


def test_file_not_in_format_is_one_line(db_path: Path, tmp_path: Path, capsys) -> None:
    for name, content in [("x.bib", "Dear reviewers,\nthanks.\n"), ("x.jsonl", "hello\n"),
                          ("x.ris", "nothing here\n"), ("x.txt", "plain words\n"),
                          ("x.json", "[1, 2]")]:  # fmt: skip
        path = tmp_path / name
        path.write_text(content)
        assert main(["--db", str(db_path), "import", str(path)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("reader: error: "), err
        assert str(path) in err
    assert main(["--db", str(db_path), "import", str(tmp_path / "missing.bib")]) == 1
    assert capsys.readouterr().err == f"reader: error: {tmp_path / 'missing.bib'}: no such file\n"
    for name in ("empty.txt", "blank.txt"):  # not "cannot tell the format"
        (tmp_path / name).write_text("" if name == "empty.txt" else " \n\n")
        assert main(["--db", str(db_path), "import", str(tmp_path / name)]) == 1
        assert capsys.readouterr().err == f"reader: error: {tmp_path / name}: file is empty\n"


def test_arxiv_jsonl_category_filter_and_tags(db_path: Path, tmp_path: Path, capsys) -> None:
    def line(arxiv_id: str, title: str, cats: str, day: str) -> dict:
        return {
            "id": arxiv_id,
            "title": title,
            "authors_parsed": [[title + "son", "J", ""]],
            "categories": cats,
            "abstract": "x",
            "update_date": day,
        }

    lines = [
        line("2401.00001", "A", "cs.LG stat.ML", "2024-01-02"),
        line("2401.00002", "B", "hep-th", "2024-01-02"),
        line("2001.00003", "C", "cs.CL", "2020-01-02"),
    ]
    path = tmp_path / "snap.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    args = ["--db", str(db_path), "import", str(path), "--category", "cs", "--since", "2023-01-01"]
    assert main(args) == 0
    assert "added 1," in capsys.readouterr().out
    svc = open_service(db_path, seed=False)
    paper = svc.paper("2401.00001")
    assert set(paper.tags) == {"cs.LG", "stat.ML"}
    svc.close()
    assert main(args) == 0
    assert "skipped 1 (1 already in the library)" in capsys.readouterr().out


def test_export_never_overwrites_without_force(service, tmp_path: Path, capsys) -> None:
    db = str(service.path)
    target = tmp_path / "out.bib"
    target.write_text("precious")
    assert main(["--db", db, "export", "--format", "bibtex", "-o", str(target)]) == 1
    assert "already exists; use --force" in capsys.readouterr().err
    assert target.read_text() == "precious"
    assert main(["--db", db, "export", "--format", "bibtex", "-o", str(target), "--force"]) == 0
    assert target.read_text().startswith("@")


@pytest.mark.parametrize("own", ["", "-wal", "link"])
def test_export_never_writes_over_the_database_itself(
    service, tmp_path: Path, capsys, own: str
) -> None:
    """`export --force -o reader.db` replaced the library with its JSON export."""
    db = service.path
    service.rate(1, 5)
    service.close()
    target = Path(f"{db}{own}") if own != "link" else tmp_path / "library.json"
    if own == "link":
        target.symlink_to(db)
    args = ["--db", str(db), "export", "--format", "json", "--force", "-o", str(target)]
    assert main(args) == 1
    assert "that is the database itself; give another file name" in capsys.readouterr().err
    assert main(["--db", str(db), "collection", "add", "ch2", "1"]) == 0  # the same refusal
    collection = ["--db", str(db), "collection", "export", "ch2", "--force", "-o", str(target)]
    assert main(collection) == 1
    assert "that is the database itself" in capsys.readouterr().err
    assert main(["--db", str(db), "show", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["paper"]["stars"] == 5


def test_export_writes_through_a_link_and_into_a_pipe(service, tmp_path: Path) -> None:
    """--force replaced a symbolic link with a plain file (the synced file it pointed to
    kept the old text) and a device or pipe with a file (as root, /dev/full became one)."""
    import os
    import threading

    db = str(service.path)
    synced = tmp_path / "synced"
    synced.mkdir()
    (synced / "thesis.bib").write_text("old")
    link = tmp_path / "thesis.bib"
    link.symlink_to(synced / "thesis.bib")
    assert main(["--db", db, "export", "--format", "bibtex", "--force", "-o", str(link)]) == 0
    assert link.is_symlink() and (synced / "thesis.bib").read_text().startswith("@")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text()), daemon=True)
    reader.start()
    assert main(["--db", db, "export", "--format", "ris", "--force", "-o", str(pipe)]) == 0
    reader.join(timeout=30)
    assert received and received[0].startswith("TY  -")
    assert not pipe.is_file()  # still a pipe


def test_export_formats_to_stdout_and_markdown_folder(service, tmp_path: Path, capsys) -> None:
    db = str(service.path)
    service.rate(1, 5)
    service.add_note(1, "my note")
    for fmt, start in [("bibtex", "@"), ("ris", "TY  - "), ("csv", "id,"), ("json", "{")]:
        assert main(["--db", db, "export", "--format", fmt, "--min-stars", "5"]) == 0
        out = capsys.readouterr().out
        assert out.startswith(start), (fmt, out[:40])
    assert main(["--db", db, "export", "--format", "markdown"]) == 2
    folder = tmp_path / "notes"
    assert (
        main(["--db", db, "export", "--format", "markdown", "--min-stars", "5", "-o", str(folder)])
        == 0
    )
    (file,) = folder.iterdir()
    assert "my note" in file.read_text()
    assert (
        main(["--db", db, "export", "--format", "markdown", "--min-stars", "5", "-o", str(folder)])
        == 1
    )
    assert "already exists" in capsys.readouterr().err


def _arxiv_line(n: int) -> str:
    return json.dumps(
        {"id": f"2401.0000{n}", "title": f"Good paper {n}", "abstract": "x", "authors": "A B",
         "categories": "cs.LG", "update_date": "2024-01-01"}
    )  # fmt: skip


DEEP = "[" * 100_000 + "]" * 100_000
"""JSON nested deeper than json's decoder recurses (it raised RecursionError)."""


def test_deeply_nested_json_export_is_one_line(db_path: Path, tmp_path: Path, capsys) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP + "\n")
    assert main(["--db", str(db_path), "import", str(deep)]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"reader: error: {deep}: JSON nested too deeply to read "
        "(lists or objects about 1,000 levels deep)\n"
    )


def test_deeply_nested_line_is_reported_and_the_others_import(
    db_path: Path, tmp_path: Path, capsys
) -> None:
    lines = tmp_path / "dump.jsonl"
    lines.write_text(f"{_arxiv_line(1)}\n{{\"id\": {DEEP}}}\n{_arxiv_line(3)}\n")
    assert main(["--db", str(db_path), "import", str(lines)]) == 1
    captured = capsys.readouterr()
    assert (
        f"{lines}:2: JSON nested too deeply to read (lists or objects about 1,000 levels deep)"
        in captured.err
    )
    assert "internal error" not in captured.err
    assert "added 2, merged/updated 0, skipped 1 (1 bad record)" in captured.out


def test_an_unreadable_year_is_imported_without_and_said(
    db_path: Path, tmp_path: Path, capsys
) -> None:
    """year={20x1} and 'Y1  - 19xx' were dropped in silence, and a RIS file cut off
    before its last 'ER  -' imported that record in silence. Each is now a warning: the
    paper is imported (without the year), the line named, and the exit code stays 0."""
    bib = tmp_path / "years.bib"
    bib.write_text(
        "@article{good, title={A paper with a good year}, author={Doe, Jane}, year={2020}}\n"
        "\n"
        "@article{bad, title={A paper with a typo in its year}, author={Roe, Rick},\n"
        "  year={20x1}, journal={J. Typos}}\n"
    )
    ris = tmp_path / "years.ris"
    ris.write_text(
        "TY  - JOUR\nTI  - A RIS paper of the nineteen-somethings\nAU  - Poe, Ed\n"
        "Y1  - 19xx\nER  - \n\n"
        "TY  - JOUR\nTI  - A RIS paper cut off at the end\nAU  - Moe, Al\nPY  - 2019\n"
    )
    code = main(["--db", str(db_path), "import", "--json", str(bib), str(ris)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert f"{bib}:3: year: not a year: '20x1'" in captured.err
    assert f"{ris}:1: Y1: not a year: '19xx'" in captured.err
    assert (
        f"{ris}:7: record is not closed (the file ends before its 'ER  -' line)" in captured.err
    )
    report = json.loads(captured.out)
    assert (report["added"], report["problems"], report["skipped"]) == (4, 0, [])
    assert len(report["warnings"]) == 3
    svc = open_service(db_path)
    try:
        years = {p.title: p.year for p in svc.search("paper")}
    finally:
        svc.close()
    assert years["A paper with a typo in its year"] is None
    assert years["A RIS paper of the nineteen-somethings"] is None
    assert years["A RIS paper cut off at the end"] == 2019
    assert years["A paper with a good year"] == 2020
    # The plain summary counts them; they are not bad records.
    assert main(["--db", str(db_path), "import", str(bib)]) == 0
    out = capsys.readouterr().out
    assert "1 warning" in out and "bad record" not in out


def test_import_reads_standard_input_and_a_named_pipe(
    service, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import reads a file twice (its head for the format, then all of it):
    `... | reader import /dev/stdin` said "file is empty" and a named pipe hung."""
    import io
    import os
    import threading

    db = str(service.path)
    service.close()
    bib = (
        "@article{s, title={A Study of Things}, author={Smith, John}, year={2020}}\n"
        "@article{t, title={Cut off, author=}\n"
    )
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(bib.encode())))
    assert main(["--db", db, "import", "-"]) == 1  # one bad record
    out, err = capsys.readouterr()
    assert out.startswith("added 1,")
    assert err.startswith(
        "<stdin>:2: entry 't' (@article): broken BibTeX syntax: "
        "Unexpectedly reached end of file; skipped\n"  # its own full stop left out
    )

    pipe = tmp_path / "from-zotero.bib"
    os.mkfifo(pipe)
    writer = threading.Thread(target=pipe.write_text, args=(bib.replace("Things", "Pipes"),))
    writer.start()
    assert main(["--db", db, "import", "--strict", str(pipe)]) == 1
    writer.join(timeout=10)
    assert f"{pipe}:2: entry 't'" in capsys.readouterr().err
    assert not list(Path(tempfile.gettempdir()).glob("reader-import-*"))
