"""The reading half of a large arXiv JSON Lines import, run in a child process.

The importer's process spends its time in SQLite (inserting, indexing, committing); the
parse (``json.loads``, building records, title keys, the authors' JSON) is as much work
again and, in a thread, would fight the writer for the GIL. So for a large file the
importer starts ``python -m reader.import_worker`` and this process reads and parses on
the other core, writing pickled batches to stdout::

    ("batch", records, prepared, problems, bytes_read, lines)  # see prepare()
    ("oserror", message)                                        # the file could not be read
    ("error", message)                                          # anything else (a bug)
    ("done",)

A full pipe blocks it, so memory stays flat; when the importer dies (even SIGKILL) the
next write fails and this process exits. It never touches the database.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import signal
import sys
from collections.abc import Collection, Iterator
from datetime import date
from typing import BinaryIO

from reader.match import key_hash, title_key
from reader.models import PaperRecord, ParseProblem
from reader.parse.arxiv_jsonl import iter_arxiv_jsonl
from reader.parse.detect import decode_bytes

_authors_json = json.JSONEncoder(ensure_ascii=False).encode


def decoded_lines(handle: BinaryIO, counter: list[int]) -> Iterator[str]:
    """Text lines of a binary file, counting bytes; a line that is not UTF-8 is decoded
    like :func:`decode_bytes` does rather than failing the file."""
    for raw in handle:
        counter[0] += len(raw)
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            yield decode_bytes(raw)


def prepare(record: PaperRecord) -> tuple[str, str, int]:
    """What the store computes for each record: its title key, its authors as JSON and
    the key's hash."""
    key = title_key(record.title, record.authors)
    return key, _authors_json(record.authors), key_hash(key)


def batches(
    path: str, categories: Collection[str], since: date | None, size: int
) -> Iterator[tuple]:
    """The ``batch`` messages for the file at ``path``."""
    counter = [0]
    records: list[PaperRecord] = []
    prepared: list[tuple[str, str, int]] = []
    problems: list[ParseProblem] = []
    lines = 0
    with open(path, "rb") as handle:
        items = iter_arxiv_jsonl(
            decoded_lines(handle, counter), path, categories=categories, since=since
        )
        for _, item in items:
            lines += 1
            if type(item) is PaperRecord:
                records.append(item)
                prepared.append(prepare(item))
                if len(records) >= size:
                    yield ("batch", records, prepared, problems, counter[0], lines)
                    records, prepared, problems, counter[0], lines = [], [], [], 0, 0
            else:
                problems.append(item)  # type: ignore[arg-type]
    yield ("batch", records, prepared, problems, counter[0], lines)


def main(argv: list[str]) -> int:
    """``python -m reader.import_worker PATH CATEGORIES_JSON SINCE_ISO_OR_EMPTY SIZE``"""
    path, cats, since_text, size = argv
    categories = json.loads(cats)
    since = date.fromisoformat(since_text) if since_text else None
    out = os.fdopen(sys.stdout.fileno(), "wb", buffering=1 << 20, closefd=False)

    def send(message: tuple) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        try:
            for message in batches(path, categories, since, int(size)):
                send(message)
        except OSError as error:
            if isinstance(error, BrokenPipeError):
                raise
            send(("oserror", error.strerror or str(error)))
        except Exception as error:  # reported by the importer, which raises it
            send(("error", f"{type(error).__name__}: {error}"))
        else:
            send(("done",))
        out.flush()
    except (BrokenPipeError, KeyboardInterrupt):
        return 1  # the importer is gone or was interrupted: nothing to tell anyone
    return 0


if __name__ == "__main__":
    # Ctrl-C goes to the importer, which stops us; a closed pipe ends us quietly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Everything made here is acyclic and freed batch by batch by reference counting;
    # the cycle collector's passes found nothing and cost ~13% of the parse.
    gc.disable()
    os._exit(main(sys.argv[1:]))  # no exit-time flush of a pipe that may be gone
