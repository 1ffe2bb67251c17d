"""Steering ("more like this", "less like this"), the profile the user can see and edit, and
the reasons given for suggestions: on small catalogs where the right answer is known, then
through the service and the CLI on the seed catalog in a real database file."""

from __future__ import annotations

import datetime
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.models import PaperRecord
from reader.recommend import (
    CatalogItem,
    Features,
    build_features,
    feedback_weights,
    reason_text,
    score_catalog,
    suggest,
    taste_terms,
)
from reader.recommend.explain import GENERIC, shared_terms
from reader.service import Service, ServiceError

DAY = datetime.date(2026, 3, 2)
TOPICS = {
    "graph": [
        "Graph neural networks for molecule property prediction",
        "Message passing graph neural networks on citation graphs",
        "Over-smoothing in deep graph neural networks",
        "Graph attention networks for node classification",
        "Scalable graph neural networks with neighbour sampling",
    ],
    "protein": [
        "Protein structure prediction with deep learning",
        "Protein folding dynamics from molecular simulation",
        "Protein language models predict mutation effects",
        "Designing protein binders with diffusion models",
        "Protein contact maps from coevolution",
    ],
    "rl": [
        "Deep reinforcement learning for robotic grasping",
        "Offline reinforcement learning with conservative Q-learning",
        "Policy gradient methods in reinforcement learning for games",
        "Model-based reinforcement learning with learned world models",
        "Reward shaping for reinforcement learning agents",
    ],
}
GRAPH, PROTEIN, RL = [100, 101, 102, 103, 104], [200, 201, 202, 203, 204], [300, 301, 302, 303, 304]


def corpus() -> list[CatalogItem]:
    return [
        CatalogItem(100 * (t + 1) + k, title, title.lower())
        for t, titles in enumerate(TOPICS.values())
        for k, title in enumerate(titles)
    ]


@pytest.fixture(scope="module")
def feats() -> Features:
    return build_features(corpus)


def mean_score(scores: np.ndarray, feats: Features, ids: list[int]) -> float:
    return float(scores[feats.rows(ids)].mean())


# Weights --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"stars": {}, "more": [1]}, {1: 1.0}),
        ({"stars": {1: 5}, "more": [1]}, {1: 2.0}),
        ({"stars": {1: 1}, "more": [1]}, {1: 1.0}),
        ({"stars": {}, "not_for_me": [1], "more": [1]}, {1: 1.0}),
        ({"stars": {}, "less": [1]}, {1: -1.0}),
        ({"stars": {1: 5}, "less": [1]}, {1: -1.0}),
        ({"stars": {1: 2}, "less": [1]}, {1: -1.5}),
        ({"stars": {1: 3}, "opened": [2], "less": [2]}, {1: 0.1, 2: -1.0}),
    ],
    ids=[
        "more-unrated",
        "more-on-5-stars-adds",
        "more-overrides-a-dislike",
        "more-overrides-not-for-me",
        "less-unrated",
        "less-overrides-a-like",
        "less-on-2-stars-adds",
        "less-overrides-opened",
    ],
)
def test_steering_weights(kwargs: dict, expected: dict[int, float]) -> None:
    assert feedback_weights(**kwargs) == pytest.approx(expected)


# Known answers on a small catalog ----------------------------------------------------


def test_a_liked_topic_outranks_an_unrelated_one(feats: Features) -> None:
    scores = score_catalog(feats, feedback_weights(stars={100: 5, 101: 4}))
    assert mean_score(scores, feats, GRAPH[2:]) > mean_score(scores, feats, PROTEIN)
    assert mean_score(scores, feats, GRAPH[2:]) > mean_score(scores, feats, RL)


