"""Offline benchmark of the recommender against public baselines on real reading lists.

    python benchmarks/recommend.py --papers DIR/papers.jsonl --users DIR/users-dev.jsonl \
        [--n-users 500] [--seed 0 1 2] [--half all|tune|holdout] [--cold] [--no-shown]

Protocol (../shared/datasets/README.md, issue 4): sample `--n-users` users (seed) among those
with at least 10 papers, hide a random 20% of each library, treat the rest as rated 5 stars,
rank every paper the user has not rated, and report recall@10, recall@50, nDCG@10 and ranking
time per user. `--cold` adds the cold-start variant: only 3 of the remaining papers are rated.
Each `--seed` draws its own users and splits; the summary pools all seeds. `--half tune` and
`--half holdout` split the users file in two with a fixed generator (whatever the seed): the
recommender's constants were chosen on the tune half only, and the holdout half says whether
they carry over.

Methods, all computed in the same run on the same splits:
- random;
- Rocchio: cosine to the centroid of the rated papers' TF-IDF;
- arxiv-sanity-lite: LinearSVC(class_weight='balanced', C=0.01), rated papers positive and
  all others negative, ranked by decision_function;
- ours (ranking): the production ranking, :func:`reader.recommend.score_catalog` on features
  from :func:`reader.recommend.build_features` (what `reader suggest` re-ranks);
- ours (shown list): what :func:`reader.recommend.suggest` returns, 50 long (after the
  diversity re-ranking, the near-duplicate filter and the exploration slot), scored as a list.
Both read closely as the app does (``read_closely``: the sentence encoder of
:mod:`reader.recommend.minilm` re-orders the best 200); the encoder's rows for the whole
catalog are computed once and kept in ``--vectors`` (a folder; about 2 min for citeulike-a
and 7 for citeulike-t on two cores), so ms/user leaves out the encoding, which the app
pays once per paper. ``--no-close-reading`` ranks without it. ``--without-copies`` is a
diagnostic: it leaves out, for every method, the hidden papers that repeat one of the user's
rated papers (the list never shows those; see :func:`without_copies`).
Scale (issue 15: 1,000,000 papers built with the embeddings in <= 2 min under 2 GB, suggest
in <= 0.5 s, 1,000 new papers added in <= 5 s):

    python benchmarks/gen_catalog.py --n 1000000 --out /tmp/catalog-1m.jsonl
    python benchmarks/recommend.py --scale /tmp/catalog-1m.jsonl
    PYTHONPATH=<old checkout> python benchmarks/recommend.py --scale /tmp/catalog-1m.jsonl

streams the file twice through build_features (as the service streams rows from SQLite),
then saves the index to a file and loads it, times three suggest() calls, and adds 1,000
papers (add_items, then appending their rows to the file of added rows and syncing it, as
the service does; older code saves the whole grown index), then loads the grown index back
as a restart would. It prints wall and CPU
time, and peak memory: getrusage of this process, and /proc sampled every 0.2 s for the
worker processes (each one's peak, and the whole tree's at once). Only API that main's code
also has is used, so the same script times an older checkout.

Baselines use TfidfVectorizer(sublinear_tf=True, stop_words='english', ngram_range=(1, 2),
min_df=2). The paired difference of ours minus the best baseline (by mean) comes with a 95%
bootstrap confidence interval over users.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import resource
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from pathlib import Path

import numpy as np
import scipy.sparse as ssp
from machine import describe  # benchmarks/machine.py, beside this script

if __name__ != "__mp_main__":
    # The build's worker processes import this script again (they are spawned); like the
    # app's (whose script imports almost nothing), they must not pay for scikit-learn and
    # the ranking here, or `--scale` would measure memory the app does not use.
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    import reader.recommend as recommend_module
    import reader.recommend.rank as rank_module
    from reader.recommend import (
        CatalogItem,
        Features,
        add_items,
        build_features,
        minilm,
        score_catalog,
        suggest,
    )

Split = tuple[np.ndarray, np.ndarray]
Ranker = Callable[[np.ndarray], np.ndarray]
SameWork = Callable[[int, int], bool]


def load_items(path: Path) -> list[CatalogItem]:
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [
        CatalogItem(
            id=int(r["id"]),
            title=r.get("title") or "",
            abstract=r.get("abstract") or "",
            authors=tuple(r.get("authors") or ()),
            tags=tuple(r.get("tags") or ()),
        )
        for r in rows
    ]


def make_splits(
    libraries: list[list[int]], row: dict[int, int], *, n_users: int, seed: int, cold: bool
) -> list[Split]:
    """(rated rows, hidden rows) per sampled user; the cold variant keeps 3 rated papers and
    the same hidden ones."""
    rng = np.random.default_rng(seed)
    eligible = [lib for lib in libraries if len(lib) >= 10]
    picked = np.sort(rng.choice(len(eligible), size=min(n_users, len(eligible)), replace=False))
    out = []
    for k in picked:
        lib = np.array([row[p] for p in eligible[k] if p in row])
        perm = rng.permutation(len(lib))
        n_hidden = max(1, round(0.2 * len(lib)))
        hidden, rated = lib[perm[:n_hidden]], lib[perm[n_hidden:]]
        three = rated[rng.permutation(len(rated))[:3]]
        out.append((three if cold else rated, hidden))
    return out


HALF_SEED = 2026
"""Fixed, whatever --seed says: which users are the tuning half and which the held-out half."""


def same_work_rule(items: list[CatalogItem]) -> SameWork | None:
    """The app's rule for one work entered twice (:func:`reader.match.same_work`, as the
    service passes it to :func:`suggest`) over the items' texts; None when the code measured
    (``PYTHONPATH=<old checkout>``) has no such rule."""
    if "same_work" not in suggest.__code__.co_varnames:
        return None
    from reader.match import same_work

    texts = {item.id: (item.title, item.abstract) for item in items}
    return lambda a, b: same_work(texts[a], texts[b])


def without_copies(
    features: Features, splits: list[Split], rule: SameWork | None
) -> tuple[list[Split], int]:
    """Each split with the hidden papers the app would call the same work as one of the
    user's rated papers taken out (the near-duplicate rule of :func:`suggest` with `rule`,
    which never shows such a copy), users left with none dropped; and how many papers were
    taken out. A diagnostic, not the issue's protocol: it asks how the methods compare on
    papers the user does not already have under another entry."""
    out, dropped = [], 0
    extra = () if rule is None else (rule,)
    for rated, hidden in splits:
        others = [int(r) for r in rated]
        kept = np.array(
            [
                h
                for h in hidden
                if not rank_module._near_duplicate(features, int(h), others, *extra)
            ],
            dtype=hidden.dtype,
        )
        dropped += len(hidden) - len(kept)
        if len(kept):
            out.append((rated, kept))
    return out, dropped


def user_half(libraries: list[list[int]], half: str) -> list[list[int]]:
    """The libraries of one half of the users file ("tune" or "holdout"), or all of them.

    The recommender's constants were tuned on the "tune" half only; the "holdout" half shows
    whether that carries over to readers it was not tuned on.
    """
    if half == "all":
        return libraries
    order = np.random.default_rng(HALF_SEED).permutation(len(libraries))
    mid = len(libraries) // 2
    keep = order[:mid] if half == "tune" else order[mid:]
    return [libraries[i] for i in sorted(keep)]


def load_libraries(path: Path, half: str) -> list[list[int]]:
    """The libraries (paper ids) of a users file, of one of its halves (:func:`user_half`)."""
    with path.open(encoding="utf-8") as fh:
        return user_half([json.loads(line)["papers"] for line in fh if line.strip()], half)


def list_metrics(top: np.ndarray, hidden: np.ndarray) -> tuple[float, float, float]:
    """(recall@10, recall@50, nDCG@10) of a list of rows, best first."""
    hit = np.isin(top[:50], hidden)
    dcg = float((hit[:10] / np.log2(np.arange(2, 2 + len(hit[:10])))).sum())
    idcg = float((1 / np.log2(np.arange(2, 2 + min(10, len(hidden))))).sum())
    return hit[:10].sum() / len(hidden), hit.sum() / len(hidden), dcg / idcg


def user_metrics(scores: np.ndarray, rated: np.ndarray, hidden: np.ndarray) -> tuple[float, ...]:
    s = scores.astype(np.float64, copy=True)
    s[rated] = -np.inf
    top = np.argpartition(-s, 50)[:50]
    top = top[np.lexsort((top, -s[top]))]
    return list_metrics(top, hidden)


def evaluate(rank: Ranker, splits: list[Split], *, shown: bool = False) -> tuple[np.ndarray, float]:
    """Per-user (recall@10, recall@50, nDCG@10) and milliseconds per user.

    With `shown`, `rank` returns the list itself (rows, best first), not a score per row.
    """
    out = []
    spent = 0.0
    for rated, hidden in splits:
        t0 = time.perf_counter()
        result = rank(rated)
        spent += time.perf_counter() - t0
        out.append(list_metrics(result, hidden) if shown else user_metrics(result, rated, hidden))
    return np.asarray(out), 1000 * spent / len(splits)


def bootstrap_ci(diff: np.ndarray, seed: int, n: int = 10_000) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, len(diff), (n, len(diff)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def baseline_matrix(items: list[CatalogItem]) -> ssp.csr_matrix:
    """The baselines' TF-IDF rows of the papers, in their order (the settings above)."""
    texts = [f"{i.title} {i.abstract}".strip() for i in items]
    vectorizer = TfidfVectorizer(
        sublinear_tf=True, stop_words="english", ngram_range=(1, 2), min_df=2, dtype=np.float32
    )
    return vectorizer.fit_transform(texts).tocsr()


