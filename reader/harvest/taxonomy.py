"""arXiv's subject taxonomy, shipped as data (``arxiv_taxonomy.json``): category codes
with their names and archives, archives with their groups. Pure: no network, no clock.

The data is arXiv's own list (``arxiv/taxonomy/definitions.py`` in arXiv's arxiv-base;
the file's ``source`` names the commit), active entries only. A subscription may name a
category (``cs.LG``) or a whole archive (``hep-th``, ``cs``): both have a feed.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = [
    "Category",
    "Taxonomy",
    "UnknownCategory",
    "load_taxonomy",
]


class UnknownCategory(ValueError):
    """Not an arXiv category or archive; the message is one line, with suggestions."""


@dataclass(frozen=True)
class Category:
    code: str
    """As arXiv writes it: ``cs.LG``, ``hep-th``, ``cs`` (a whole archive)."""
    name: str
    archive: str
    group: str

    @property
    def oai_set(self) -> str:
        """The OAI-PMH set of this category: ``cs:cs:LG``, ``physics:astro-ph:GA``,
        ``physics:hep-th``; a whole archive is ``cs:cs`` or ``physics:cond-mat``."""
        subject = self.code.split(".", 1)[1] if "." in self.code else ""
        parts = [self.group, self.archive] + ([subject] if subject else [])
        return ":".join(parts)


class Taxonomy:
    """Look-ups over the shipped taxonomy."""

    def __init__(
        self,
        categories: dict[str, Category],
        aliases: dict[str, str],
        groups: dict[str, str],
    ) -> None:
        self._categories = categories
        self._aliases = aliases
        self._groups = groups
        self._by_lower = {code.lower(): code for code in categories}

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._categories

    def __len__(self) -> int:
        return len(self._categories)

    def get(self, code: str) -> Category | None:
        return self._categories.get(code)

    def name(self, code: str) -> str:
        """The category's name, or the code itself when unknown (old data, a retired code)."""
        category = self._categories.get(code)
        return category.name if category else code

    def group_name(self, group: str) -> str:
        return self._groups.get(group, group)

    def validate(self, text: str) -> Category:
        """The category ``text`` names, forgiving case and arXiv's aliases.

        Raises:
            UnknownCategory: with up to three close matches ("did you mean").
        """
        code = text.strip()
        if code in self._categories:
            return self._categories[code]
        known = self._by_lower.get(code.lower())
        if known is not None:
            return self._categories[known]
        alias = {k.lower(): v for k, v in self._aliases.items()}.get(code.lower())
        if alias is not None and alias in self._categories:
            return self._categories[alias]
        shown = code or "(empty)"
        # The same subject in another archive first (cs.ML -> stat.ML), then look-alikes.
        subject = code.lower().rpartition(".")[2]
        same = [c for c in self._by_lower if "." in c and subject and c.endswith("." + subject)]
        alike = difflib.get_close_matches(code.lower(), list(self._by_lower), n=3, cutoff=0.6)
        close = list(dict.fromkeys(same + alike))[:3]
        if close:
            hint = ", ".join(self._by_lower[c] for c in close)
            raise UnknownCategory(f"{shown}: not an arXiv category; did you mean {hint}?")
        raise UnknownCategory(
            f"{shown}: not an arXiv category (e.g. cs.LG, stat.ML, math.ST, hep-th; "
            "see https://arxiv.org/category_taxonomy)"
        )


@cache
def load_taxonomy() -> Taxonomy:
    """The shipped taxonomy (read once per process)."""
    text = resources.files("reader.harvest").joinpath("arxiv_taxonomy.json").read_text("utf-8")
    raw = json.loads(text)
    archives: dict[str, dict[str, str]] = raw["archives"]
    categories = {
        code: Category(code, entry["name"], entry["archive"], archives[entry["archive"]]["group"])
        for code, entry in raw["categories"].items()
    }
    for code, entry in archives.items():
        # A whole archive is subscribable too (its feed is {base}/atom/hep-th or /atom/cs).
        categories.setdefault(code, Category(code, entry["name"], code, entry["group"]))
    return Taxonomy(categories, dict(raw["aliases"]), dict(raw["groups"]))
