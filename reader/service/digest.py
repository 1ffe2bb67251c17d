"""``reader digest``: the picks of one or more announcement days as Markdown or HTML, for a
mail or a notes folder.

Titles, authors and reasons come from outside: Markdown gets its special characters
escaped (a title holding ``[x](y)`` stays text), HTML gets :func:`html.escape`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import date

from reader.models import Paper
from reader.when import WhenError, parse_period

from .context import ServiceError
from .inbox import ArrivalView, InboxDay
from .links import paper_url

FORMATS = ("markdown", "html")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~-])")


def since_day(text: str, today: date) -> date:
    """The first day of a digest from what the user typed: a day (2026-03-01) or how
    long ago (1 week: on a Tuesday, the Tuesday before too, seven announcement days)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        pass
    try:
        return today - parse_period(text)
    except WhenError:
        raise ServiceError(f"{text!r}: give a day (2026-03-01) or a period (1 week)") from None


def _md(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _authors(paper: Paper, most: int = 3) -> str:
    names = list(paper.authors)
    shown = ", ".join(names[:most])
    return shown + (" et al." if len(names) > most else "")


def render_digest(days: Sequence[InboxDay], fmt: str = "markdown") -> str:
    """The digest of ``days`` (oldest first) in ``fmt`` (markdown or html)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown digest format {fmt!r}: use {' or '.join(FORMATS)}")
    return _html(days) if fmt == "html" else _markdown(days)


def _rest(day: InboxDay) -> int:
    """The day's papers still waiting in the inbox beside the picks (triaged ones are
    not "more in the inbox")."""
    return len(day.waiting) - len(day.picks)


def _no_picks(day: InboxDay) -> str:
    """Why a day has no picks: it said "rate a few papers" to a user with ratings whose
    inbox was simply all triaged."""
    if day.arrivals and not day.waiting:
        return "No picks: every paper of the day is triaged."
    return "No picks: none of the day's papers is a strong match for what you like."


def _markdown(days: Sequence[InboxDay]) -> str:
    lines = ["# reader digest", ""]
    if not days:
        lines.append("Nothing arrived in this period.")
    for day in days:
        lines += [f"## {_md(day.headline)}", ""]
        if not day.picks:
            lines += [_no_picks(day), ""]
        for a in day.picks:
            lines.append(_markdown_item(a))
        if day.picks:
            lines.append("")
        if _rest(day):
            lines += [f"…and {_rest(day)} more in `reader inbox`.", ""]
    return "\n".join(lines).rstrip() + "\n"


def _markdown_item(a: ArrivalView) -> str:
    title = _md(a.paper.title)
    url = paper_url(a.paper)
    head = f"[{title}](<{url}>)" if url else title
    details = [x for x in (_md(_authors(a.paper)), _md(" ".join(a.categories))) if x]
    text = f"- **{head}**" + (f" — {'; '.join(details)}" if details else "")
    return text + (f"  \n  _{_md(a.reason)}_" if a.reason else "")


def _html(days: Sequence[InboxDay]) -> str:
    e = html.escape
    parts = [
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>reader digest</title>'
        "</head><body>",
        "<h1>reader digest</h1>",
    ]
    if not days:
        parts.append("<p>Nothing arrived in this period.</p>")
    for day in days:
        parts.append(f"<h2>{e(day.headline)}</h2>")
        if not day.picks:
            parts.append(f"<p>{e(_no_picks(day))}</p>")
        else:
            parts.append("<ul>")
            for a in day.picks:
                url = paper_url(a.paper)
                title = e(" ".join(a.paper.title.split()))
                head = f'<a href="{e(url)}">{title}</a>' if url else title
                meta = "; ".join(x for x in (_authors(a.paper), " ".join(a.categories)) if x)
                reason = f"<br><em>{e(a.reason)}</em>" if a.reason else ""
                parts.append(f"<li><strong>{head}</strong> — {e(meta)}{reason}</li>")
            parts.append("</ul>")
        if _rest(day):
            parts.append(f"<p>…and {_rest(day)} more in <code>reader inbox</code>.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
