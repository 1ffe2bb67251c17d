"""Would stemmed terms rank better? A probe on `signal_lab.py`'s cached users, not production.

    pip install 'snowballstemmer>=2.2,<4'   # not a dependency of reader (yet)
    python benchmarks/signal_lab.py cache --papers DIR/papers.jsonl --users DIR/users-dev.jsonl \
        --half tune --n-users 150 --seed 0 --out /tmp/lab/a-t0
    python benchmarks/stemming_probe.py /tmp/lab/a-t0 DIR/papers.jsonl

The production ranking's terms are the words as written ("network" and "networks" are two
terms). This rebuilds the TF-IDF matrix with every word reduced to its Snowball (Porter 2)
stem, unigrams and bigrams, stop words dropped, as the production terms otherwise are, and
recomputes two of the blend's signals on it for the cached users: the sparse centroid
match (the mean of the rated rows, each term's weight times idf squared) and the per-user
classifier (production's own `_classifier`, over [stemmed TF-IDF, embedding]). It prints
recall@50 and nDCG@10 as ratios to the folder's best baseline for the signals alone and for
the production blend with the stemmed signals in place of the plain ones. Tune on
``--half tune`` only; a change must then be checked with `benchmarks/recommend.py` on the
held-out half.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
from recommend import load_items
from signal_lab import Folder, _z
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from reader.recommend import build_features
from reader.recommend import rank as production

_TOKEN = re.compile(r"(?u)\b\w\w+\b")


class _Stemmed:
    """The stand-in `Features` that production's classifier reads: the stemmed matrix and
    the real embeddings."""

    def __init__(self, matrix, semantic) -> None:  # type: ignore[no-untyped-def]
        self.matrix, self.semantic = matrix, semantic

    def __len__(self) -> int:
        return int(self.matrix.shape[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder written by signal_lab.py cache")
    parser.add_argument("papers", type=Path, help="the papers.jsonl the folder was cached on")
    args = parser.parse_args()
    try:
        import snowballstemmer
    except ImportError:
        raise SystemExit(
            "stemming_probe.py needs snowballstemmer: pip install snowballstemmer"
        ) from None

    stemmer = snowballstemmer.stemmer("english")
    stems: dict[str, str] = {}

    def analyzer(text: str) -> list[str]:
        words = [w for w in _TOKEN.findall(text.lower()) if w not in ENGLISH_STOP_WORDS]
        words = [stems.get(w) or stems.setdefault(w, stemmer.stemWord(w)) for w in words]
        return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]

    items = load_items(args.papers)
    folder = Folder(args.folder)
    real = build_features(lambda: items)
    vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=2)
    matrix = vectorizer.fit_transform([f"{i.title} {i.abstract}" for i in items])
    matrix = matrix.astype(np.float32).tocsr()
    idf = vectorizer.idf_.astype(np.float32)
    stemmed = _Stemmed(matrix, real.semantic)
    sparse, classifier = [], []
    for rated, _hidden in folder.splits:
        centroid = np.asarray(matrix[np.asarray(rated)].mean(axis=0)).ravel() * idf**2
        sparse.append(_z(matrix @ centroid))
        profile = production.build_profile(real, {int(real.ids[r]): 1.0 for r in rated})
        fitted = production._classifier(stemmed, profile)  # type: ignore[arg-type]
        assert fitted is not None
        classifier.append(_z(matrix @ fitted[0] + real.semantic @ fitted[1]))

    def show(name: str, ratios: tuple[float, float]) -> None:
        print(f"| {name} | {ratios[0]:.3f} | {ratios[1]:.3f} |", flush=True)

    print(f"{folder.name}: recall@50 and nDCG@10 over the best baseline")
    print("| variant | recall@50 | nDCG@10 |\n|---|---|---|")
    weights = (
        1.0,
        production.LSA_WEIGHT,
        production.SEMANTIC_WEIGHT,
        production.CLASSIFIER_WEIGHT,
    )
    show("sparse alone, plain", folder.ratios(folder.signals[:, 0]))
    show("sparse alone, stemmed", folder.ratios(np.array(sparse)))
    show("classifier alone, plain", folder.ratios(folder.signals[:, 3]))
    show("classifier alone, stemmed", folder.ratios(np.array(classifier)))
    show("production blend", folder.ratios(folder.blend(weights, 0.0)))
    folder.signals[:, 0] = np.array(sparse)
    show("blend, stemmed sparse", folder.ratios(folder.blend(weights, 0.0)))
    folder.signals[:, 3] = np.array(classifier)
    show("blend, stemmed sparse and classifier", folder.ratios(folder.blend(weights, 0.0)))


if __name__ == "__main__":
    main()
