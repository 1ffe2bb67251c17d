"""The recommender: pure functions of (catalog features, feedback, day, seed).

No SQL, files, clock or global random state here; the service layer loads the catalog and the
feedback, persists :meth:`Features.to_bytes`, and stores each day's list.

The names below are imported when first used, not with the package: the feature build's
worker processes import :mod:`reader.recommend.terms` and would otherwise load the ranking
and scikit-learn too (~65 MB each) for nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_HOME = {
    "EvalReport": "evaluate",
    "leave_one_out": "evaluate",
    "named_papers": "explain",
    "reason_text": "explain",
    "restate": "explain",
    "starter_reasons": "explain",
    "Features": "features",
    "add_items": "features",
    "append_rows": "features",
    "build_features": "features",
    "outgrown": "features",
    "CatalogItem": "terms",
    "FOR_YOU_SCORE": "rank",
    "Suggestion": "rank",
    "copies": "rank",
    "feedback_weights": "rank",
    "for_you": "rank",
    "rank_among": "rank",
    "score_catalog": "rank",
    "starter_picks": "rank",
    "suggest": "rank",
    "TasteTerms": "taste",
    "taste_terms": "taste",
    "unmatched_interests": "taste",
}
"""Each public name and the module that defines it."""

__all__ = [
    "CatalogItem",
    "EvalReport",
    "FOR_YOU_SCORE",
    "Features",
    "Suggestion",
    "TasteTerms",
    "add_items",
    "append_rows",
    "build_features",
    "copies",
    "feedback_weights",
    "for_you",
    "leave_one_out",
    "named_papers",
    "outgrown",
    "rank_among",
    "reason_text",
    "restate",
    "score_catalog",
    "starter_picks",
    "starter_reasons",
    "suggest",
    "taste_terms",
    "unmatched_interests",
]


def __getattr__(name: str) -> object:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value  # found directly from now on
    return value


if TYPE_CHECKING:
    from reader.recommend.evaluate import EvalReport, leave_one_out
    from reader.recommend.explain import (
        named_papers,
        reason_text,
        restate,
        starter_reasons,
    )
    from reader.recommend.features import (
        Features,
        add_items,
        append_rows,
        build_features,
        outgrown,
    )
    from reader.recommend.rank import (
        FOR_YOU_SCORE,
        Suggestion,
        copies,
        feedback_weights,
        for_you,
        rank_among,
        score_catalog,
        starter_picks,
        suggest,
    )
    from reader.recommend.taste import TasteTerms, taste_terms, unmatched_interests
    from reader.recommend.terms import CatalogItem
