"""How fast the terminal UI starts and how fast library search answers a keystroke.

1. Launch to first paint: the real ``reader`` command is started in a pseudo-terminal
   (120x40) on a database of N papers; the clock stops when the Today screen's header has
   been written to the terminal ("first paint"), and again when the Suggestions section
   appears (suggestions come from a worker; the first launch on a new catalog also builds
   the recommender's features). Each size is launched twice: cold (features not cached
   yet) and warm.
2. Screen switches and quitting, at the smallest size: each destination key in turn, from
   the key to the new screen's text on the terminal (a first visit builds the screen, a
   later one only shows it), then Ctrl+Q to the end of the process.
3. Keystroke latency in library search at the largest size, in the same real pty: the
   search box gets one character at a time, and for each key we time (a) until the
   terminal receives the first repaint ("echo") and (b) until the new result count
   ("N found") is written (the search runs in a worker on a second connection).

Baselines, measured in the same run so that ratios hold on a busy machine: a bare Textual
app (Header, a line of text, Footer) launched the same way, for first paint; and the
service's own calls for each search prefix (``papers(query=..., limit=200)`` + ``count``),
timed in this process, for search.

Databases are built through the service/store API with synthetic, arXiv-shaped text
(Zipf-distributed words from a 20,000-word vocabulary) and kept in --dir for re-runs.

    /work/venv/bin/python benchmarks/tui_startup.py                 # 50, 10,000, 100,000
    /work/venv/bin/python benchmarks/tui_startup.py --sizes 50 --keys 5
    /work/venv/bin/python benchmarks/tui_startup.py --sizes 50 10000 --keys 0   # no search
"""

from __future__ import annotations

import argparse
import fcntl
import os
import platform
import pty
import random
import select
import statistics
import struct
import sys
import termios
import time
from datetime import UTC, datetime
from pathlib import Path

from reader.models import PaperRecord
from reader.service import open_service

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
QUERY = "graph neural generalization"


def _vocabulary(rng: random.Random, n: int = 20_000) -> list[str]:
    syllables = "ka ri to ne mo sa lu vi de pa ge ro mi ta no fe zu li ba co da el or um an".split()
    words: set[str] = {"graph", "neural", "generalization", "network", "learning", "model"}
    while len(words) < n:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words, key=lambda w: (w not in {"learning", "model", "network"}, w))


