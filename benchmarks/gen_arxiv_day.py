"""Generate one day of arXiv's announcement feed for cs.LG+cs.CV+cs.CL, for benchmarks.

The output is in the exact format of ``rss.arxiv.org/atom/cs.LG+cs.CV+cs.CL`` (the same
elements as tests/data/arxiv_announce.xml): ``oai:arXiv.org:<id>v<n>`` entry ids, the
"arXiv:<id>v<n> Announce Type: <type> \\nAbstract: ..." summary, one comma-separated
``<dc:creator>``, ``<arxiv:announce_type>``, categories with the primary first, optional
``<arxiv:DOI>`` and ``<arxiv:journal_reference>``. The mix follows a busy weekday of these
three categories: about 45% new, 20% cross-lists, 25% replacements, 10% replace-cross;
titles of 6-16 words, abstracts of 120-260 words, 1-15 authors (a few with accents),
some TeX. Same arguments, same file (``random.Random(seed)``).

    python benchmarks/gen_arxiv_day.py --n 1500 --day 2026-03-03 --out /tmp/day.xml
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date
from typing import TextIO
from xml.sax.saxutils import escape

CATEGORIES = ("cs.LG", "cs.CV", "cs.CL")
OTHER_CATEGORIES = (
    "stat.ML", "cs.AI", "cs.IR", "cs.RO", "eess.IV", "eess.AS", "math.OC", "cs.NE",
    "q-bio.NC", "cs.CR", "cs.SD", "physics.comp-ph", "cs.HC", "math.ST",
)  # fmt: skip
TYPES = (("new", 0.45), ("cross", 0.20), ("replace", 0.25), ("replace-cross", 0.10))
WORDS = """
learning model models neural network networks training data deep language large vision
transformer transformers attention diffusion generative representation representations
benchmark benchmarks task tasks method methods performance results approach framework
propose show demonstrate experiments dataset datasets image images video text speech
reasoning agents reinforcement policy reward optimization gradient stochastic convex loss
generalization robustness adversarial uncertainty calibration fairness privacy federated
graph graphs node embedding embeddings contrastive self-supervised pretraining fine-tuning
alignment instruction tuning prompt prompts retrieval augmented segmentation detection
tracking depth point cloud 3D scene rendering radiance fields tokens token sequence
context window scaling laws compute efficient sparse mixture experts quantization pruning
distillation knowledge kernel regression classification theory bounds sample complexity
convergence rates analysis empirical evaluation human feedback preference multimodal
cross-lingual translation summarization question answering dialogue hallucination safety
""".split()
TEX = ("$O(\\sqrt{T})$", "$\\ell_2$", "$\\epsilon$-optimal", "$k$-NN", "$\\mathcal{O}(n \\log n)$")
FIRST = """Wei Ana Jean-Luc Priya Kenji Laura Oluwaseun Sara Chinedu Lucia Haruka Marta Tom
Ahmed Fatima Dmitri Elena Sebastián José Zoë Søren Björn Mei Hiroshi Aarav Ingrid""".split()
LAST = """Zhang Lima Picard Natarajan Watanabe Müller Adeyemi Lindqvist Okafor Garcia Ito
Rossi Brown Hassan Nguyen Ivanov Kowalski Núñez Øster Dubois Chen Wang Li Singh Kim Park
Schmidt Rahman Costa Yilmaz""".split()


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    if rng.random() < 0.15:
        words.insert(rng.randrange(len(words)), rng.choice(TEX))
    return " ".join(words).capitalize() + "."


def _entry(rng: random.Random, n: int, day: date) -> str:
    kind = rng.choices([t for t, _ in TYPES], weights=[w for _, w in TYPES])[0]
    yymm = f"{day:%y%m}"
    if kind in ("new", "cross"):
        arxiv_id, version = f"{yymm}.{n + 1:05d}", 1
    else:
        older = rng.randint(1, 30)
        yy, mm = divmod(day.year * 12 + day.month - 1 - older, 12)
        arxiv_id, version = (
            f"{yy % 100:02d}{mm + 1:02d}.{rng.randint(1, 29999):05d}",
            rng.randint(2, 5),
        )
    home = rng.choice(CATEGORIES)
    others = rng.sample(OTHER_CATEGORIES + CATEGORIES, rng.randint(0, 3))
    if kind.endswith("cross"):
        primary = rng.choice(OTHER_CATEGORIES)
        categories = [primary, home] + [c for c in others if c not in (primary, home)]
    else:
        categories = [home] + [c for c in others if c != home]
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16))).title()
    words = rng.randint(120, 260)
    sentences = []
    while words > 0:
        length = min(words, rng.randint(12, 30))
        sentences.append(_sentence(rng, length))
        words -= length
    authors = ", ".join(
        f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(1, 15))
    )
    extras = ""
    if kind.startswith("replace") and rng.random() < 0.3:
        venue = f"Proceedings of ICML {day.year}"
        extras += f"\n    <arxiv:journal_reference>{venue}</arxiv:journal_reference>"
        extras += f"\n    <arxiv:DOI>10.5555/icml.{day.year}.{n}</arxiv:DOI>"
    category_lines = "\n".join(
        f'    <category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in categories
    )
    abstract = escape(" ".join(sentences))
    return f"""  <entry>
    <id>oai:arXiv.org:{arxiv_id}v{version}</id>
    <title>{escape(title)}</title>
    <updated>{day.isoformat()}T05:00:02.{n % 1000000:06d}+00:00</updated>
    <link href="https://arxiv.org/abs/{arxiv_id}" rel="alternate" type="text/html"/>
    <summary>arXiv:{arxiv_id}v{version} Announce Type: {kind} 
Abstract: {abstract}</summary>
{category_lines}
    <published>{day.isoformat()}T00:00:00-05:00</published>
    <arxiv:announce_type>{kind}</arxiv:announce_type>
    <dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>{extras}
    <dc:creator>{escape(authors)}</dc:creator>
  </entry>
"""


def generate(n: int, day: date, seed: int, out: TextIO) -> None:
    """Write a feed of ``n`` entries for ``day`` to ``out``."""
    rng = random.Random(seed)
    cats = "+".join(CATEGORIES)
    out.write(
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns="http://www.w3.org/2005/Atom" xml:lang="en-us">\n'
        f"  <id>http://rss.arxiv.org/atom/{cats}</id>\n"
        f"  <title>{', '.join(CATEGORIES)} updates on arXiv.org</title>\n"
        f"  <updated>{day.isoformat()}T05:00:02.318712+00:00</updated>\n"
        f'  <link href="http://rss.arxiv.org/atom/{cats}" rel="self" '
        'type="application/atom+xml"/>\n'
        f"  <subtitle>{', '.join(CATEGORIES)} updates on the arXiv.org e-print archive."
        "</subtitle>\n"
    )
    for n_entry in range(n):
        out.write(_entry(rng, n_entry, day))
    out.write("</feed>\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1500, help="entries (default 1500)")
    parser.add_argument("--day", type=date.fromisoformat, default=date(2026, 3, 3))
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--out", help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            generate(args.n, args.day, args.seed, out)
    else:
        generate(args.n, args.day, args.seed, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
