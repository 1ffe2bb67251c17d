"""The recommender on small corpora where the right answer is obvious, plus invariants."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reader.match import same_work
from reader.recommend import (
    CatalogItem,
    EvalReport,
    Features,
    Suggestion,
    add_items,
    build_features,
    feedback_weights,
    leave_one_out,
    reason_text,
    score_catalog,
    starter_picks,
    starter_reasons,
    suggest,
)
from reader.recommend.semantic import DIM

DAY = datetime.date(2026, 3, 2)

TOPICS = {
    "graph": [
        "Graph neural networks for molecule property prediction",
        "Message passing graph neural networks on citation graphs",
        "Over-smoothing in deep graph neural networks",
        "Graph attention networks for node classification",
        "Scalable graph neural networks with neighbour sampling",
        "Expressive power of graph neural networks and the Weisfeiler-Lehman test",
    ],
    "rl": [
        "Deep reinforcement learning for robotic grasping",
        "Offline reinforcement learning with conservative Q-learning",
        "Policy gradient methods in reinforcement learning for games",
        "Model-based reinforcement learning with learned world models",
        "Exploration bonuses for sparse-reward reinforcement learning",
        "Reward shaping for reinforcement learning agents",
    ],
    "protein": [
        "Protein structure prediction with deep learning",
        "Protein folding dynamics from molecular simulation",
        "Protein language models predict mutation effects",
        "Designing protein binders with diffusion models",
        "Protein contact maps from coevolution",
        "Protein stability prediction from sequence",
    ],
    "causal": [
        "Causal inference with instrumental variables",
        "Causal discovery from observational data",
        "Causal effect estimation under confounding",
        "Invariant causal prediction for domain generalization",
        "Counterfactual reasoning and causal graphs",
        "Causal representation learning from interventions",
    ],
}


def corpus() -> list[CatalogItem]:
    items = []
    for t, titles in enumerate(TOPICS.values()):
        for k, title in enumerate(titles):
            items.append(CatalogItem(id=100 * (t + 1) + k, title=title, abstract=title.lower()))
    return items


def topic_of(pid: int) -> str:
    return list(TOPICS)[pid // 100 - 1]


@pytest.fixture(scope="module")
def feats() -> Features:
    return build_features(corpus)


def test_rows_follow_ids(feats: Features) -> None:
    assert feats.ids.tolist() == [i.id for i in corpus()]
    assert feats.matrix.shape == (24, len(feats.terms))
    assert feats.dense.shape[0] == 24


def test_liked_topic_ranks_first(feats: Features) -> None:
    weights = {100: 1.0, 101: 1.0}
    out = suggest(feats, weights, n=3, exclude=(), day=DAY)
    main = [s for s in out if not s.exploration]
    assert main and all(topic_of(s.paper_id) == "graph" for s in main)
    assert main[0].because_of and set(main[0].because_of) <= {100, 101}
    assert any("graph" in t for t in main[0].terms)


def test_score_catalog_puts_topic_above_others(feats: Features) -> None:
    scores = score_catalog(feats, {200: 1.0, 201: 1.0})
    order = [int(feats.ids[i]) for i in np.argsort(-scores)]
    rest = [p for p in order if p not in (200, 201)]
    assert {topic_of(p) for p in rest[:4]} == {"rl"}


def test_dislike_pushes_topic_down(feats: Features) -> None:
    base = score_catalog(feats, {100: 1.0, 300: 1.0})
    disliked = score_catalog(feats, {100: 1.0, 300: 1.0, 301: -1.0})
    protein = feats.rows([302, 303, 304])
    graph = feats.rows([102, 103, 104])
    gap_before = base[graph].mean() - base[protein].mean()
    gap_after = disliked[graph].mean() - disliked[protein].mean()
    assert gap_after > gap_before


def test_an_interest_no_paper_has_the_words_of_is_unmatched(feats: Features) -> None:
    from reader.recommend import unmatched_interests

    asked = ["graph neural", "Quantum gravity", "reinforcement", "the of and"]
    assert unmatched_interests(feats, asked) == ("Quantum gravity", "the of and")
    assert unmatched_interests(feats, []) == ()


def test_interests_work_without_ratings(feats: Features) -> None:
    out = suggest(feats, {}, n=2, exclude=(), day=DAY, interests=["causal inference"])
    assert out and topic_of(out[0].paper_id) == "causal"
    assert out[0].because_of == ()
    assert reason_text(out[0], {}, {}).startswith("Matches your interests")


def test_nothing_to_go_on_gives_empty_list(feats: Features) -> None:
    assert suggest(feats, {}, n=5, exclude=(), day=DAY) == []
    assert suggest(feats, {100: -1.0}, n=5, exclude=(), day=DAY) == []


@pytest.mark.parametrize("n", [1, 3, 5, 10])
@pytest.mark.parametrize("seed", [0, 7])
def test_invariants(feats: Features, n: int, seed: int) -> None:
    weights = {100: 1.0, 200: 0.7, 300: -1.0}
    exclude = {101, 201, 102}
    out = suggest(feats, weights, n=n, exclude=exclude, day=DAY, seed=seed)
    ids = [s.paper_id for s in out]
    assert 0 < len(out) <= n
    assert len(set(ids)) == len(ids)
    assert not set(ids) & exclude
    assert not set(ids) & set(weights)
    assert sum(s.exploration for s in out) <= 1
    assert all(not s.exploration for s in out[:-1])
    assert all(s.terms or s.because_of for s in out)
    titles = {i.id: i.title for i in corpus()}
    assert all(reason_text(s, titles, {100: 5, 200: 4}) for s in out)
    again = suggest(feats, weights, n=n, exclude=exclude, day=DAY, seed=seed)
    assert again == out


def test_exploration_slot_is_from_unrated_area(feats: Features) -> None:
    weights = {100: 1.0, 101: 1.0, 102: 1.0}
    out = suggest(feats, weights, n=4, exclude=(), day=DAY)
    assert out[-1].exploration
    rated_areas = set(feats.labels[feats.rows(weights)].tolist())
    row = feats.row_of(out[-1].paper_id)
    assert row is not None and int(feats.labels[row]) not in rated_areas
    assert reason_text(out[-1], {}, {}).startswith("Exploration:")


def test_no_near_duplicates() -> None:
    items = corpus()
    # Three copies of one paper under different ids, e.g. arXiv and journal versions.
    dup = "Graph neural networks for molecule property prediction"
    items += [CatalogItem(900 + k, dup, dup.lower()) for k in range(3)]
    feats = build_features(lambda: items)
    out = suggest(feats, {101: 1.0, 102: 1.0}, n=6, exclude=(), day=DAY)
    ids = {s.paper_id for s in out}
    assert len(ids & {100, 900, 901, 902}) <= 1
    # A copy of a liked paper is not suggested either.
    out = suggest(feats, {100: 1.0}, n=6, exclude=(), day=DAY)
    assert not {s.paper_id for s in out} & {900, 901, 902}


def test_a_days_copies_are_found_for_its_picks() -> None:
    """The inbox ranked the day's arrivals with no copy test: two copies of one new paper
    were both picks, and a copy of a liked paper was the top pick."""
    from reader.recommend import copies

    items = corpus()
    dup = "Graph neural networks for molecule property prediction"
    items += [CatalogItem(900 + k, dup, dup.lower()) for k in range(2)]
    title = next(i.title for i in items if i.id == 300)
    items.append(CatalogItem(950, title, title.lower()))
    feats = build_features(lambda: items)
    liked = [300]  # item 950 is its copy
    found = copies(feats, [950, 900, 201, 901, 202], liked)
    assert found == {950, 901}
    assert copies(feats, [900, 201, 901], [], first=2) == set()  # only the first ones


def test_a_reason_names_a_second_liked_paper_only_when_nearly_as_close() -> None:
    """Any liked paper sharing one word with a pick was named beside the closest one:
    "+1 more" was on every reason and told the user nothing."""
    from reader.recommend import rank_among

    items = corpus()
    items += [
        CatalogItem(960, "Causal effect estimation with instrumental variables", "causal iv"),
        CatalogItem(961, "A survey of data augmentation for estimation", "augmentation"),
    ]
    feats = build_features(lambda: items)
    causal = next(i.id for i in items if i.title.startswith("Causal inference"))
    weights = {causal: 1.0, 961: 1.0}  # 961 shares only "estimation" with the pick
    (pick,) = [s for s in rank_among(feats, weights, [960]) if s.paper_id == 960]
    assert pick.because_of == (causal,)


def test_generic_words_are_never_a_reasons_topic() -> None:
    from reader.recommend.explain import GENERIC

    assert {"new", "best", "inspired", "models", "data"} <= GENERIC


ALTRUISM = (
    "A gene for altruism spreads when the cost to the actor is less than the benefit to the "
    "recipient times their relatedness. We derive this rule for kin selection in structured "
    "populations, test it on field data of social insects and birds, and show when inclusive "
    "fitness fails."
)


def test_the_next_part_of_a_liked_paper_is_no_copy_but_the_same_title_again_is() -> None:
    """With titles alone, the TF-IDF and meaning test called Part II of a liked paper its
    copy and hid the one paper the user most wants next; the texts now decide."""
    items = corpus()
    part = "The genetical evolution of social behaviour"
    items += [
        CatalogItem(910, f"{part}. I", ""),
        CatalogItem(911, f"{part}. II", ""),
        CatalogItem(912, f"{part}, I.", ""),  # Part I entered again
        # A preprint and its journal version: retitled, the same abstract.
        CatalogItem(913, "Kin selection explains altruism", ALTRUISM),
        CatalogItem(914, "Altruism among relatives", ALTRUISM),
    ]
    feats = build_features(lambda: items)
    texts = {i.id: (i.title, i.abstract) for i in items}

    def rule(a: int, b: int) -> bool:
        return same_work(texts[a], texts[b])

    liked = {910: 1.0, 913: 1.0}
    alike = {s.paper_id for s in suggest(feats, liked, n=6, exclude=(), day=DAY)}
    assert not alike & {911, 912, 914}  # likeness alone: all three are copies
    ids = {s.paper_id for s in suggest(feats, liked, n=6, exclude=(), day=DAY, same_work=rule)}
    assert 911 in ids
    assert not ids & {912, 914}


def test_a_pick_unlike_every_liked_paper_names_none_of_them() -> None:
    """One liked paper on a subject the catalog lacks: the picks after its only neighbour
    are the catalog's best guesses, and their reasons must not call them like it."""
    items = [
        *corpus(),
        CatalogItem(910, "The genetical evolution of social behaviour. I", ""),
        CatalogItem(911, "The evolution of cooperation in social insects", ""),
    ]
    feats = build_features(lambda: items)
    out = suggest(feats, {910: 1.0}, n=8, exclude=(), day=DAY)
    liked = feats.matrix[feats.row_of(910)]
    for s in out:
        row = feats.row_of(s.paper_id)
        shares_a_term = (feats.matrix[row] @ liked.T).toarray()[0, 0] > 0
        meaning = float(feats.semantic[row] @ feats.semantic[feats.row_of(910)])
        if s.because_of:
            assert shares_a_term or meaning >= 0.5, (s, meaning)
    loose = [s for s in out if not s.because_of and not s.exploration]
    assert loose
    for s in loose:
        reason = reason_text(s, {}, {910: 5}, interests=False)
        assert reason.startswith("A loose match to what you liked"), reason


