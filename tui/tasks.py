"""What the CLI does that is not tied to one screen, from the palette: interests, vacation,
backups, duplicates, export. Each asks in a dialog, calls the service once and says what
happened; no logic of its own (the service checks every value).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reader.models import PaperQuery, Status

from .modals.choice import ChoiceScreen, PromptScreen
from .modals.confirm import ConfirmScreen
from .text import short

if TYPE_CHECKING:
    from .app import ReaderApp
    from .commands import Command

EVERY_PAPER = "\x00every"
"""The "every paper" choice in the export's tag list (no tag can be this)."""
EXTENSIONS = {"bibtex": ".bib", "ris": ".ris", "csv": ".csv", "json": ".json", "markdown": ""}
PREVIEW_GROUPS = 12
"""Duplicate groups listed in the preview (the count says how many there are)."""


STATUS = "\x00status:"
STARS = "\x00stars:"
"""The export's other choices: papers of one status, papers rated at least n stars."""


def selected(choice: str) -> PaperQuery:
    """The papers an export choice names (see ``Tasks.export``)."""
    if choice == EVERY_PAPER:
        return PaperQuery()
    if choice.startswith(STATUS):
        return PaperQuery(status=Status(choice.removeprefix(STATUS)))
    if choice.startswith(STARS):
        return PaperQuery(stars=int(choice.removeprefix(STARS)))
    return PaperQuery(tag=choice)


def split_terms(text: str) -> list[str]:
    """Interests typed as "causal inference, domain generalization"."""
    return [" ".join(t.split()) for t in text.split(",") if t.strip()]


def task_commands(app: ReaderApp) -> Iterator[Command]:
    tasks = Tasks(app)
    yield "Interests: set…", "What to suggest before any rating (comma separated)", tasks.interests
    yield "Profile: what suggestions learn from", "Terms, interests, steering", tasks.profile
    yield "Vacation…", "Postpone the re-reads that fall due, spread them out after", tasks.vacation
    yield "Back up now", "A consistent copy of the database in the backups folder", tasks.backup
    yield "Backups: list and restore", "Every backup, newest first", tasks.list_backups
    yield "Duplicates: preview and merge…", "Papers stored twice, merged on confirm", tasks.dedupe
    yield "Export…", "BibTeX, RIS, CSV, JSON, Markdown; all, a status, stars, a tag", tasks.export
    yield "Collections: open…", "A named reading list, in your order", tasks.open_collection
    from .reach import reach_commands  # the rest of the CLI, loaded when the palette opens

    yield from reach_commands(app)


def _export_formats() -> tuple[str, ...]:
    # The service's module, loaded when asked (the app starts before the service loads).
    from reader.service.exporting import EXPORT_FORMATS

    return tuple(EXPORT_FORMATS)


