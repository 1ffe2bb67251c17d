"""The rest of what the CLI does, from the palette: the arXiv feeds and a fetch now, the
digest, enrich, the doctor, the recommender's index, renaming a tag, the seed catalog and
new collections. Like ``tasks.py``: each asks in a dialog, calls the service and says what
happened. Slow ones (the network, a rebuild, the doctor) run in a thread worker on a
connection of their own and show their progress in the header.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.service import StoreError

from .modals.choice import ChoiceScreen, PromptScreen
from .modals.confirm import ConfirmScreen
from .text import clean, short

if TYPE_CHECKING:
    from reader.service import DoctorReport, EnrichResult, Service

    from .app import ReaderApp
    from .commands import Command

FEED_KINDS = {
    "category": "arXiv categories (cs.LG stat.ML, or an archive: hep-th)",
    "query": 'a saved arXiv search (ti:grokking OR abs:"double descent")',
    "author": "an author (Jacot, Arthur)",
}
DIGEST_EXTENSIONS = {"markdown": ".md", "html": ".html"}
SHOWN_LINES = 14
"""Lines of a report (doctor, enrich) shown in its dialog; the rest are counted."""


def reach_commands(app: ReaderApp) -> Iterator[Command]:
    more = Reach(app)
    yield "Feeds: follow…", "A category, saved search or author for the daily inbox", more.follow
    yield "Feeds: list and unfollow…", "What the inbox follows; Enter stops one", more.feeds
    yield "Fetch arXiv now", "Today's announcements and missed days, now", more.fetch
    yield "Digest: write…", "The day's picks (or since a day) as Markdown or HTML", more.digest
    yield "Enrich: find arXiv ids…", "arXiv id, authors, year for papers lacking them", more.enrich
    yield "Doctor: check the database", "Integrity, search index, links; repair", more.doctor
    yield "Index: rebuild", "Rebuild the recommender's index of the catalog", more.rebuild_index
    yield "Tags: rename…", "Rename a tag (merged into the new name if it exists)", more.rename_tag
    yield "Seed catalog: load again", "The shipped papers (adds nothing twice)", more.seed
    yield "Collections: new…", "A named, ordered reading list", more.new_collection


class Reach:
    def __init__(self, app: ReaderApp) -> None:
        self.app = app

    @property
    def service(self) -> Service:
        return self.app.service

    def _say(self, message: str, title: str = "", severity: str = "information") -> None:
        self.app.notify(message, title=title, markup=False, severity=severity)  # type: ignore[arg-type]

    def _report(self, title: str, lines: list[str]) -> None:
        """A long outcome in a dialog the user closes (a notification would cut it)."""
        shown = [clean(line, newlines=False) for line in lines[:SHOWN_LINES]]
        if len(lines) > SHOWN_LINES:
            shown.append(f"… and {len(lines) - SHOWN_LINES} more")
        self.app.push_screen(ConfirmScreen("\n".join([title, "", *shown]), yes="OK", no="Close"))

    def _in_worker(
        self,
        what: str,
        job: Callable[[Service, Callable[[str], None]], Any],
        done: Callable[[Any], None],
        group: str,
    ) -> None:
        """Run ``job(service, progress)`` in a thread on a connection of its own; progress
        in the header, ``done(result)`` back on the UI thread, a failure said."""
        app = self.app

        def progress(message: str) -> None:
            app.call_from_thread(
                setattr, app, "title", f"reader · {clean(message, newlines=False)[:70]}"
            )

        def work() -> None:
            try:
                service = app.open_connection()
            except StoreError as error:
                app.call_from_thread(self._failed, what, str(error))
                return
            try:
                result = job(service, progress)
            except StoreError as error:
                app.call_from_thread(self._failed, what, str(error))
                return
            finally:
                service.close()
            app.call_from_thread(self._finished, done, result)

        app.title = f"reader · {what}…"
        app.run_worker(work, thread=True, group=group, exclusive=True, exit_on_error=False)

    def _failed(self, what: str, message: str) -> None:
        self.app.title = "reader"
        self._say(message, title=f"Could not {what}", severity="error")

    def _finished(self, done: Callable[[Any], None], result: Any) -> None:
        self.app.title = "reader"
        done(result)

    # Feeds ----------------------------------------------------------------------------

    def follow(self) -> None:
        def kind_chosen(kind: str | None) -> None:
            if kind is not None:
                self.app.push_screen(
                    PromptScreen(
                        f"Follow {FEED_KINDS[kind]}", FEED_KINDS[kind].split("(")[-1][:-1]
                    ),
                    lambda text: entered(kind, text),
                )

        def entered(kind: str, text: str | None) -> None:
            if not text or not text.strip():
                return
            values = text.split() if kind == "category" else [text]
            inbox = self.service.inbox
            subs = self.app.attempt(
                "follow",
                inbox.subscriptions_from,
                values if kind == "category" else (),
                values if kind == "query" else (),
                values if kind == "author" else (),
            )
            if not subs:
                return
            added = self.app.attempt("follow", inbox.add, subs)
            if added is not None:
                lines = [
                    ("following " if new else "already following ") + inbox.describe(sub)
                    for sub, new in added
                ]
                self._say("\n".join(lines), title="Feeds")

        choices = [(kind, about) for kind, about in FEED_KINDS.items()]
        self.app.push_screen(ChoiceScreen("Follow what?", choices), kind_chosen)

    def feeds(self) -> None:
        inbox = self.service.inbox
        subs = self.app.attempt("list the feeds", inbox.subscriptions)
        if subs is None:
            return
        if not subs:
            self._say("Following nothing yet: 'Feeds: follow…' adds one.", title="Feeds")
            return
        last = self.app.attempt("read the last fetch", inbox.feeds.last_harvest)
        when = last.isoformat() if last else "never"
        choices = [(f"{s.kind}\x00{s.value}", inbox.describe(s)) for s in subs]

        def chosen(value: str | None) -> None:
            if value is None:
                return
            kind, _, text = value.partition("\x00")
            sub = next(s for s in subs if s.kind == kind and s.value == text)
            self.app.push_screen(
                ConfirmScreen(f"Stop following {inbox.describe(sub)}?", yes="Unfollow", no="Keep"),
                lambda yes: unfollow(sub) if yes else None,
            )

        def unfollow(sub) -> None:  # type: ignore[no-untyped-def]
            if self.app.attempt("unfollow", inbox.remove, [sub]) is not None:
                self._say(f"stopped following {inbox.describe(sub)}", title="Feeds")

        self.app.push_screen(
            ChoiceScreen(f"Followed (last fetched: {when}); Enter: unfollow…", choices), chosen
        )

    def fetch(self) -> None:
        """The same fetch the app runs at start when arXiv has announced, asked for now."""
        self.app.fetch_arxiv(force=True)

    # Digest ---------------------------------------------------------------------------

    def digest(self) -> None:
        def formatted(fmt: str | None) -> None:
            if fmt is not None:
                self.app.push_screen(
                    PromptScreen("Since (empty: the latest day)", "1 week, 2026-03-01"),
                    lambda since: dated(fmt, since),
                )

        def dated(fmt: str, since: str | None) -> None:
            if since is None:
                return
            default = Path.home() / f"reader-digest{DIGEST_EXTENSIONS[fmt]}"
            self.app.push_screen(
                PromptScreen("Write the digest to this file", str(default), str(default)),
                lambda path: written(fmt, since, path),
            )

        def written(fmt: str, since: str, path: str | None) -> None:
            if not path or not path.strip():
                return
            target = Path(path.strip()).expanduser()

            def write(service: Service, progress: Callable[[str], None]) -> Path:
                # Days not ranked before have papers to read closely: seconds, in a thread.
                def reading(done: int, total: int | None) -> None:
                    progress(_counted("reading papers closely", done, total))

                return service.write_digest(target, since, fmt=fmt, progress=reading)

            self._in_worker(
                "write the digest",
                write,
                lambda done: self._say(str(done), title=f"Digest written ({fmt})"),
                "digest",
            )

        choices = [("markdown", "Markdown (for notes)"), ("html", "HTML (for a mail)")]
        self.app.push_screen(ChoiceScreen("Digest format", choices), formatted)

    # Online and maintenance -----------------------------------------------------------

    def enrich(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._in_worker(
                    "enrich",
                    lambda service, progress: service.enrich(progress=progress),
                    self._enriched,
                    "enrich",
                )

        self.app.push_screen(
            ConfirmScreen(
                "Look up every paper with neither an arXiv id nor a DOI on arXiv, by title "
                "(one request every 3 seconds)? Only near-exact titles are taken; only what "
                "a paper lacks is filled in.",
                yes="Enrich",
                no="Cancel",
            ),
            answered,
        )

    def _enriched(self, results: list[EnrichResult]) -> None:
        self.app.papers_changed()
        if not results:
            self._say("Every paper has an arXiv id or a DOI already.", title="Enrich")
            return
        matched = sum(1 for r in results if r.outcome == "matched")
        lines = [
            f"{r.outcome}: {short(r.title, 60)}"
            + (f" → {r.arxiv_id}" if r.arxiv_id else "")
            + (f" ({r.error})" if r.error else "")
            for r in results
        ]
        self._report(f"Enrich: {matched} of {len(results)} matched", lines)

    def doctor(self) -> None:
        self._in_worker(
            "check the database",
            lambda service, progress: service.doctor(progress=progress),
            self._checked,
            "doctor",
        )

    def _checked(self, report: DoctorReport) -> None:
        if report.healthy:
            self._say("Every check passed.", title="Doctor")
            return
        lines = []
        for finding in report.findings:
            if not finding.ok:
                lines.append(f"{finding.check}: {'; '.join(finding.details[:3]) or 'failed'}")
        repairable = any(f.repairable for f in report.findings if not f.ok)
        if not repairable:
            self._report("Doctor: problems found (none can be repaired here)", lines)
            return
        lines.append("")
        lines.append(
            "Repair? The database is copied to the backups folder first; only "
            "derived data (search index, feature cache, dangling links) is rebuilt."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._in_worker(
                    "repair the database",
                    lambda service, progress: service.doctor(repair=True, progress=progress),
                    self._repaired,
                    "doctor",
                )

        self.app.push_screen(ConfirmScreen("\n".join(lines), yes="Repair", no="Leave"), answered)

    def _repaired(self, report: DoctorReport) -> None:
        self.app.papers_changed()
        lines = list(report.repaired) or ["nothing needed repairing"]
        if report.backup is not None:
            lines.append(f"copy before: {report.backup.name}")
        state = "healthy now" if report.healthy else "problems remain"
        self._report(f"Doctor: {state}", lines)

    def rebuild_index(self) -> None:
        app = self.app

        def work() -> None:
            def progress(done: int, total: int | None) -> None:
                shown = _counted("indexing papers", done, total)
                app.call_from_thread(setattr, app, "title", f"reader · {shown}")

            try:
                with app.suggester() as service:
                    features = service.features(progress=progress, rebuild=True)
            except StoreError as error:
                app.call_from_thread(self._failed, "rebuild the index", str(error))
                return
            app.call_from_thread(self._finished, self._indexed, len(features.ids))

        app.title = "reader · rebuilding the recommender's index…"
        app.run_worker(work, thread=True, group="index", exclusive=True, exit_on_error=False)

    def download_pdf(self, paper_id: int, then: Callable[[], None]) -> None:
        """``reader pdf``: the paper's PDF into the data folder (once), then ``then()``."""

        def done(result: tuple[Path, bool]) -> None:
            path, new = result
            self._say(str(path), title="PDF downloaded" if new else "PDF already here")
            then()

        self._in_worker(
            "download the PDF",
            lambda service, progress: service.download_pdf(paper_id),
            done,
            "pdf",
        )

    def _indexed(self, papers: int) -> None:
        self._say(f"Index ready: {papers:,} papers.", title="Index")

    # Library-wide ---------------------------------------------------------------------

    def rename_tag(self) -> None:
        tags = self.app.attempt("load tags", self.service.tags)
        if tags is None:
            return
        if not tags:
            self._say("No tags yet: open a paper and press +.", title="Tags")
            return

        def chosen(old: str | None) -> None:
            if old is not None:
                self.app.push_screen(
                    PromptScreen(f"Rename the tag {old!r} to", "new name", old),
                    lambda new: renamed(old, new),
                )

        def renamed(old: str, new: str | None) -> None:
            if not new or not new.strip() or new.strip() == old:
                return

            def rename() -> bool:
                self.service.rename_tag(old, new.strip())
                return True  # attempt() says None when it failed

            if not self.app.attempt("rename the tag", rename):
                return
            self.app.papers_changed()
            self._say(f"{old} → {new.strip()}", title="Tag renamed")

        choices = [(name, f"{name}  ({n})") for name, n in tags]
        self.app.push_screen(ChoiceScreen("Rename which tag?", choices), chosen)

    def seed(self) -> None:
        result = self.app.attempt("load the seed catalog", self.service.seed)
        if result is not None:
            self.app.papers_changed()
            self._say(
                f"{len(result.added)} added, {len(result.existing)} already present",
                title="Seed catalog",
            )

    def new_collection(self) -> None:
        def entered(name: str | None) -> None:
            if not name or not name.strip():
                return
            made = self.app.attempt("make the collection", self.service.collecting.create, name)
            if made is not None:
                from .screens.collection import CollectionScreen

                self._say(f"{made}: empty; add papers with C on a paper.", title="Collection")
                self.app.push_screen(CollectionScreen(made))

        self.app.push_screen(PromptScreen("New collection", "Thesis ch. 2"), entered)


def _counted(what: str, done: int, total: int | None) -> str:
    """ "indexing papers 1,200/5,000", or without the total when it is not known."""
    return f"{what} {done:,}/{total:,}" if total else f"{what} {done:,}"
