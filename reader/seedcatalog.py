"""The seed catalog the app ships with: read it, and rebuild it from the saved page.

Rebuild after changing the page or the parser::

    python -m reader.seedcatalog seeds/daily-papers-generalization.txt

which writes ``seeds/daily-papers-generalization.jsonl`` beside the page.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from importlib import resources
from pathlib import Path

from reader.models import PaperRecord
from reader.parse.seeds import parse_seed_page

SEED_NAME = "daily-papers-generalization"
SEED_SOURCE = f"seed:{SEED_NAME}"


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


def build(page: Path, output: Path) -> int:
    result = parse_seed_page(page.read_text("utf-8"), source=SEED_SOURCE)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    output.write_text("".join(record_to_json(r) + "\n" for r in result.records), "utf-8")
    print(f"wrote {len(result.records)} papers to {output}")
    return 1 if result.problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rebuild the seed catalog from a saved page.")
    parser.add_argument("page", type=Path)
    parser.add_argument("-o", "--output", type=Path, help="default: the page's name with .jsonl")
    args = parser.parse_args(argv)
    return build(args.page, args.output or args.page.with_suffix(".jsonl"))


if __name__ == "__main__":
    raise SystemExit(main())
