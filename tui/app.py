"""The Textual app: ReaderApp takes a Service; make_app(db_path) builds it."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from reader.service import Service, open_service

from .screens.library import LibraryScreen


class ReaderApp(App[None]):
    """The full-screen reader. All data comes through ``service``; no SQL here."""

    CSS_PATH = "reader.tcss"
    TITLE = "reader"
    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="Quit reader (everything is already saved)"),
    ]

    def __init__(self, service: Service) -> None:
        super().__init__()
        self.service = service
        self.sub_title = str(service.path)

    def on_mount(self) -> None:
        self.push_screen(LibraryScreen(self.service))

    def on_unmount(self) -> None:
        self.service.close()


def make_app(db_path: Path | str | None = None) -> ReaderApp:
    return ReaderApp(open_service(db_path))