def test_more_like_this_lifts_the_papers_neighbours(feats: Features) -> None:
    """Two papers rated 5: "more like" one of them lifts its topic above the other's, which
    a rating alone cannot do (the 5 stars are already there)."""
    rated = {100: 5, 200: 5}
    before = score_catalog(feats, feedback_weights(stars=rated))
    after = score_catalog(feats, feedback_weights(stars=rated, more=[200]))
    gap_before = mean_score(before, feats, PROTEIN[1:]) - mean_score(before, feats, GRAPH[1:])
    gap_after = mean_score(after, feats, PROTEIN[1:]) - mean_score(after, feats, GRAPH[1:])
    assert gap_after > gap_before


PROTEIN_STRUCTURE = [
    "Protein structure prediction with deep learning",
    "Protein structure prediction from molecular simulation",
    "Protein language models for structure prediction",
    "Designing protein structures with diffusion models",
    "Protein structure contact maps from coevolution",
]


def test_more_like_this_brings_the_papers_topic_into_the_shown_list() -> None:
    """Graph papers liked a little more than protein ones fill the list; "more like" the
    protein paper turns it over. The protein titles here share their topic's words as the
    graph titles do: the module's protein titles share only "protein", and there graph
    papers outrank them even after "more like this" (the scores' gap still shrinks, above)."""
    items = [
        CatalogItem(id_, title, title.lower())
        for id_, title in zip(
            GRAPH + PROTEIN + RL,
            TOPICS["graph"] + PROTEIN_STRUCTURE + TOPICS["rl"],
            strict=True,
        )
    ]
    balanced = build_features(lambda: items)

    def protein_picks(more: list[int]) -> list[int]:
        weights = feedback_weights(stars={100: 5, 200: 4}, more=more)
        picks = suggest(balanced, weights, n=4, exclude=(), day=DAY)
        return [s.paper_id for s in picks if s.paper_id in PROTEIN]

    assert len(protein_picks([200])) > len(protein_picks([]))


def test_less_like_this_lowers_the_papers_neighbours(feats: Features) -> None:
    rated = {100: 5, 200: 5}
    before = score_catalog(feats, feedback_weights(stars=rated))
    after = score_catalog(feats, feedback_weights(stars=rated, less=[201]))
    gap_before = mean_score(before, feats, PROTEIN[2:]) - mean_score(before, feats, GRAPH[1:])
    gap_after = mean_score(after, feats, PROTEIN[2:]) - mean_score(after, feats, GRAPH[1:])
    assert gap_after < gap_before
    picks = suggest(feats, feedback_weights(stars=rated, less=[201]), n=2, exclude=(), day=DAY)
    assert picks[0].paper_id in GRAPH


def test_a_three_star_paper_is_never_liked_in_a_reason(feats: Features) -> None:
    weights = feedback_weights(stars={100: 3, 101: 3, 200: 5})
    titles = {100: "Graph A", 101: "Graph B", 200: "Protein A"}
    for s in suggest(feats, weights, n=6, exclude=(), day=DAY):
        text = reason_text(s, titles, {100: 3, 101: 3, 200: 5})
        assert "Graph A" not in text and "Graph B" not in text and "3★" not in text


def test_a_paper_asked_more_of_is_named_as_asked_not_as_liked(feats: Features) -> None:
    weights = feedback_weights(stars={}, more=[200])
    picks = suggest(feats, weights, n=2, exclude=(), day=DAY)
    text = reason_text(picks[0], {200: "Protein structure"}, {}, more={200})
    assert text.startswith('More like "Protein structure", as you asked')
    assert "★" not in text
    # Without the steering it is an unrated paper: never named.
    assert "Protein structure" not in reason_text(picks[0], {200: "Protein structure"}, {})


def test_reasons_name_distinctive_shared_terms_not_the_prose_around_them() -> None:
    """ "argue" and "provides" are in both papers, more often than "hypergraph", and rare in
    this catalog (so their idf is high), yet they name no topic: the reason gives the
    "hypergraph" terms only."""
    items = corpus() + [
        CatalogItem(
            900,
            "Hypergraph sparsification",
            "hypergraph cuts: we argue, argue and argue that this provides, provides sparsifiers",
        ),
        CatalogItem(
            901,
            "Hypergraph partitioning",
            "hypergraph partitions: we argue, argue and argue that this provides, provides speed",
        ),
    ]
    feats = build_features(lambda: items)
    row, anchor = feats.rows([901, 900])
    terms = shared_terms(feats, int(row), int(anchor))
    assert terms and all("hypergraph" in t for t in terms), terms