NETS = "We study deep nets."


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (("Seven Myths of Formal Methods", ""), ("Seven More Myths of Formal Methods", ""), False),
        (("Information Theory, Inference, and Learning Algorithms", ""),
         ("Information Theory, Inference & Learning Algorithms", ""), True),
        (("Bayesian network classifiers", ""),
         ("Comparing Bayesian Network Classifiers", ""), False),
        (("Deep nets, part I", NETS), ("Deep nets, part II", NETS), False),
        (("Deep nets", NETS), ("A study of deep nets", NETS), True),
        (("", "bag of words"), ("", "bag of words"), True),
    ],
)  # fmt: skip
def test_same_work(a: tuple[str, str], b: tuple[str, str], same: bool) -> None:
    assert same_work(a, b) is same


def test_deterministic_rebuild(feats: Features) -> None:
    other = build_features(corpus)
    assert other.to_bytes() == feats.to_bytes()
    w = {100: 1.0, 400: 1.0}
    assert suggest(other, w, n=4, exclude=(), day=DAY) == suggest(
        feats, w, n=4, exclude=(), day=DAY
    )


def test_an_index_is_outgrown_once_the_catalog_doubles_or_gains_refit_new_papers(
    feats: Features,
) -> None:
    from dataclasses import replace

    from reader.recommend import outgrown
    from reader.recommend.features import REFIT_NEW
    from reader.recommend.terms import VOCAB_SAMPLE

    n = len(feats)
    assert feats.fitted_on == n  # a build records what it was fitted on...
    assert Features.from_bytes(feats.to_bytes()).fitted_on == n  # ...the file keeps it...
    new = [CatalogItem(5000 + k, f"Kin selection and altruism {k}", "") for k in range(n)]
    grown = add_items(feats, new[:3])
    assert grown.fitted_on == n and not outgrown(grown)  # ...and additions do not change it
    assert outgrown(add_items(feats, new))
    assert outgrown(feats, papers=2 * n) and not outgrown(feats, papers=2 * n - 1)
    # Past the vocabulary sample, half a sample of new papers: their words may be new ones.
    big = replace(feats, fitted_on=10 * VOCAB_SAMPLE)
    assert REFIT_NEW < VOCAB_SAMPLE
    assert outgrown(big, papers=10 * VOCAB_SAMPLE + REFIT_NEW)
    assert not outgrown(big, papers=10 * VOCAB_SAMPLE + REFIT_NEW - 1)
    assert not outgrown(big, papers=5 * VOCAB_SAMPLE)  # papers removed since: nothing new
    empty = replace(feats, fitted_on=0)  # built when there was nothing: any paper outgrows it
    assert outgrown(empty, papers=1) and not outgrown(empty, papers=0)