def build_db(path: Path, n: int, seed: int = 7) -> None:
    """``n`` synthetic papers, 2% rated, 1% reading or queued, 1% tagged, some notes."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    weights = [1 / (rank + 1) ** 1.07 for rank in range(len(vocab))]
    service = open_service(path, clock=lambda: NOW, seed=False)
    batch: list[PaperRecord] = []
    for i in range(n):
        title = rng.choices(vocab, weights, k=rng.randint(6, 14))
        abstract = rng.choices(vocab, weights, k=rng.randint(100, 200))
        batch.append(
            PaperRecord(
                title=" ".join(title).capitalize() + f" ({i})",
                abstract=" ".join(abstract),
                authors=tuple(f"Author {rng.randint(1, 50_000)}" for _ in range(rng.randint(1, 6))),
                year=rng.randint(1995, 2026),
                source="benchmark",
            )
        )
        if len(batch) == 5_000:
            service.store.ingest.add(batch, now=NOW)
            batch = []
    if batch:
        service.store.ingest.add(batch, now=NOW)
    ids = list(range(1, n + 1))
    rng.shuffle(ids)
    for paper_id in ids[: max(3, n // 50)]:
        service.rate(paper_id, rng.randint(1, 5))
    for paper_id in ids[: max(2, n // 100)]:
        service.set_status(paper_id, rng.choice(["reading", "queued"]))
    for paper_id in ids[: max(2, n // 100)]:
        service.tag(paper_id, [rng.choice(["ml", "theory", "vision", "to-cite"])])
        service.add_note(paper_id, " ".join(rng.choices(vocab, weights, k=40)))
    service.close()


def database(directory: Path, n: int) -> Path:
    path = directory / f"tui-bench-{n}.db"
    if not path.exists():
        started = time.perf_counter()
        build_db(path, n)
        print(f"  built {path} ({n:,} papers) in {time.perf_counter() - started:.1f} s")
    return path


# The real command in a pseudo-terminal -----------------------------------------------------


class Terminal:
    """``reader`` running in a 120x40 pty; ``wait_for`` reads its output until a marker."""

    def __init__(self, db: Path, *, code: str = "from tui.launch import main; main()") -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the reader command
            os.environ.update(READER_DB=str(db), TERM="xterm-256color")
            os.execv(sys.executable, [sys.executable, "-c", code])
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.started = time.perf_counter()
        self.pending = b""
        """Output read but not yet looked at by a ``wait_for``."""

    def send(self, data: bytes) -> float:
        os.write(self.fd, data)
        return time.perf_counter()

    def wait_for(self, marker: bytes | None, *, timeout: float = 300.0) -> float:
        """Seconds since start when ``marker`` was written (None: any output at all)."""
        seen, self.pending = self.pending, b""
        if seen and (marker is None or marker in seen):
            at = time.perf_counter()
            self.pending = seen[seen.index(marker) + len(marker) :] if marker else b""
            return at
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.02)
            if not ready:
                continue
            seen += os.read(self.fd, 65536)
            if marker is None or marker in seen:
                at = time.perf_counter()
                # Keep what came after, for the next wait (an echo may carry the count too).
                self.pending = seen if marker is None else seen[seen.index(marker) + len(marker) :]
                return at
        raise RuntimeError(f"{marker!r} not shown within {timeout} s")

    def times_of(self, markers: list[bytes], *, timeout: float = 300.0) -> dict[bytes, float]:
        """Seconds since start when each of ``markers`` was first written (those not seen
        within ``timeout`` are left out), watching all the output from here on."""
        seen, self.pending = self.pending, b""
        found: dict[bytes, float] = {}
        deadline = time.perf_counter() + timeout
        while True:
            for marker in markers:
                if marker not in found and marker in seen:
                    found[marker] = time.perf_counter() - self.started
            if len(found) == len(markers) or time.perf_counter() >= deadline:
                return found
            if select.select([self.fd], [], [], 0.02)[0]:
                seen += os.read(self.fd, 65536)

    def drain(self, quiet: float = 0.3) -> None:
        self.pending = b""
        while select.select([self.fd], [], [], quiet)[0]:
            os.read(self.fd, 65536)

    def quit(self) -> None:
        os.write(self.fd, b"\x11")  # ctrl+q
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                break
            try:
                if select.select([self.fd], [], [], 0.05)[0]:
                    os.read(self.fd, 65536)
            except OSError:
                pass
        else:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


SCREENS = [
    (b"l", "Library", b"Search papers"),
    (b",", "Settings", b"Suggestions per day"),
    (b"g", "Stats", b"Papers read per week"),
    (b"i", "Import", b"arXiv ids or DOIs"),
    (b"\x1b", "", b""),  # Escape: leave Import's path box, so the next letter is a key
    (b"v", "Review", b"re-read"),
    (b"t", "Today", b"Suggestions"),
    (b"b", "Inbox", b"Inbox"),  # its header (the headline may be ranked by then)
    (b"t", "Today", b"Suggestions"),
    (b"h", "Hidden", b"b takes one back"),
    (b"\x1b", "Today", b"Suggestions"),  # Escape: back from Hidden
    (b",", "Settings", b"Suggestions per day"),
    (b"l", "Library", b"Search papers"),
]
"""Keys pressed in turn, the screen each brings and text only that screen writes."""


def switches_and_quit(db: Path) -> tuple[list[tuple[str, float]], float]:
    """Seconds from a key to the new screen's text on the terminal, for each screen (the
    first visit mounts it; later ones only show it), then from Ctrl+Q to the end of the
    process."""
    term = Terminal(db)
    rows = []
    try:
        term.wait_for(b"Today")
        term.drain(1.5)  # let the suggestions worker finish its first paint
        seen = {"Today"}  # the start screen
        for key, name, marker in SCREENS:
            sent = term.send(key)
            if marker:
                shown = term.wait_for(marker, timeout=60) - sent
                rows.append((f"{name} ({'again' if name in seen else 'first'})", shown))
                seen.add(name)
            term.drain()
            if key == b"\x1b":
                # A lone Escape waits in the app's input parser for what may follow it (an
                # escape sequence); the next key sent in that time arrived with it as
                # Alt+key (on a busy machine Settings then never showed). Not timed.
                time.sleep(0.3)
        sent = term.send(b"\x11")  # ctrl+q
        while not os.waitpid(term.pid, os.WNOHANG)[0]:
            try:
                if select.select([term.fd], [], [], 0.005)[0]:
                    os.read(term.fd, 65536)
            except OSError:
                time.sleep(0.005)
        quit_s = time.perf_counter() - sent
    finally:
        try:
            os.close(term.fd)
        except OSError:
            pass
    return rows, quit_s


def launch(db: Path, *, patience: float = 600.0) -> tuple[float, float, float | None]:
    """Seconds from exec to the Today header on the terminal, to the footer's keys (its
    "^p palette", the last key drawn), and to the Suggestions (None if they took longer
    than ``patience``)."""
    term = Terminal(db)
    try:
        times = term.times_of([b"Today", b"palette", b"Suggestions"], timeout=patience)
    finally:
        term.quit()
    if b"Today" not in times or b"palette" not in times:
        raise RuntimeError("Today was not shown")
    return times[b"Today"], times[b"palette"], times.get(b"Suggestions")


BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static
class Bare(App):
    TITLE = "bare"
    def compose(self):
        yield Header()
        yield Static("Today")
        yield Footer()
Bare().run()
"""