def test_taste_terms_show_what_lifts_and_what_sinks(feats: Features) -> None:
    taste = taste_terms(feats, feedback_weights(stars={100: 5, 300: 1}), k=5)
    assert taste.toward[0][1] == 1.0 and all(0 < w <= 1 for _, w in taste.toward)
    assert any("graph" in t for t, _ in taste.toward)
    assert any("reinforcement" in t for t, _ in taste.away)
    assert all(w < 0 for _, w in taste.away)
    assert not any("reinforcement" in t for t, _ in taste.toward)
    assert taste_terms(feats, {}) == taste_terms(feats, {}, k=3)
    assert taste_terms(feats, {}).toward == ()


# Through the service, on the seed catalog ---------------------------------------------

GROKKING = [17, 20, 25]  # the seed catalog's grokking papers
ROBOTICS = 3  # HAMSTER, a robotics paper


def steering_rows(path: Path) -> list[tuple[int, str | None]]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT paper_id, direction FROM steering_events ORDER BY id")
        return rows.fetchall()


def test_more_like_this_is_stored_and_brings_the_neighbours(svc: Service, db_path: Path) -> None:
    svc.rate(ROBOTICS, 5)
    before = [s.paper.id for s in svc.refresh_suggestions().suggestions]
    assert not set(GROKKING[1:]) & set(before)
    svc.steer(GROKKING[0], "more")
    assert steering_rows(db_path) == [(GROKKING[0], "more")]
    after = svc.refresh_suggestions()
    ids = [s.paper.id for s in after.suggestions]
    assert set(GROKKING[1:]) & set(ids)
    twin = next(s for s in after.suggestions if s.paper.id in GROKKING[1:])
    assert twin.reason.startswith("More like") and "as you asked" in twin.reason
    # Taken off: the next list is the one from the rating alone again.
    svc.steer(GROKKING[0], None)
    assert steering_rows(db_path)[-1] == (GROKKING[0], None)
    assert [s.paper.id for s in svc.refresh_suggestions().suggestions] == before


def test_less_like_this_drops_the_paper_and_undo_takes_it_back(svc: Service, db_path: Path) -> None:
    svc.rate(GROKKING[0], 5)
    first = svc.today().suggestions[0].paper.id
    svc.steer(first, "less")
    assert first not in [s.paper.id for s in svc.today().suggestions]
    undone = svc.undo()
    assert undone.kind == "steer" and "less like this" in undone.description
    assert steering_rows(db_path) == []
    assert first in [s.paper.id for s in svc.today().suggestions]


def test_toggle_steer_takes_it_off_on_the_second_press(svc: Service, db_path: Path) -> None:
    assert svc.toggle_steer(5, "more") == "more"
    assert svc.toggle_steer(5, "less") == "less"
    assert svc.toggle_steer(5, "less") is None
    assert svc.steering_of(5) is None
    assert steering_rows(db_path) == [(5, "more"), (5, "less"), (5, None)]
    with pytest.raises(ServiceError, match="not steered"):
        svc.steer(5, None)
    with pytest.raises(ServiceError, match="'more' or 'less'"):
        svc.steer(5, "sideways")
    assert len(steering_rows(db_path)) == 3  # refused: nothing written


def test_reasons_cite_only_papers_rated_4_or_5(svc: Service) -> None:
    """A 3-star paper, a paper being read and a paper only opened are close to the picks
    too, but a reason may name only the paper rated 5."""
    svc.rate(GROKKING[0], 5)
    svc.rate(GROKKING[1], 3)
    svc.set_status(GROKKING[2], "reading")
    titles = {pid: svc.paper(pid).title for pid in GROKKING}
    for s in svc.refresh_suggestions(n=8).suggestions:
        assert titles[GROKKING[1]][:20] not in s.reason, s.reason
        assert titles[GROKKING[2]][:20] not in s.reason, s.reason
        assert "3★" not in s.reason
        if s.reason.startswith("Like "):
            assert titles[GROKKING[0]][:20] in s.reason and "(5★)" in s.reason


