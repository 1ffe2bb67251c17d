"""Generate a synthetic catalog of N papers as JSON lines, for the recommender scale benchmark.

The text is not real, but it is shaped like arXiv metadata so that tokenizing, the vocabulary
and the sparse matrix have realistic sizes: a 60,000-word Zipfian vocabulary, 400 topics that
each prefer their own words, titles of 6-14 words, abstracts of 100-220 words (about the
length of an arXiv abstract), 1-6 authors from a pool of 300,000 names and 1-3 category tags.
Everything comes from ``numpy.random.default_rng(seed)``, so the same arguments give the same
file.

    python benchmarks/gen_catalog.py --n 1000000 --out /tmp/catalog-1m.jsonl

One object a line: ``{"id", "title", "abstract", "authors", "tags"}``. 1,000,000 papers take
about 1.3 GB; write them outside the project tree.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

VOCAB = 60_000
TOPICS = 400
AUTHORS = 300_000
SYLLABLES = (
    "ka ri to ne mo sa lu vi de pa ge ro mi ta no fe zu li ba co "
    "da el ix or um an ser tol vin pra qua ble dro nix"
).split()


def _words(rng: np.random.Generator, n: int) -> list[str]:
    out: set[str] = set()
    while len(out) < n:
        k = int(rng.integers(2, 5))
        out.add("".join(SYLLABLES[i] for i in rng.integers(0, len(SYLLABLES), k)))
    return sorted(out)


def generate(n: int, seed: int, out) -> None:
    """Write `n` papers to the text stream `out`."""
    rng = np.random.default_rng(seed)
    words = np.array(_words(rng, VOCAB))
    zipf = 1.0 / np.arange(1, VOCAB + 1) ** 1.07
    zipf /= zipf.sum()
    # Each topic reorders the Zipf ranks of a slice of the vocabulary: its own frequent words.
    topic_perm = [rng.permutation(VOCAB) for _ in range(TOPICS)]
    first = np.array(_words(rng, 3000))
    last = np.array(_words(rng, 20000))
    tags = np.array([f"cs.{w[:4].upper()}" for w in _words(rng, 120)])
    chunk = 10_000
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        topic = rng.integers(0, TOPICS, m)
        lens_t = rng.integers(6, 15, m)
        lens_a = rng.integers(100, 221, m)
        ranks = rng.choice(VOCAB, size=int((lens_t + lens_a).sum()), p=zipf)
        pos = 0
        lines = []
        for j in range(m):
            lt, la = int(lens_t[j]), int(lens_a[j])
            toks = words[topic_perm[topic[j]][ranks[pos : pos + lt + la]]]
            pos += lt + la
            n_auth = int(rng.integers(1, 7))
            auth = [
                f"{first[a % 3000]} {last[a % 20000]}"
                for a in rng.integers(0, AUTHORS, n_auth).tolist()
            ]
            paper = {
                "id": start + j,
                "title": " ".join(toks[:lt]).capitalize(),
                "abstract": " ".join(toks[lt:]),
                "authors": auth,
                "tags": tags[rng.integers(0, len(tags), int(rng.integers(1, 4)))].tolist(),
            }
            lines.append(json.dumps(paper))
        out.write("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="-", help="file to write, '-' for stdout")
    args = parser.parse_args(argv)
    if args.out == "-":
        generate(args.n, args.seed, sys.stdout)
    else:
        with open(args.out, "w", encoding="utf-8") as fh:
            generate(args.n, args.seed, fh)


if __name__ == "__main__":
    main()