def baselines(x: ssp.csr_matrix, seed: int) -> dict[str, Ranker]:
    n = x.shape[0]

    def random(rated: np.ndarray) -> np.ndarray:
        rng = np.random.default_rng([seed, int(rated.sum()), len(rated)])
        return rng.random(n)

    def rocchio(rated: np.ndarray) -> np.ndarray:
        return x @ np.asarray(x[rated].mean(axis=0)).ravel()

    def svm(rated: np.ndarray) -> np.ndarray:
        y = np.zeros(n)
        y[rated] = 1
        clf = LinearSVC(class_weight="balanced", C=0.01, max_iter=1000, tol=1e-6)
        clf.fit(x, y)
        return clf.decision_function(x)

    return {"random": random, "Rocchio": rocchio, "arxiv-sanity-lite SVM": svm}


def stream_items(path: Path) -> Iterator[CatalogItem]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            yield CatalogItem(
                int(r["id"]),
                r.get("title") or "",
                r.get("abstract") or "",
                tuple(r.get("authors") or ()),
                tuple(r.get("tags") or ()),
            )


def machine() -> str:
    return describe()


class TreeMemory:
    """Samples the resident memory of this process and its children (the build's worker
    processes) from /proc every 0.2 s: the peak of their sum, and each child's own peak
    (VmHWM), which ``RUSAGE_CHILDREN`` cannot give for workers still running."""

    def __init__(self) -> None:
        self.peak_total_mb = 0.0
        self.peak_total_at = 0.0
        self.peak_total_split = (0.0, 0.0, 0)
        """(this process's MB, its children's MB, how many children) at the tree's peak."""
        self.peak_child_mb = 0.0
        self.peak_self_mb = 0.0
        self.peak_self_at = 0.0
        self.peak_self_workers = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _status(pid: int, field: str) -> float:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    @staticmethod
    def _children(pid: int) -> list[int]:
        try:
            found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        out = [int(c) for c in found]
        return out + [g for c in out for g in TreeMemory._children(c)]

    def _run(self) -> None:
        me = os.getpid()
        start = time.perf_counter()
        while not self._stop.wait(0.2):
            kids = self._children(me)
            mine = self._status(me, "VmRSS")
            total = mine + sum(self._status(k, "VmRSS") for k in kids)
            if total > self.peak_total_mb:
                self.peak_total_mb, self.peak_total_at = total, time.perf_counter() - start
                self.peak_total_split = (mine, total - mine, len(kids))
            if mine > self.peak_self_mb:  # when the build process peaks: counting or after
                self.peak_self_mb, self.peak_self_at = mine, time.perf_counter() - start
                self.peak_self_workers = len(kids)
            for k in kids:
                self.peak_child_mb = max(self.peak_child_mb, self._status(k, "VmHWM"))

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def scale(path: Path, seed: int) -> None:
    """Build, persist, suggest and add 1,000 papers on a synthetic catalog; print each
    time and the build's peak memory. Uses only the API that main's code also has, so
    ``PYTHONPATH=<old checkout>`` times the old code with the same script."""

    def mb(who: int) -> float:
        return resource.getrusage(who).ru_maxrss / 1024

    print(machine())
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    last = [0.0]

    def progress(done: int, total: int | None) -> None:
        now = time.perf_counter() - t0
        if now - last[0] > 30:
            last[0] = now
            print(f"  {done} papers counted at {now:.0f} s", flush=True)

    with TreeMemory() as tree:
        features = build_features(lambda: stream_items(path), progress=progress)
    build_s = time.perf_counter() - t0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"build_features: {len(features)} papers, {len(features.terms)} terms, "
        f"{features.matrix.nnz} non-zeros, embeddings {features.semantic.shape[1]}-d "
        f"{features.semantic.dtype}: {build_s:.1f} s wall, CPU {time.process_time() - cpu0:.0f} s "
        f"here + {children.ru_utime + children.ru_stime:.0f} s in workers"
    )
    print(
        f"peak RSS of the build: {mb(resource.RUSAGE_SELF):.0f} MB this process "
        f"(getrusage); largest worker {tree.peak_child_mb:.0f} MB; "
        f"process tree at once {tree.peak_total_mb:.0f} MB (sampled every 0.2 s; at "
        f"{tree.peak_total_at:.0f} s: {tree.peak_total_split[0]:.0f} MB here, "
        f"{tree.peak_total_split[1]:.0f} MB in {tree.peak_total_split[2]} child processes); this "
        f"process peaked at {tree.peak_self_at:.0f} s with {tree.peak_self_workers} "
        f"child processes running"
    )
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "catalog.features"
        t0 = time.perf_counter()
        with open(file, "wb") as stream:
            features.save(stream)
        t1 = time.perf_counter()
        with open(file, "rb") as stream:
            features = Features.load(stream)
        t2 = time.perf_counter()
        print(f"save {t1 - t0:.1f} s ({file.stat().st_size / 2**20:.0f} MiB), load {t2 - t1:.1f} s")
        rng = np.random.default_rng(seed)
        liked = rng.choice(features.ids, 40, replace=False).tolist()
        weights = {int(p): 1.0 for p in liked[:30]} | {int(p): -1.0 for p in liked[30:]}
        day = datetime.date(2026, 1, 1)
        for label in ["first", "second", "third"]:
            t0, c0 = time.perf_counter(), time.process_time()
            out = suggest(features, weights, n=10, exclude=(), day=day, seed=seed)
            print(
                f"suggest (n=10, 40 rated, {label} call): {time.perf_counter() - t0:.2f} s "
                f"(CPU {time.process_time() - c0:.2f} s), {len(out)} suggestions"
            )
        if "read_closely" in suggest.__code__.co_varnames:  # main after close reading
            close_reading_costs(path, features, weights, day, seed)
        # Two days' arrivals: the texts of 2,000 catalog papers under new ids.
        top = int(features.ids.max()) + 1
        new = [
            CatalogItem(top + k, i.title, i.abstract, i.authors, i.tags)
            for k, i in enumerate(islice(stream_items(path), 2000))
        ]
        added = file.with_name(file.name + ".added")
        append_rows = getattr(recommend_module, "append_rows", None)
        grown = features
        # Two days: the first pays for loading the embedding model and the term counter in
        # this process (the build's workers had them), as a service's first addition does.
        for day_label, batch in [("first", new[:1000]), ("second", new[1000:])]:
            t0, c0 = time.perf_counter(), time.process_time()
            before = grown
            grown = add_items(before, batch)
            t1 = time.perf_counter()
            if append_rows is not None:  # as the service does: the rows go to the added file
                how = "appending its rows to the added file"
                with open(added, "a+b") as stream:
                    append_rows(grown, len(before), stream)
                    stream.flush()
                    os.fsync(stream.fileno())
            else:  # older code: the whole index is written again
                how = "saving the grown index"
                with open(file, "wb") as stream:
                    grown.save(stream)
                    stream.flush()
                    os.fsync(stream.fileno())
            t2 = time.perf_counter()
            print(
                f"add 1,000 papers ({day_label} time): add_items {t1 - t0:.2f} s, {how} "
                f"{t2 - t1:.2f} s, together {t2 - t0:.2f} s (CPU {time.process_time() - c0:.2f} s; "
                f"{len(grown)} papers)"
            )
            del before
        del features
        t0 = time.perf_counter()
        with open(file, "rb") as stream:
            if append_rows is not None:
                with open(added, "rb") as rows:
                    loaded = Features.load(stream, rows)
            else:
                loaded = Features.load(stream)
        same = np.array_equal(loaded.ids, grown.ids) and (loaded.matrix != grown.matrix).nnz == 0
        print(
            f"load of the grown index (a restart): {time.perf_counter() - t0:.1f} s, "
            f"{len(loaded)} papers, same as in memory: {same}"
        )
    print(f"peak RSS overall: {mb(resource.RUSAGE_SELF):.0f} MB")