def test_the_vocabulary_comes_from_the_papers_named_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A catalog past the vocabulary sample: the sample read is the one `vocabulary_from`
    gives (the service gives the newest papers), not the catalog's first papers."""
    import reader.recommend.features as features_module

    monkeypatch.setattr(features_module, "VOCAB_SAMPLE", len(corpus()))
    old = corpus()
    new = [CatalogItem(900 + k, f"Quasar spectra survey {k}", "quasar redshift") for k in range(4)]
    catalog = old + new
    first = build_features(lambda: catalog)
    assert "quasar" not in first.vocabulary  # the first 24 papers never say it
    newest = build_features(lambda: catalog, vocabulary_from=lambda: reversed(catalog))
    assert "quasar" in newest.vocabulary
    assert newest.ids.tolist() == first.ids.tolist() == [i.id for i in catalog]
    row = newest.row_of(900)
    assert row is not None and newest.matrix[row].nnz >= 2


def test_bytes_round_trip(feats: Features) -> None:
    back = Features.from_bytes(feats.to_bytes())
    assert back.version == feats.version
    assert back.terms == feats.terms
    w = {100: 1.0, 205: 0.3, 300: -0.5}
    np.testing.assert_array_equal(score_catalog(back, w), score_catalog(feats, w))


def test_from_bytes_rejects_other_format(feats: Features) -> None:
    import io

    z = dict(np.load(io.BytesIO(feats.to_bytes())))
    z["format"] = np.array([999])
    buf = io.BytesIO()
    np.savez(buf, **z)
    with pytest.raises(ValueError, match="format"):
        Features.from_bytes(buf.getvalue())


