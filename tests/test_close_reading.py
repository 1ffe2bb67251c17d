"""Close reading: the sentence encoder re-orders the top of the ranking, and the service
reads each paper once and keeps what it read in the store."""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from textual.widgets import Static

from reader.recommend import CatalogItem, build_features, minilm, rank, score_catalog, suggest
from reader.service import Service
from tests.test_recommend import corpus


def test_close_reading_moves_only_the_pool_and_asks_only_for_it_and_a_sample(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    feats = build_features(corpus)
    liked = {100: 1.0, 101: 1.0}  # two graph papers
    plain = score_catalog(feats, liked)
    monkeypatch.setattr(rank, "CLOSE_READING_POOL", 4)
    monkeypatch.setattr(rank, "CLOSE_READING_REFERENCE", 6)
    pool = [r for r in np.argsort(-plain, kind="stable") if int(feats.ids[r]) not in liked][:4]
    last = int(feats.ids[pool[-1]])  # the weakest of the pool: the encoder calls it a twin
    asked: list[int] = []

    def read(ids: Sequence[int]) -> np.ndarray:
        asked.extend(ids)
        rows = np.zeros((len(ids), 4), np.float32)
        for i, pid in enumerate(ids):
            rows[i, 0 if pid in liked or pid == last else 1 + pid % 3] = 1.0
        return rows

    closely = score_catalog(feats, liked, read_closely=read)
    pool_ids = {int(feats.ids[r]) for r in pool}
    sample = set(asked) - set(liked) - pool_ids
    # The liked papers, the pool, and a reference sample of 6 other papers; each once.
    assert len(asked) == len(set(asked)) == len(liked) + len(pool) + 6
    assert set(liked) | pool_ids <= set(asked) and len(sample) == 6
    others = np.setdiff1d(np.arange(len(feats)), pool)
    np.testing.assert_array_equal(closely[others], plain[others])
    best = max(pool, key=lambda r: closely[r])
    assert int(feats.ids[best]) == last


def _decoy_catalog() -> tuple[list[CatalogItem], dict[int, float]]:
    """Three liked papers on image classification; 10 shares their words, not their
    subject; 11 has their subject in other words; the rest is the test corpus."""
    liked_titles = [
        "Convolutional neural networks for image classification",
        "Deep convolutional networks classify natural images",
        "Image classification with very deep convolutional neural networks",
    ]
    items = [CatalogItem(i, t, "") for i, t in enumerate(liked_titles)]
    items += [
        CatalogItem(10, "Convolutional codes and network classification for telephone lines", ""),
        CatalogItem(11, "Very deep networks for visual recognition", ""),
    ]
    items += [CatalogItem(20 + i, it.title, it.abstract) for i, it in enumerate(corpus())]
    return items, {0: 1.0, 1: 1.0, 2: 1.0}


def test_close_reading_lifts_the_paper_that_means_what_the_liked_ones_mean() -> None:
    # The decoy shares the liked papers' words but not their subject; the paper on the
    # same subject says it in other words. The word-based signals put the decoy first, the
    # real encoder (reading in order) knows better.
    items, liked = _decoy_catalog()
    feats = build_features(lambda: items)
    vectors = minilm.encode([minilm.paper_text(i.title, i.abstract) for i in items])

    def read(ids: Sequence[int]) -> np.ndarray:
        return vectors[feats.rows(ids)]

    plain = score_catalog(feats, liked)
    closely = score_catalog(feats, liked, read_closely=read)
    decoy, paper = feats.row_of(10), feats.row_of(11)
    assert plain[decoy] > plain[paper]
    assert closely[paper] > closely[decoy]
    picks = suggest(feats, liked, n=3, exclude=(), day=datetime.date(2026, 3, 2), read_closely=read)
    assert picks[0].paper_id == 11


def test_a_days_arrivals_are_ordered_by_reading_their_best_closely(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    items, liked = _decoy_catalog()
    feats = build_features(lambda: items)
    vectors = minilm.encode([minilm.paper_text(i.title, i.abstract) for i in items])
    asked: list[int] = []

    def read(ids: Sequence[int]) -> np.ndarray:
        asked.extend(ids)
        return vectors[feats.rows(ids)]

    arrivals = [20, 10, 11, 35, 50]  # the decoy, the paper, three from the corpus
    plain = rank.rank_among(feats, liked, arrivals)
    assert [s.paper_id for s in plain][:2] == [10, 11]  # the words put the decoy first
    monkeypatch.setattr(rank, "ARRIVALS_CLOSE_READING_POOL", 3)
    monkeypatch.setattr(rank, "CLOSE_READING_REFERENCE", 4)  # not the whole small catalog
    closely = rank.rank_among(feats, liked, arrivals, read_closely=read)
    assert [s.paper_id for s in closely][0] == 11
    # What is read: the liked papers, the best 3 arrivals (by the blend), and the catalog's
    # reference sample (which may hold an arrival outside those 3; it is not scored by it).
    best = [s.paper_id for s in plain[:3]]
    skip = feats.rows([*liked, *best])
    sample = rank._reference_rows(rank.id_hashes(feats.ids), skip)
    assert sorted(asked) == sorted([*liked, *best, *feats.ids[sample].tolist()])
    # The scores stay the blend's: the scale the "for you" threshold is set on.
    assert {s.paper_id: s.score for s in closely} == {s.paper_id: s.score for s in plain}


def test_the_picks_of_a_day_are_its_first_papers_as_many_as_the_blend_calls_strong() -> None:
    strong = rank.FOR_YOU_SCORE
    # In the day's order (close reading's): the second paper is strong on the blend, the
    # first is not; two are strong, so the first two eligible papers are the picks.
    scores = [strong - 1, strong + 1, strong - 2, strong + 0.5, strong - 3]
    assert rank.for_you(scores, [True] * 5) == [True, True, False, False, False]
    # A paper the user already has is never a pick, and does not count.
    assert rank.for_you(scores, [False, True, True, True, True]) == [
        False, True, True, False, False,
    ]  # fmt: skip
    assert rank.for_you([strong - 1] * 3, [True] * 3) == [False] * 3  # a day far from you


def test_interests_alone_are_not_read_closely(monkeypatch: pytest.MonkeyPatch) -> None:
    feats = build_features(corpus)

    def read(ids: Sequence[int]) -> np.ndarray:
        raise AssertionError("nothing liked to read against")

    scores = score_catalog(feats, {}, interests=["graph neural networks"], read_closely=read)
    assert scores.any()


def test_rows_round_trip_through_bytes() -> None:
    rows = minilm.encode(["Graph neural networks", "Protein folding"])
    back = minilm.from_bytes(minilm.to_bytes(rows))
    assert back.dtype == np.float32 and back.shape == rows.shape
    np.testing.assert_allclose(back, rows, atol=1e-3)
    assert minilm.from_bytes([]).shape == (0, minilm.DIM)


GROKKING = [17, 20, 25]  # the seed catalog's grokking papers


def _kept(svc: Service) -> set[int]:
    ids = [p.id for p in svc.store.papers.get_papers(list(range(1, 1000)))]
    return set(svc.store.suggestions.paper_vectors(ids, minilm.MODEL))


def test_the_service_reads_each_paper_once_and_keeps_it(svc: Service) -> None:
    svc.rate(GROKKING[0], 5)
    svc.rate(GROKKING[1], 4)
    calls: list[tuple[int, int | None]] = []
    first = svc.today(progress=lambda done, total: calls.append((done, total)))
    assert first.suggestions
    kept = _kept(svc)
    # Every unrated paper of the 52 is in the pool (200), and both liked ones are read.
    assert set(GROKKING[:2]) <= kept and len(kept) >= 40
    assert calls and calls[-1][0] == calls[-1][1] == len(kept)
    calls.clear()
    again = svc.refresh_suggestions()
    svc.today(refresh=True, progress=lambda done, total: calls.append((done, total)))
    assert again.suggestions and calls == []  # nothing new to read


def test_the_reference_sample_is_read_once_and_kept_too(svc: Service, tmp_path: Path) -> None:
    # 300 more papers: the pool (200) no longer holds every unrated one, so the rest of the
    # catalog is read as the reference sample (up to 300), once.
    lines = [
        json.dumps({"id": f"2401.{i:05d}", "title": f"{topic} {i}", "abstract": f"On {topic}."})
        for i in range(300)
        for topic in [("graph coloring", "protein folding", "market design")[i % 3]]
    ]
    extra = tmp_path / "more.jsonl"
    extra.write_text("\n".join(lines) + "\n")
    assert svc.import_files([extra]).added == 300
    svc.rate(GROKKING[0], 5)
    svc.rate(GROKKING[1], 4)
    calls: list[tuple[int, int | None]] = []
    assert svc.today(progress=lambda done, total: calls.append((done, total))).suggestions
    kept = _kept(svc)
    assert len(kept) == 352  # 2 liked + 200 in the pool + the other 150 as the sample
    assert calls[-1][0] == calls[-1][1] == 352
    calls.clear()
    svc.today(refresh=True, progress=lambda done, total: calls.append((done, total)))
    assert calls == []


def test_an_edited_or_deleted_paper_loses_what_was_read(svc: Service) -> None:
    svc.rate(GROKKING[0], 5)
    svc.today()
    kept = _kept(svc)
    edited, deleted = sorted(kept - {GROKKING[0]})[:2]
    svc.edit_paper(edited, title="A new title for this paper")
    svc.delete_paper(deleted)
    after = _kept(svc)
    assert edited not in after and deleted not in after
    assert after == kept - {edited, deleted}
    svc.today(refresh=True)
    assert edited in _kept(svc)  # read again, with its new title


def test_a_paper_deleted_while_it_was_read_is_not_kept(svc: Service) -> None:
    row = minilm.to_bytes(minilm.encode(["gone"]))[0]
    svc.store.suggestions.save_paper_vectors(minilm.MODEL, [(99_999, row), (1, row)])
    assert set(svc.store.suggestions.paper_vectors([1, 99_999], minilm.MODEL)) == {1}


def test_the_reference_sample_is_the_same_for_every_user_and_day() -> None:
    # The service reads each sampled paper once, so the sample must not follow the user.
    items = [CatalogItem(i, f"paper number {i}", "") for i in range(2000)]
    feats = build_features(lambda: items)
    size = rank.CLOSE_READING_REFERENCE
    one = rank._reference_rows(rank.id_hashes(feats.ids), np.array([0, 1, 2]))
    two = rank._reference_rows(rank.id_hashes(feats.ids), np.array([10, 11]))
    assert len(one) == len(two) == size
    assert not {0, 1, 2} & set(one.tolist()) and not {10, 11} & set(two.tolist())
    assert len(set(one.tolist()) & set(two.tolist())) >= size - 5
    # Spread over the catalog, not its first rows.
    assert one.max() > 1500 and one.min() < 500
    # A grown catalog keeps most of it: only new papers that hash lower enter.
    more = [CatalogItem(i, f"new paper {i}", "") for i in range(2000, 2200)]
    grown = build_features(lambda: [*items, *more])
    after = rank._reference_rows(rank.id_hashes(grown.ids), np.array([0, 1, 2]))
    kept = set(feats.ids[one].tolist()) & set(grown.ids[after].tolist())
    assert 0.8 * size <= len(kept) < size


def test_against_the_reference_finds_what_the_user_reads_that_papers_in_general_lack() -> None:
    rng = np.random.default_rng(1)
    liked = rng.normal(size=(6, 16)) * 0.3
    liked[:, 2] += 2.0
    sample = rng.normal(size=(60, 16)) * 0.3
    pool = rng.normal(size=(30, 16)) * 0.3
    alike = [4, 11, 25]
    pool[alike, 2] += 2.0
    scores = rank._against_reference(liked, sample, pool)
    assert set(np.argsort(-scores)[:3]) == set(alike)


def test_the_neighbourhood_lifts_a_candidate_among_strong_ones() -> None:
    # Two tight groups of 12: strong scores in one, weak in the other. Two equal middling
    # candidates, one in each group: the one among strong neighbours ends higher.
    rng = np.random.default_rng(2)
    centres = np.eye(8)[:2]
    rows = np.vstack([c + rng.normal(size=(12, 8)) * 0.05 for c in centres])
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    scores = np.r_[np.full(11, 3.0), 1.0, np.full(11, -1.0), 1.0]
    near = rank._neighbourhood(rows, scores, 5)
    assert near[11] > near[23]
    assert near[:11].min() > near[12:23].max()


def test_the_contrast_finds_what_sets_the_liked_apart_from_the_pool() -> None:
    # Liked papers lean on direction 0; the pool mostly does not. The pool rows that lean
    # on it score highest, although each is scored by a model that never saw it.
    rng = np.random.default_rng(0)
    liked = rng.normal(size=(5, 16)) * 0.3
    liked[:, 0] += 2.0
    pool = rng.normal(size=(40, 16)) * 0.3
    alike = [3, 18, 27]
    pool[alike, 0] += 2.0
    scores = rank._contrast(liked, pool)
    assert set(np.argsort(-scores)[:3]) == set(alike)


async def test_today_in_the_app_reads_closely_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_helpers import make_test_app, open_db, settle

    from tui.screens import today as today_screen

    path = tmp_path / "reader.db"
    service = open_db(path)
    service.rate(GROKKING[0], 5)
    service.close()
    said: list[str] = []
    shown = today_screen.TodayScreen._progress

    def spy(screen, done, total, what):  # type: ignore[no-untyped-def]
        said.append(str(screen.query_one("#today-progress").query_one(Static).render()))
        shown(screen, done, total, what)
        said.append(str(screen.query_one("#today-progress").query_one(Static).render()))

    monkeypatch.setattr(today_screen.TodayScreen, "_progress", spy)
    app = make_test_app(path)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.screen.today is not None and app.screen.today.suggestions
    assert today_screen.READING in said
    service = open_db(path)
    try:
        assert GROKKING[0] in set(service.store.suggestions.paper_vectors(GROKKING, minilm.MODEL))
    finally:
        service.close()