def test_the_first_picks_on_a_fresh_install_have_a_reason(svc: Service) -> None:
    today = svc.today()
    assert today.cold_start and today.starters
    assert set(today.starter_reasons) == {p.id for p in today.starters}
    reasons = list(today.starter_reasons.values())
    assert all(r.startswith("A starter: central to ") and '"' in r for r in reasons)
    assert sum("the catalog's main topic" in r for r in reasons) == 1


def test_the_profile_shows_what_suggestions_learn_from(svc: Service) -> None:
    svc.rate(GROKKING[0], 5)
    svc.rate(ROBOTICS, 1)
    svc.rate(GROKKING[1], 3)
    svc.steer(GROKKING[2], "more")
    svc.add_interests(["lottery tickets"])
    profile = svc.profile()
    assert [p.id for p in profile.liked] == [GROKKING[0]]
    assert [p.id for p in profile.disliked] == [ROBOTICS]
    assert [(s.paper.id, s.direction) for s in profile.steering] == [(GROKKING[2], "more")]
    assert profile.interests == ["lottery tickets"]
    terms = [t for t, _ in profile.toward]
    assert "grokking" in terms and profile.toward[0][1] == 1.0
    assert profile.away and all(w < 0 for _, w in profile.away)


def test_the_profiles_terms_name_topics_not_prose(svc: Service) -> None:
    """The snapshot's profile listed "et" and "al" (abstracts cite "et al."): the ranker
    keeps them, the list of what the profile is made of does not."""
    svc.rate(GROKKING[0], 5)
    svc.rate(ROBOTICS, 5)
    svc.rate(5, 1)
    svc.rate(8, 2)
    profile = svc.profile(terms=40)
    for term, _ in [*profile.toward, *profile.away]:
        assert not set(term.split()) <= GENERIC, term


# The CLI ------------------------------------------------------------------------------


def run(db_path: Path, clock, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        cli, ["--db", str(db_path), *args], obj={"clock": clock, "tz": datetime.UTC}
    )