def test_add_items_is_incremental(feats: Features) -> None:
    new = CatalogItem(500, "Graph neural networks for traffic forecasting", "graph neural networks")
    added = add_items(feats, [new])
    assert added.version != feats.version
    assert added.terms is feats.terms
    assert added.ids.tolist() == feats.ids.tolist() + [500]
    assert added.matrix.shape == (25, len(feats.terms))
    assert len(added.labels) == len(added.dense) == 25
    # Old rows are untouched and the new paper ranks with its topic.
    np.testing.assert_array_equal(added.dense[:24], feats.dense)
    out = suggest(added, {100: 1.0, 101: 1.0}, n=2, exclude=(), day=DAY)
    scores = score_catalog(added, {100: 1.0, 101: 1.0})
    assert scores[added.row_of(500)] > np.median(scores)
    assert all(topic_of(s.paper_id) in ("graph", "graph") for s in out if s.paper_id != 500)


def test_add_items_replaces_an_existing_id(feats: Features) -> None:
    changed = CatalogItem(100, "Protein structure prediction", "protein structure")
    added = add_items(feats, [changed])
    assert len(added) == len(feats)
    assert sorted(added.ids.tolist()) == sorted(feats.ids.tolist())
    scores = score_catalog(added, {300: 1.0})
    assert scores[added.row_of(100)] > scores[added.row_of(101)]