def bare_paint() -> tuple[float, float]:
    """Seconds from exec to the first paint of a minimal Textual app (the floor), and to
    its footer's key ("^p palette"), which Textual draws a frame later."""
    term = Terminal(Path("/dev/null"), code=BARE_APP)
    try:
        times = term.times_of([b"Today", b"palette"], timeout=60)
    finally:
        term.quit()
    return times[b"Today"], times[b"palette"]


def direct_search(db: Path, keys: str) -> list[float]:
    """Per prefix: seconds for the service calls the library makes (first page + count)."""
    service = open_service(db, seed=False)
    times = []
    try:
        for i in range(len(keys)):
            text = keys[: i + 1]
            started = time.perf_counter()
            if text.strip():
                service.papers(query=text, sort="relevance", limit=200)
                service.count(query=text)
            times.append(time.perf_counter() - started)
    finally:
        service.close()
    return times


def search_latency(db: Path, keys: str) -> list[tuple[str, float, float]]:
    """Per key: ms until the terminal gets the first repaint (the echo), and until the
    new result count ("N found") is written."""
    term = Terminal(db)
    rows = []
    try:
        term.wait_for(b"Today")
        term.drain(1.0)
        term.send(b"l")
        term.wait_for(b"Library")
        term.drain()
        term.send(b"/")
        term.drain()
        for i, key in enumerate(keys):
            sent = term.send(key.encode())
            echo = term.wait_for(None) - sent
            shown = term.wait_for(b"found") - sent
            rows.append((keys[: i + 1], echo, shown))
            term.drain()
    finally:
        term.quit()
    return rows


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 10_000, 100_000])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/reader-bench"))
    parser.add_argument("--keys", type=int, default=len(QUERY), help="keystrokes to time")
    parser.add_argument("--fresh", action="store_true", help="rebuild the databases")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    print(machine())
    print(f"load average before: {load_average()}")
    print("\nLaunch to first paint of Today (real command in a 120x40 pty)")
    bare = [bare_paint() for _ in range(3)]
    baseline = statistics.median(paint for paint, _keys in bare)
    keys_baseline = statistics.median(keys for _paint, keys in bare)
    print(
        f"bare Textual app (median of 3): first paint {baseline:.2f} s,"
        f" footer keys {keys_baseline:.2f} s"
    )
    print(
        f"{'papers':>8} {'run':>5} {'first paint':>12} {'x bare':>7}"
        f" {'footer keys':>12} {'x bare':>7} {'suggestions':>12}"
    )
    for n in args.sizes:
        path = args.dir / f"tui-bench-{n}.db"
        if args.fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        path = database(args.dir, n)
        for run in ("cold", "warm"):
            paint, keys, suggest = launch(path)
            later = f"{suggest:10.2f} s" if suggest is not None else "  > 600 s"
            print(
                f"{n:>8,} {run:>5} {paint:10.2f} s {paint / baseline:7.2f}"
                f" {keys:10.2f} s {keys / keys_baseline:7.2f} {later}",
                flush=True,
            )
    smallest = database(args.dir, min(args.sizes))
    print(
        f"\nScreen switches and quit at {min(args.sizes):,} papers"
        " (key to the screen on the terminal; goal 0.3 s)"
    )
    rows_s, quit_s = switches_and_quit(smallest)
    for name, seconds in rows_s:
        print(f"  {name:<20} {seconds:6.2f} s")
    print(f"  {'quit (Ctrl+Q)':<20} {quit_s:6.2f} s")
    if args.keys == 0:
        print(f"\nload average after: {load_average()}")
        return
    largest = database(args.dir, max(args.sizes))
    print(f"\nLibrary search at {max(args.sizes):,} papers, one key at a time (real pty)")
    print(f"{'typed':<32} {'echo ms':>8} {'results ms':>11} {'service ms':>11} {'ratio':>6}")
    rows = search_latency(largest, QUERY[: args.keys])
    direct = direct_search(largest, QUERY[: args.keys])
    for (value, echo, shown), own in zip(rows, direct, strict=True):
        ratio = f"{shown / own:6.2f}" if own > 0.001 else "     -"
        print(f"{value!r:<32} {echo * 1000:8.1f} {shown * 1000:11.1f} {own * 1000:11.1f} {ratio}")
    echoes = [r[1] * 1000 for r in rows]
    results = [r[2] * 1000 for r in rows]
    owns = [t * 1000 for t in direct]
    print(
        f"{'median':<32} {statistics.median(echoes):8.1f} {statistics.median(results):11.1f}"
        f" {statistics.median(owns):11.1f}\n"
        f"{'max':<32} {max(echoes):8.1f} {max(results):11.1f} {max(owns):11.1f}"
    )
    print(f"\nload average after: {load_average()}")


if __name__ == "__main__":
    main()
