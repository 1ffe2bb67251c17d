"""The shipped arXiv taxonomy: look-ups, validation with "did you mean", OAI-PMH sets."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from reader.harvest.taxonomy import UnknownCategory, load_taxonomy


@pytest.mark.parametrize(
    ("code", "name", "archive", "group"),
    [
        ("cs.LG", "Machine Learning", "cs", "cs"),
        ("stat.ML", "Machine Learning", "stat", "stat"),
        ("math.ST", "Statistics Theory", "math", "math"),
        ("hep-th", "High Energy Physics - Theory", "hep-th", "physics"),
        ("astro-ph.GA", "Astrophysics of Galaxies", "astro-ph", "physics"),
        ("physics.bio-ph", "Biological Physics", "physics", "physics"),
        ("q-bio.NC", "Neurons and Cognition", "q-bio", "q-bio"),
        ("econ.EM", "Econometrics", "econ", "econ"),
        ("cs", "Computer Science", "cs", "cs"),
        ("cond-mat", "Condensed Matter", "cond-mat", "physics"),
    ],
)
def test_known_categories(code: str, name: str, archive: str, group: str) -> None:
    category = load_taxonomy().validate(code)

    assert (category.code, category.name, category.archive, category.group) == (
        code,
        name,
        archive,
        group,
    )


@pytest.mark.parametrize(
    ("code", "oai_set"),
    [
        ("cs.LG", "cs:cs:LG"),
        ("stat.ML", "stat:stat:ML"),
        ("astro-ph.GA", "physics:astro-ph:GA"),
        ("hep-th", "physics:hep-th"),
        ("physics.flu-dyn", "physics:physics:flu-dyn"),
        ("q-bio.BM", "q-bio:q-bio:BM"),
        ("cs", "cs:cs"),
    ],
)
def test_oai_sets(code: str, oai_set: str) -> None:
    assert load_taxonomy().validate(code).oai_set == oai_set


@pytest.mark.parametrize(
    ("given", "code"),
    [("cs.lg", "cs.LG"), ("  STAT.ML ", "stat.ML"), ("HEP-TH", "hep-th"), ("math.mp", "math.MP")],
)
def test_case_and_spacing_are_forgiven(given: str, code: str) -> None:
    assert load_taxonomy().validate(given).code == code


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("cs.LGG", "cs.LGG: not an arXiv category; did you mean cs.LG, "),
        ("cs.ML", "cs.ML: not an arXiv category; did you mean stat.ML, "),
        ("physics.bio", "physics.bio: not an arXiv category; did you mean physics.bio-ph"),
        ("xyz", "xyz: not an arXiv category (e.g. cs.LG, stat.ML"),
        ("", "(empty): not an arXiv category"),
    ],
)
def test_unknown_category_is_one_line_with_suggestions(given: str, message: str) -> None:
    with pytest.raises(UnknownCategory) as info:
        load_taxonomy().validate(given)

    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_the_data_file_is_arxivs_active_list() -> None:
    raw = json.loads(
        resources.files("reader.harvest").joinpath("arxiv_taxonomy.json").read_text("utf-8")
    )
    taxonomy = load_taxonomy()

    assert "arxiv-base" in raw["source"]
    assert len(raw["categories"]) >= 150
    assert set(raw["groups"]) == {"cs", "econ", "eess", "math", "physics", "q-bio", "q-fin", "stat"}
    # Every category lives in a known archive, every archive in a known group.
    assert all(entry["archive"] in raw["archives"] for entry in raw["categories"].values())
    assert all(entry["group"] in raw["groups"] for entry in raw["archives"].values())
    assert all(canonical in taxonomy for canonical in raw["aliases"].values())
    assert taxonomy.name("cs.CV") == "Computer Vision and Pattern Recognition"
    assert taxonomy.name("funny.XX") == "funny.XX"