def test_add_items_nothing_is_identity(feats: Features) -> None:
    assert add_items(feats, []) is feats


def test_duplicate_ids_are_rejected() -> None:
    items = [CatalogItem(1, "a paper on graphs"), CatalogItem(1, "another on graphs")]
    with pytest.raises(ValueError, match="duplicate"):
        build_features(lambda: items)


def test_progress_reports_total() -> None:
    seen: list[tuple[int, int | None]] = []
    build_features(corpus, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (24, 24)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"stars": {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}}, {1: 1.0, 2: 0.7, 3: 0.1, 4: -0.5, 5: -1.0}),
        ({"stars": {}, "opened": [1], "dropped": [2]}, {1: 0.3, 2: -0.7}),
        ({"stars": {1: 5}, "opened": [1]}, {1: 1.0}),
        ({"stars": {1: 2}, "dropped": [1]}, {1: -0.5}),
        ({"stars": {1: 5}, "not_for_me": [1, 2]}, {1: -1.0, 2: -1.0}),
    ],
    ids=["stars", "opened-dropped", "stars-beat-opened", "stars-beat-dropped", "not-for-me-wins"],
)
def test_feedback_weights(kwargs: dict, expected: dict[int, float]) -> None:
    assert feedback_weights(**kwargs) == expected


def test_feedback_weights_rejects_bad_stars() -> None:
    with pytest.raises(ValueError):
        feedback_weights(stars={1: 6})


@pytest.mark.parametrize(
    ("suggestion", "expected"),
    [
        (
            Suggestion(7, 1.0, (1,), ("graph", "neural networks")),
            'Like "Graph paper" (5★); about graph, neural networks',
        ),
        (
            Suggestion(7, 1.0, (1, 2), ("graph",)),
            'Like "Graph paper" (5★) +1 more; about graph',
        ),
        (Suggestion(7, 1.0, (), ("causal",)), "Matches your interests; about causal"),
        (
            Suggestion(7, 0.1, (), ("protein",), exploration=True),
            "Exploration: an area you have not rated yet; about protein",
        ),
    ],
    ids=["one", "two", "interests", "exploration"],
)
def test_reason_text(suggestion: Suggestion, expected: str) -> None:
    titles = {1: "Graph   paper", 2: "Other paper"}
    assert reason_text(suggestion, titles, {1: 5, 2: 4}) == expected