def test_cli_more_less_and_the_profile(db_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    cold = run(db_path, clock, "suggest")
    assert cold.exit_code == 0 and "A starter: central to the catalog's main topic" in cold.output
    starters = json.loads(run(db_path, clock, "suggest", "--json").output)["starters"]
    assert all(s["reason"].startswith("A starter") for s in starters)

    assert run(db_path, clock, "rate", str(GROKKING[0]), "5").exit_code == 0
    more = run(db_path, clock, "more", str(GROKKING[1]))
    assert more.exit_code == 0 and f"[{GROKKING[1]}] more like this" in more.output
    assert run(db_path, clock, "less", str(ROBOTICS)).exit_code == 0
    assert steering_rows(db_path) == [(GROKKING[1], "more"), (ROBOTICS, "less")]

    shown = run(db_path, clock, "interests")
    assert shown.exit_code == 0, shown.output
    for part in ("Interests: none", "Steering (2)", "more like:", "less like:", "Liked (1)"):
        assert part in shown.output
    assert "Top terms: " in shown.output and "+1.00" in shown.output

    # An unknown id among several refuses the command whole: the first is not steered.
    partial = run(db_path, clock, "more", str(GROKKING[2]), "99999")
    assert partial.exit_code != 0 and "no paper with id 99999" in str(partial.exception)
    assert steering_rows(db_path) == [(GROKKING[1], "more"), (ROBOTICS, "less")]

    wrong = run(db_path, clock, "less", "--remove", str(GROKKING[1]))
    assert wrong.exit_code != 0 and "is not steered less" in str(wrong.exception)
    assert "Traceback" not in wrong.output

    twice = run(db_path, clock, "more", str(GROKKING[1]), str(GROKKING[1]))
    assert twice.exit_code == 0 and twice.output.count("more like this:") == 1
    assert run(db_path, clock, "more", "--remove", str(GROKKING[1])).exit_code == 0
    data = json.loads(run(db_path, clock, "interests", "--json").output)
    assert data["steering"] == [
        {"id": ROBOTICS, "title": data["steering"][0]["title"], "direction": "less"}
    ]
    assert [p["id"] for p in data["liked"]] == [GROKKING[0]]
    assert data["terms"] and data["terms"][0]["weight"] == 1.0


def test_a_merge_keeps_the_steering_and_a_deleted_paper_takes_it_along(svc: Service) -> None:
    keep, drop = svc.store.ingest.add(
        [PaperRecord(title="Sheaf networks"), PaperRecord(title="Sheaf networks, again")],
        now=svc.clock(),
    ).added
    svc.steer(drop, "more")
    svc.store.merges.merge_papers(keep, drop)
    assert svc.steering_of(keep) == "more"
    assert [s.paper.id for s in svc.profile().steering] == [keep]
    with svc.store.conn.write() as conn:
        conn.execute("DELETE FROM papers WHERE id = ?", [keep])
    assert svc.profile().steering == []


def test_a_saved_reason_stops_calling_a_paper_liked_once_it_is_rated_3(svc: Service) -> None:
    """Today's list is kept all day: a reason made while a paper was rated 5 must not keep
    calling it liked after the user re-rates it 3 stars."""
    svc.rate(GROKKING[0], 5)
    svc.rate(ROBOTICS, 5)
    title = svc.paper(GROKKING[0]).title[:20]
    made = svc.today(n=8).suggestions
    citing = [s for s in made if title in s.reason]
    assert citing and all("(5★)" in s.reason for s in citing)
    svc.rate(GROKKING[0], 3)
    now = {s.paper.id: s.reason for s in svc.today(n=8).suggestions}
    for s in citing:
        assert title not in now[s.paper.id] and "; about " in now[s.paper.id]
    assert svc.saved_today() is not None
    assert all(title not in s.reason for s in svc.saved_today().suggestions)  # type: ignore[union-attr]


def test_restate_keeps_a_reason_whose_papers_are_still_liked() -> None:
    from reader.recommend import restate

    reason = 'Like "Graph paper" (5★) +1 more; about graph, neural networks'
    titles = {1: "Graph paper", 2: "Other paper"}
    assert restate(reason, (1, 2), titles, {1: 5, 2: 4}) == reason
    assert restate(reason, (1, 2), titles, {1: 4, 2: 4}) == reason.replace("5★", "4★")
    assert restate("Matches your interests; about x", (), titles, {}) == (
        "Matches your interests; about x"
    )
    assert restate(reason, (1, 2), titles, {1: 3, 2: 4}) == (
        'Like "Other paper" (4★); about graph, neural networks'
    )
    assert restate(reason, (1, 2), titles, {1: 3}, more={2}) == (
        'More like "Other paper", as you asked; about graph, neural networks'
    )
    assert (
        restate(reason, (1, 2), titles, {})
        == "Matches your interests; about graph, neural networks"
    )


def test_the_service_and_the_recommender_agree_on_liked() -> None:
    from reader.recommend.explain import LIKED_STARS
    from reader.service import suggest as suggesting

    assert suggesting.LIKED_STARS == LIKED_STARS


def test_with_no_interests_no_reason_claims_to_match_them(svc: Service) -> None:
    """Only a 3-star rating and a paper being read: nothing may be called liked, and there
    are no interests for a pick to match."""
    svc.rate(GROKKING[0], 3)
    svc.set_status(GROKKING[1], "reading")
    reasons = [s.reason for s in svc.today().suggestions]
    assert reasons
    for reason in reasons:
        assert reason.startswith(("Close to your reading", "Exploration")), reason
    svc.add_interests(["grokking"])
    assert svc.refresh_suggestions().suggestions[0].reason.startswith("Matches your interests")
