"""The seed catalog the app ships with: read it, and rebuild it from the saved page.

Rebuild after changing the page, its id mapping or the parser::

    python -m reader.seedcatalog seeds/daily-papers-generalization.txt

which reads ``seeds/daily-papers-generalization.ids.tsv`` (arXiv ids, authors and years,
each with its source) when it is there, and writes ``seeds/daily-papers-generalization.jsonl``
beside the page. Any problem in the page or the mapping is printed as ``file:line: ...`` and
nothing is written.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from importlib import resources
from pathlib import Path

from reader.models import PaperRecord, ParseProblem
from reader.parse.seeds import apply_id_mapping, parse_id_mapping, parse_seed_page

SEED_NAME = "daily-papers-generalization"
SEED_SOURCE = f"seed:{SEED_NAME}"
MAPPING_SUFFIX = ".ids.tsv"


def record_to_json(record: PaperRecord) -> str:
    data = dataclasses.asdict(record)
    data["authors"] = list(record.authors)
    data["tags"] = list(record.tags)
    return json.dumps(
        {k: v for k, v in data.items() if v not in (None, "", [])}, ensure_ascii=False
    )


def record_from_json(line: str) -> PaperRecord:
    data = json.loads(line)
    data["authors"] = tuple(data.get("authors", ()))
    data["tags"] = tuple(data.get("tags", ()))
    return PaperRecord(**data)


def seed_records() -> list[PaperRecord]:
    """The shipped catalog, read from the installed package data."""
    text = resources.files("seeds").joinpath(f"{SEED_NAME}.jsonl").read_text("utf-8")
    return [record_from_json(line) for line in text.splitlines() if line.strip()]


def mapping_path(page: Path) -> Path:
    """Where the id mapping for ``page`` lives: ``x.txt`` -> ``x.ids.tsv``."""
    return page.with_suffix(MAPPING_SUFFIX)


def catalog_records(
    page: Path, mapping: Path | None
) -> tuple[list[PaperRecord], list[ParseProblem]]:
    """The catalog built from the page and, when given, its id mapping."""
    result = parse_seed_page(page.read_text("utf-8"), source=str(page))
    records = [dataclasses.replace(r, source=SEED_SOURCE) for r in result.records]
    problems = list(result.problems)
    if mapping is None:
        return records, problems
    mapped = parse_id_mapping(
        mapping.read_text("utf-8"), titles=[r.title for r in records], source=str(mapping)
    )
    merged = apply_id_mapping(records, mapped.rows, source=str(mapping))
    return merged.records, problems + mapped.problems + merged.problems


def build(page: Path, output: Path, mapping: Path | None = None) -> int:
    records, problems = catalog_records(page, mapping)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{output} not written: fix the {len(problems)} problem(s) above", file=sys.stderr)
        return 1
    # Write beside the target and rename, so a failed run never leaves half a catalog.
    partial = output.with_name(output.name + ".partial")
    partial.write_text("".join(record_to_json(r) + "\n" for r in records), "utf-8")
    os.replace(partial, output)
    with_ids = sum(1 for r in records if r.arxiv_id)
    print(f"wrote {len(records)} papers ({with_ids} with an arXiv id) to {output}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rebuild the seed catalog from a saved page.")
    parser.add_argument("page", type=Path)
    parser.add_argument("-o", "--output", type=Path, help="default: the page's name with .jsonl")
    parser.add_argument(
        "--ids", type=Path, help=f"id mapping; default: the page's name with {MAPPING_SUFFIX}"
    )
    args = parser.parse_args(argv)
    mapping = args.ids or mapping_path(args.page)
    if args.ids is not None and not mapping.is_file():
        print(f"{mapping}: no such id mapping", file=sys.stderr)
        return 1
    return build(
        args.page,
        args.output or args.page.with_suffix(".jsonl"),
        mapping if mapping.is_file() else None,
    )


if __name__ == "__main__":
    raise SystemExit(main())