@pytest.mark.parametrize(
    ("stars", "expected"),
    [
        ({1: 3, 2: 5}, 'Like "Other paper" (5★); about graph'),
        ({1: 3}, "Matches your interests; about graph"),
        ({}, "Matches your interests; about graph"),
    ],
    ids=["three-star-skipped", "only-three-stars", "not-rated"],
)
def test_reason_never_calls_a_paper_liked_unless_rated_4_or_5(
    stars: dict[int, int], expected: str
) -> None:
    titles = {1: "Graph paper", 2: "Other paper"}
    assert reason_text(Suggestion(7, 1.0, (1, 2), ("graph",)), titles, stars) == expected


def test_reason_text_shortens_long_titles() -> None:
    s = Suggestion(7, 1.0, (1,), ())
    text = reason_text(s, {1: "word " * 40}, {1: 5})
    assert text.startswith('Like "word') and text.endswith('…" (5★)') and len(text) <= 53


def test_author_and_tag_terms_are_readable() -> None:
    items = corpus() + [
        CatalogItem(600, "Sheaf networks", "sheaf", authors=("Ada Lovelace",), tags=("cs.LG",)),
        CatalogItem(601, "Sheaf diffusion", "sheaf", authors=("Ada Lovelace",), tags=("cs.LG",)),
        CatalogItem(602, "Unrelated", "soil", authors=("Ada Lovelace",), tags=("cs.LG",)),
    ]
    feats = build_features(lambda: items)
    assert "au_ada_lovelace" in feats.vocabulary and "tag_cs_lg" in feats.vocabulary
    out = suggest(feats, {600: 1.0}, n=1, exclude=(), day=DAY)
    assert out[0].paper_id in (601, 602)
    assert set(out[0].terms) & {"author ada lovelace", "tag cs lg", "sheaf"}


def test_leave_one_out_finds_topic(feats: Features) -> None:
    weights = {100: 1.0, 101: 1.0, 102: 0.7, 103: 1.0, 300: -1.0, 200: 0.1}
    report = leave_one_out(feats, weights)
    assert isinstance(report, EvalReport)
    assert report.n == 4
    assert report.hit_rate_10 == 1.0 and report.hit_rate_50 == 1.0
    assert report.median_rank <= 3 and 0 < report.mrr <= 1


def test_leave_one_out_without_likes(feats: Features) -> None:
    report = leave_one_out(feats, {100: -1.0})
    assert report.n == 0 and np.isnan(report.median_rank)


def test_leave_one_out_limit(feats: Features) -> None:
    weights = {int(p): 1.0 for p in feats.ids[:12]}
    assert leave_one_out(feats, weights, limit=5).n == 5


@pytest.mark.parametrize("size", [1, 2, 3])
def test_tiny_catalogs(size: int) -> None:
    items = corpus()[:size]
    feats = build_features(lambda: items)
    assert (
        starter_picks(feats, 5) == [i.id for i in items][: min(5, size)]
        or len(starter_picks(feats, 5)) == size
    )
    out = suggest(feats, {items[0].id: 1.0}, n=3, exclude=(), day=DAY)
    assert items[0].id not in {s.paper_id for s in out}
    assert len(out) <= size - 1


def test_empty_catalog() -> None:
    feats = build_features(list)
    assert len(feats) == 0
    assert starter_picks(feats, 3) == []
    assert suggest(feats, {1: 1.0}, n=3, exclude=(), day=DAY) == []


def test_starter_picks_cover_topics(feats: Features) -> None:
    picks = starter_picks(feats, 4)
    assert len(picks) == len(set(picks)) == 4
    assert len({topic_of(p) for p in picks}) >= 3
    assert not set(starter_picks(feats, 10, exclude=picks)) & set(picks)
    assert len(starter_picks(feats, 100)) == 24