def encoded_catalog(items: list[CatalogItem], papers: Path, folder: Path) -> np.ndarray:
    """The sentence encoder's row of every paper, in catalog order: read from `folder` if
    this papers file (and encoder) was encoded before, else encoded now and saved there."""
    key = hashlib.blake2b(papers.read_bytes(), digest_size=8)
    key.update(f"{minilm.MAX_TOKENS}".encode())
    key.update((minilm._FOLDER / "weights.npz").read_bytes())
    path = folder / f"minilm-{key.hexdigest()}.npy"
    if path.exists():
        return np.load(path)
    t0 = time.perf_counter()
    last = [t0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 30 or done == total:
            last[0] = time.perf_counter()
            print(f"  encoded {done}/{total} papers at {last[0] - t0:.0f} s", flush=True)

    texts = [minilm.paper_text(i.title, i.abstract) for i in items]
    vectors = minilm.encode(texts, progress=progress)
    folder.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def close_reading_costs(
    path: Path, features: Features, weights: dict[int, float], day: datetime.date, seed: int
) -> None:
    """What close reading adds to `suggest` at this size: reading the papers it asks for
    the first time (the encoder), and every later call (their rows kept, as the store
    keeps them)."""
    asked: list[int] = []

    def record(ids: Sequence[int]) -> np.ndarray:
        asked.extend(ids)
        return np.eye(len(ids), minilm.DIM, dtype=np.float32)

    suggest(features, weights, n=10, exclude=(), day=day, seed=seed, read_closely=record)
    wanted = set(asked)
    texts = {
        item.id: minilm.paper_text(item.title, item.abstract)
        for item in stream_items(path)
        if item.id in wanted
    }
    t0, c0 = time.perf_counter(), time.process_time()
    minilm._model()
    t1 = time.perf_counter()
    rows = minilm.encode([texts[i] for i in asked])
    t2 = time.perf_counter()
    kept = dict(zip(asked, rows, strict=True))
    print(
        f"close reading, first time: loading the encoder {t1 - t0:.2f} s, reading "
        f"{len(asked)} papers {t2 - t1:.2f} s (CPU {time.process_time() - c0:.2f} s)"
    )
    for label in ["first", "second"]:
        t0, c0 = time.perf_counter(), time.process_time()
        out = suggest(
            features,
            weights,
            n=10,
            exclude=(),
            day=day,
            seed=seed,
            read_closely=lambda ids: np.vstack([kept[i] for i in ids]),
        )
        print(
            f"suggest read closely, rows kept ({label} call): {time.perf_counter() - t0:.2f} s "
            f"(CPU {time.process_time() - c0:.2f} s), {len(out)} suggestions"
        )


def ours_methods(
    features: Features,
    day: datetime.date,
    vectors: np.ndarray | None,
    rule: SameWork | None = None,
) -> tuple[Ranker, Ranker]:
    """The production ranking, and the list `suggest` returns (50 long, so recall@50 is
    defined; the first 10 are what a day of 10 suggestions shows); both read closely with
    `vectors` (the encoder's rows, in catalog order) unless it is None; the list tells
    copies by `rule` (:func:`same_work_rule`) as the app does."""

    def weights(rated: np.ndarray) -> dict[int, float]:
        return {int(features.ids[r]): 1.0 for r in rated}

    def read_closely(ids: Sequence[int]) -> np.ndarray:
        assert vectors is not None
        return vectors[features.rows(ids)]

    reader = read_closely if vectors is not None else None

    def ranking(rated: np.ndarray) -> np.ndarray:
        return score_catalog(features, weights(rated), read_closely=reader)

    same = {} if rule is None else {"same_work": rule}

    def shown(rated: np.ndarray) -> np.ndarray:
        picks = suggest(
            features,
            weights(rated),
            n=SHOWN,
            exclude=(),
            day=day,
            seed=0,
            read_closely=reader,
            **same,
        )
        return features.rows(s.paper_id for s in picks)

    return ranking, shown


SHOWN = 50
OURS, SHOWN_NAME = "ours (ranking)", "ours (shown list)"


def summarize(pooled: dict[tuple[str, str], list[np.ndarray]], n_seeds: int, ci_seed: int) -> None:
    """Ours against the best baseline per metric, pooled over the runs so far."""
    print()
    print(f"Pooled over {n_seeds} seed(s) x users, ratio to the best baseline by mean:")
    modes = sorted({mode for mode, _ in pooled}, reverse=True)
    for mode in modes:
        results = {name: np.vstack(ms) for (md, name), ms in pooled.items() if md == mode}
        for col, metric in [(0, "recall@10"), (1, "recall@50"), (2, "nDCG@10")]:
            rivals = [k for k in results if k not in (OURS, SHOWN_NAME, "random")]
            best = max(rivals, key=lambda k: results[k][:, col].mean())
            base = results[best][:, col].mean()
            for ours_name in [OURS, SHOWN_NAME]:
                if ours_name not in results:
                    continue
                d = results[ours_name][:, col] - results[best][:, col]
                lo, hi = bootstrap_ci(d, ci_seed)
                print(
                    f"{mode}, {metric}: {ours_name} {results[ours_name][:, col].mean():.4f} vs "
                    f"{best} {base:.4f}: x{1 + d.mean() / base:.3f} (difference {d.mean():+.4f}, "
                    f"95% CI {lo:+.4f} .. {hi:+.4f}), {len(d)} user-runs"
                )
    print(flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=Path)
    parser.add_argument("--users", type=Path)
    parser.add_argument("--scale", type=Path, help="time a build and suggest on this catalog")
    parser.add_argument("--n-users", type=int, default=500)
    parser.add_argument("--seed", type=int, nargs="+", default=[0], help="one run per seed")
    parser.add_argument(
        "--half",
        choices=["all", "tune", "holdout"],
        default="all",
        help="evaluate one half of the users file (tune on 'tune', report 'holdout')",
    )
    parser.add_argument("--cold", action="store_true", help="also run the 3-rated-papers variant")
    parser.add_argument("--no-svm", action="store_true", help="skip the slow SVM baseline")
    parser.add_argument("--no-shown", action="store_true", help="skip the shown-list row")
    parser.add_argument(
        "--without-copies",
        action="store_true",
        help="diagnostic: leave out hidden papers that repeat one of the user's rated papers",
    )
    parser.add_argument(
        "--no-close-reading", action="store_true", help="rank without the sentence encoder"
    )
    parser.add_argument(
        "--vectors",
        type=Path,
        default=Path(tempfile.gettempdir()) / "reader-benchmark-vectors",
        help="folder that keeps the encoder's rows of a catalog between runs",
    )
    args = parser.parse_args(argv)
    if args.scale:
        scale(args.scale, args.seed[0])
        return
    if not (args.papers and args.users):
        parser.error("--papers and --users are required (or --scale)")
    print(machine())
    items = load_items(args.papers)
    libraries = load_libraries(args.users, args.half)
    t0 = time.perf_counter()
    features = build_features(lambda: items)
    build_s = time.perf_counter() - t0
    row = {item.id: i for i, item in enumerate(items)}
    assert features.ids.tolist() == [i.id for i in items]
    x = baseline_matrix(items)
    vectors = None if args.no_close_reading else encoded_catalog(items, args.papers, args.vectors)
    rule = same_work_rule(items)
    ranking, shown = ours_methods(features, datetime.date(2026, 1, 1), vectors, rule)
    print(
        f"{args.papers}: {len(items)} papers, features built in {build_s:.1f} s; "
        f"users: {args.half} ({len(libraries)} in the file's {args.half} half), "
        f"seeds {args.seed}"
    )
    print("| mode | seed | method | recall@10 | recall@50 | nDCG@10 | ms/user |")
    print("|---|---|---|---|---|---|---|")
    pooled: dict[tuple[str, str], list[np.ndarray]] = {}
    for seed in args.seed:
        methods = baselines(x, seed)
        if args.no_svm:
            del methods["arxiv-sanity-lite SVM"]
        methods[OURS] = ranking
        if not args.no_shown:
            methods[SHOWN_NAME] = shown
        for cold in [False, True] if args.cold else [False]:
            mode = "cold (3 rated)" if cold else "warm (80/20)"
            splits = make_splits(libraries, row, n_users=args.n_users, seed=seed, cold=cold)
            if args.without_copies:
                splits, dropped = without_copies(features, splits, rule)
                print(f"{mode}, seed {seed}: {dropped} hidden copies of rated papers left out")
            for name, rank in methods.items():
                m, ms = evaluate(rank, splits, shown=name == SHOWN_NAME)
                pooled.setdefault((mode, name), []).append(m)
                r10, r50, ndcg = m.mean(axis=0)
                print(
                    f"| {mode} | {seed} | {name} | {r10:.4f} | {r50:.4f} | {ndcg:.4f} | {ms:.1f} |",
                    flush=True,
                )
            # After every step, so a long run that is stopped still leaves its intervals.
            summarize(pooled, args.seed.index(seed) + 1, args.seed[0])


if __name__ == "__main__":
    main()
