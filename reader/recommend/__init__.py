"""The recommender: pure functions of (catalog features, feedback, day, seed).

No SQL, files, clock or global random state here; the service layer loads the catalog and the
feedback, persists :meth:`Features.to_bytes`, and stores each day's list.
"""

from reader.recommend.evaluate import EvalReport, leave_one_out
from reader.recommend.explain import (
    named_papers,
    reason_text,
    restate,
    starter_reasons,
    still_named,
)
from reader.recommend.features import (
    CatalogItem,
    Features,
    add_items,
    append_rows,
    build_features,
)
from reader.recommend.rank import (
    FOR_YOU_SCORE,
    Suggestion,
    feedback_weights,
    rank_among,
    score_catalog,
    starter_picks,
    suggest,
)
from reader.recommend.taste import TasteTerms, taste_terms

__all__ = [
    "FOR_YOU_SCORE",
    "CatalogItem",
    "EvalReport",
    "Features",
    "Suggestion",
    "TasteTerms",
    "add_items",
    "append_rows",
    "build_features",
    "feedback_weights",
    "leave_one_out",
    "named_papers",
    "rank_among",
    "reason_text",
    "restate",
    "score_catalog",
    "starter_picks",
    "starter_reasons",
    "still_named",
    "suggest",
    "taste_terms",
]