def test_cold_start_on_seed_catalog() -> None:
    from reader.seedcatalog import seed_records

    records = seed_records()
    items = [
        CatalogItem(k + 1, r.title, r.abstract, r.authors, r.tags) for k, r in enumerate(records)
    ]
    feats = build_features(lambda: items)
    picks = starter_picks(feats, 8)
    assert len(set(picks)) == 8
    # Picks spread over several areas rather than one cluster.
    assert len({int(feats.labels[feats.row_of(p)]) for p in picks}) >= 6
    out = suggest(feats, {}, n=5, exclude=(), day=DAY, interests=["robot manipulation"])
    assert out and all(s.terms for s in out)
    titles = {i.id: i.title for i in items}
    assert any("robot" in titles[s.paper_id].lower() for s in out[:2])


def test_parallel_build_matches_serial(monkeypatch: pytest.MonkeyPatch, feats: Features) -> None:
    import reader.recommend.features as features_module

    monkeypatch.setattr(features_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(features_module, "CHUNK", 5)
    parallel = build_features(corpus)  # a list: its size (24) is above PARALLEL_FROM
    assert parallel.to_bytes() == feats.to_bytes()


def test_links_in_abstracts_are_not_terms() -> None:
    from reader.recommend.terms import item_terms

    terms = item_terms(CatalogItem(1, "Sheaf nets", "Code at https://github.com/x/sheaf-nets."))
    assert "sheaf" in terms and "code" in terms
    assert not {"https", "github", "com", "github com"} & set(terms)


def test_build_falls_back_to_one_process_where_workers_cannot_start() -> None:
    """Inside a full-screen app stderr is a capture object whose file descriptor is not
    real, and spawning workers fails ("bad value(s) in fds_to_keep"); the build must still
    finish, in this process."""
    import subprocess
    import sys

    code = """
import io, sys
import reader.recommend.features as f
from reader.recommend import CatalogItem, build_features


class Capture(io.StringIO):
    def fileno(self):
        return -1


if __name__ == "__main__":
    f.PARALLEL_FROM = 10
    items = [CatalogItem(i, f"paper {i} t{i % 7}", f"a{i % 5} b{i % 3}") for i in range(1, 60)]
    real, sys.stderr = sys.stderr, Capture()
    try:
        feats = build_features(lambda: list(items))
    finally:
        sys.stderr = real
    print(len(feats.ids))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "59"


def test_semantic_rows_follow_ids_and_survive_add_items(feats: Features) -> None:
    assert feats.semantic.shape == (24, DIM)
    assert np.allclose(np.linalg.norm(feats.semantic, axis=1), 1.0, atol=1e-4)
    # Same topic means closer in meaning: every paper's nearest other paper shares its topic
    # (one pair of titles, protein vs. reinforcement learning "with deep learning", was a
    # knife edge: 0.298 against 0.300 at 128 dimensions, and no measure of the embedding).
    sims = feats.semantic @ feats.semantic.T
    np.fill_diagonal(sims, -np.inf)
    nearest = feats.ids[np.argmax(sims, axis=1)]
    assert [topic_of(int(p)) for p in nearest] == [topic_of(int(p)) for p in feats.ids]
    grown = add_items(feats, [CatalogItem(999, "Protein binder design", "protein design")])
    assert grown.semantic.shape == (25, DIM)
    assert np.array_equal(grown.semantic[:24], feats.semantic)
    assert Features.from_bytes(grown.to_bytes()).semantic.tolist() == grown.semantic.tolist()


def test_embedding_model_loads_without_a_network(tmp_path: Path) -> None:
    """CI has no network and nothing may be downloaded: load and embed with every socket
    refused, in a fresh process (the model is cached per process) with an empty home."""
    code = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from reader.recommend.semantic import wordllama_embed\n"
        "print(wordllama_embed(['graph neural networks', '']).shape)\n"
    )
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"(2, {DIM})"
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.safetensors"))


def test_a_disliked_papers_near_twin_drops() -> None:
    items = corpus() + [
        CatalogItem(500, "Graph transformers for molecules", "graph transformers molecules"),
        CatalogItem(501, "Graph transformers for molecule graphs", "graph transformers molecules"),
    ]
    feats = build_features(lambda: items)
    liked = {100: 1.0, 101: 1.0, 102: 1.0}
    before = score_catalog(feats, liked)
    after = score_catalog(feats, liked | {500: -1.0})
    twin, other = feats.rows([501])[0], feats.rows([103])[0]
    assert (after[twin] - after[other]) < (before[twin] - before[other])


def test_reasons_name_liked_papers_and_the_terms_they_share(feats: Features) -> None:
    # 100 is liked, 300 only rated 3 stars (weight 0.1), 200 only opened (0.3).
    weights = feedback_weights(stars={100: 5, 300: 3}, opened=[200])
    out = suggest(feats, weights, n=6, exclude=(), day=DAY)
    named = {p for s in out for p in s.because_of}
    assert named == {100}
    for s in out:
        text = reason_text(s, {100: "Graph neural networks"}, {100: 5, 300: 3})
        assert "Protein" not in text and "reinforcement" not in text.split(";")[0]
        if s.because_of:
            liked_terms = set(feats.terms[i] for i in feats.matrix[feats.rows([100])[0]].indices)
            assert s.terms and set(s.terms) <= liked_terms


def test_starters_have_a_reason_naming_their_topic(feats: Features) -> None:
    picks = starter_picks(feats, 4)
    reasons = starter_reasons(feats, picks)
    assert set(reasons) == set(picks)
    assert all(r.startswith("A starter: central to ") for r in reasons.values())
    assert sum("main topic" in r for r in reasons.values()) == 1
    word = {"graph": "graph", "rl": "reinforcement", "protein": "protein", "causal": "causal"}
    for pid, text in reasons.items():
        assert word[topic_of(pid)] in text, text


def test_rank_among_orders_only_the_candidates(feats: Features) -> None:
    from reader.recommend import rank_among

    candidates = [205, 102, 303, 104, 9999]  # 9999: not in the catalog
    out = rank_among(feats, {100: 1.0, 101: 1.0}, candidates, explain=1)

    assert [s.paper_id for s in out][:2] in ([102, 104], [104, 102])  # the liked topic first
    assert {s.paper_id for s in out} == {205, 102, 303, 104}
    assert [s.score for s in out] == sorted((s.score for s in out), reverse=True)
    assert out[0].because_of and out[0].terms  # explained
    assert out[1].because_of == () and out[1].terms == ()  # past `explain`: not explained
    assert rank_among(feats, {100: -1.0}, candidates) == []  # nothing liked: nothing to go on


def test_classifier_learns_against_the_whole_of_a_small_catalog(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Up to CATALOG_NEGATIVES papers, every unrated paper is a negative, as in
    # arxiv-sanity's SVM; beyond it, a sample of that size (bounded cost at any size).
    from reader.recommend import rank

    words = [f"w{k}" for k in range(400)]
    items = [
        CatalogItem(k, f"{words[k % 400]} {words[(k * 7) % 400]} {words[(k * 13) % 400]}")
        for k in range(2000)
    ]
    feats = build_features(lambda: items)
    seen: list[int] = []
    real_fit = rank.LogisticRegression.fit

    def fit(self, x, y, sample_weight=None):  # type: ignore[no-untyped-def]
        seen.append(x.shape[0])
        return real_fit(self, x, y, sample_weight=sample_weight)

    monkeypatch.setattr(rank.LogisticRegression, "fit", fit)
    score_catalog(feats, {k: 1.0 for k in range(10)})
    assert seen == [2000]


def test_short_titles_sharing_a_word_are_not_duplicates() -> None:
    # Each title has one term in the vocabulary ("learning"), so their TF-IDF rows are the
    # same; they are different works all the same, and a reader who liked the first should
    # see the others (titles only, as a BibTeX import without abstracts gives).
    titles = ["Multitask learning", "The myopia of learning", "Learning to rank"]
    items = corpus() + [CatalogItem(700 + k, t) for k, t in enumerate(titles)]
    feats = build_features(lambda: items)
    out = suggest(feats, {700: 1.0}, n=8, exclude=(), day=DAY)
    assert {701, 702} <= {s.paper_id for s in out}
