"""First paint of two checkouts against the bare Textual app, in alternated rounds.

On a busy machine single launches scatter; here each round launches the bare app, then
each checkout, one after the other in the same 120x40 pty as ``tui_startup.py``, and the
medians of the per-round ratios are printed: to the first frame with "Today", and to the
footer's keys ("^p palette", which a bare Textual app also draws a frame later).

    .venv/bin/python benchmarks/first_paint_rounds.py --against /tmp/main-export \\
        --dir /tmp/reader-bench --sizes 10000 --rounds 7

Each checkout should have its modules compiled (``python -m compileall -q reader tui``),
as an installed reader has; see ``first_paint_cost.py``.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from tui_startup import Terminal, bare_paint, database, load_average, machine

HERE = Path(__file__).resolve().parent.parent


def launch(db: Path, root: Path) -> tuple[float, float]:
    """Seconds to Today's first frame and to the footer's keys, for the checkout ``root``."""
    code = f"import sys; sys.path[:0] = [{str(root)!r}]; from tui.launch import main; main()"
    term = Terminal(db, code=code)
    try:
        times = term.times_of([b"Today", b"palette"], timeout=120)
    finally:
        term.quit()
    return times[b"Today"], times[b"palette"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", type=Path, required=True, help="another checkout")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/reader-bench"))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    roots = {"other": args.against.resolve(), "this": HERE}
    print(machine())
    for n in args.sizes:
        db = database(args.dir, n)
        print(f"\n{n:,} papers, {args.rounds} rounds, load before: {load_average()}")
        bare: list[tuple[float, float]] = []
        ratios: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in roots}
        for _ in range(args.rounds):
            paint, keys = bare_paint()
            bare.append((paint, keys))
            for name, root in roots.items():
                their_paint, their_keys = launch(db, root)
                ratios[name][0].append(their_paint / paint)
                ratios[name][1].append(their_keys / keys)
        print(
            f"bare app: first paint {statistics.median(b[0] for b in bare):.3f} s,"
            f" footer keys {statistics.median(b[1] for b in bare):.3f} s"
        )
        for name, root in roots.items():
            paints, keys = ratios[name]
            each = " ".join(f"{r:.2f}" for r in paints)
            print(
                f"{name} ({root}): first paint x bare {statistics.median(paints):.2f}"
                f" [{each}], footer keys x bare {statistics.median(keys):.2f}"
            )
        print(f"load after: {load_average()}")


if __name__ == "__main__":
    main()