class Tasks:
    def __init__(self, app: ReaderApp) -> None:
        self.app = app

    @property
    def service(self):  # type: ignore[no-untyped-def]
        return self.app.service

    def _say(self, message: str, title: str = "") -> None:
        self.app.notify(message, title=title, markup=False)

    # Interests ------------------------------------------------------------------------

    def profile(self) -> None:
        from .screens.profile import ProfileScreen

        self.app.push_screen(ProfileScreen())

    def interests(self) -> None:
        current = self.app.attempt("load interests", self.service.interests)
        if current is None:
            return

        def entered(text: str | None) -> None:
            if text is None:
                return
            wanted = split_terms(text)
            gone = [t for t in current if t not in wanted]
            new = [t for t in wanted if t not in current]
            if gone and self.app.attempt("remove", self.service.remove_interests, gone) is None:
                return
            if new and self.app.attempt("add", self.service.add_interests, new) is None:
                return
            now = self.app.attempt("load interests", self.service.interests) or []
            self._say(", ".join(now) or "none", title="Interests")
            if new:
                self.app.warn_unmatched_interests(new)

        self.app.push_screen(
            PromptScreen(
                "Interests (comma separated; empty: none)",
                "causal inference, domain generalization",
                ", ".join(current),
            ),
            entered,
        )

    # Re-reads -------------------------------------------------------------------------

    def vacation(self) -> None:
        def plan(period: str) -> str | None:
            from reader.service import StoreError

            try:
                end, moved = self.service.vacation(period)
            except StoreError as error:
                return str(error)
            day = end.astimezone(self.service.tz).date().isoformat()
            self._say(f"Until {day}: {moved} re-read(s) moved after it.", title="Vacation")
            return None

        self.app.push_screen(PromptScreen("Vacation for…", "2 weeks, 10 days", submit=plan))

    # Backups --------------------------------------------------------------------------

    def backup(self) -> None:
        path = self.app.attempt("back up", self.service.backup)
        if path is not None:
            self._say(str(path), title="Backed up")

    def list_backups(self) -> None:
        found = self.app.attempt("list backups", self.service.backups)
        if found is None:
            return
        if not found:
            self._say("No backups yet; 'Back up now' makes one.", title="Backups")
            return

        def label(when: datetime | None, kind: str, name: str, size: int) -> str:
            stamp = when.astimezone(self.service.tz).strftime("%Y-%m-%d %H:%M") if when else "?"
            return f"{stamp}  {kind:<14} {size / 1e6:6.1f} MB  {name}"

        choices = [(str(b.path), label(b.when, b.kind, b.path.name, b.size)) for b in found]

        def chosen(value: str | None) -> None:
            if value is None:
                return
            self.app.push_screen(
                ConfirmScreen(
                    f"Restore {Path(value).name}? The database is replaced by it; its state "
                    "now is kept as a backup first, so this can be undone the same way.",
                    yes="Restore",
                    no="Cancel",
                ),
                lambda yes: self._restore(value) if yes else None,
            )

        self.app.push_screen(
            ChoiceScreen("Backups, newest first (Enter: restore…)", choices), chosen
        )

    def _restore(self, backup: str) -> None:
        clock = self.service.clock

        def restore_it(path: Path) -> tuple[Path, Path | None]:
            from reader.service.safety import restore  # loaded with the service

            return restore(path, backup, now=clock())

        result = self.app.attempt("restore", self.app.reopen_database, restore_it)
        if result is not None:
            source, before = result
            kept = f"; the state before is kept as {before.name}" if before else ""
            self._say(f"Restored {source.name}{kept}", title="Restored")

    # Duplicates -----------------------------------------------------------------------

    def dedupe(self) -> None:
        groups = self.app.attempt("find duplicates", self.service.find_duplicates)
        if groups is None:
            return
        if not groups:
            self._say("No duplicates found.", title="Duplicates")
            return
        lines = [f"{len(groups)} paper(s) are stored more than once:"]
        for group in groups[:PREVIEW_GROUPS]:
            title = short(group.titles.get(group.keep, ""), 60)
            drops = ", ".join(str(d) for d in group.drop)
            lines.append(f"• {group.keep} ← {drops}  {title}")
        if len(groups) > PREVIEW_GROUPS:
            lines.append(f"… and {len(groups) - PREVIEW_GROUPS} more")
        lines.append("Merge them? Ratings, notes, tags and re-reads are kept.")

        def answered(merge: bool | None) -> None:
            if not merge:
                return
            done = self.app.attempt("merge duplicates", self.service.dedupe, apply=True)
            if done is not None:
                merged = sum(1 for g in done if g.merged)
                failed = [g.error for g in done if g.error]
                self._say(
                    f"{merged} merged" + (f"; {len(failed)} failed: {failed[0]}" if failed else ""),
                    title="Duplicates",
                )
                self.app.papers_changed()

        self.app.push_screen(ConfirmScreen("\n".join(lines), yes="Merge", no="Keep"), answered)

    # Collections ----------------------------------------------------------------------

    def open_collection(self) -> None:
        from .screens.collection import CollectionScreen

        found = self.app.attempt("list collections", self.service.collecting.collections)
        if found is None:
            return
        if not found:
            self._say("No collections yet: open a paper and press C.", title="Collections")
            return
        choices = [(c.name, f"{c.name}  ({c.size})") for c in found]

        def chosen(name: str | None) -> None:
            if name is not None:
                self.app.push_screen(CollectionScreen(name))

        self.app.push_screen(ChoiceScreen("Open a collection", choices), chosen)

    # Export ---------------------------------------------------------------------------

    def export(self) -> None:
        def formatted(fmt: str | None) -> None:
            if fmt is None:
                return
            where = "folder" if fmt == "markdown" else "file"
            default = Path.home() / f"reader-export{EXTENSIONS[fmt]}"
            self.app.push_screen(
                PromptScreen(f"Export {fmt} to this {where}", str(default), str(default)),
                lambda path: pathed(fmt, path),
            )

        def pathed(fmt: str, path: str | None) -> None:
            if not path or not path.strip():
                return
            tags = [name for name, _ in self.app.attempt("load tags", self.service.tags) or []]
            choices = (
                [(EVERY_PAPER, "every paper")]
                + [(f"{STATUS}{s.value}", f"status: {s.value}") for s in Status]
                + [
                    (f"{STARS}{n}", f"rated {n}★" + (" or more" if n < 5 else ""))
                    for n in range(5, 0, -1)
                ]
                + [(t, f"tag: {t}") for t in tags]
            )
            self.app.push_screen(
                ChoiceScreen("Which papers?", choices),
                lambda tag: exported(fmt, Path(path.strip()).expanduser(), tag),
            )

        def exported(fmt: str, path: Path, tag: str | None, force: bool = False) -> None:
            if tag is None:
                return
            from reader.service import ExportExists

            def write() -> list[Path] | None:
                try:
                    return self.service.export_to(fmt, path, selected(tag), force=force)
                except ExportExists as error:  # the CLI says --force; here the user is asked
                    question = f"{error.path} already exists. Replace it?"
                    self.app.push_screen(
                        ConfirmScreen(question, yes="Replace", no="Keep"),
                        lambda replace: exported(fmt, path, tag, force=True) if replace else None,
                    )
                    return None

            # Any other refusal (nothing to export, a folder, a full disk): attempt says it.
            written = self.app.attempt("export", write)
            if not written:
                return
            shown = str(written[0]) if len(written) == 1 else f"{len(written)} files in {path}"
            self._say(shown, title=f"Exported {fmt}")

        self.app.push_screen(
            ChoiceScreen("Export format", [(f, f) for f in _export_formats()]), formatted
        )
