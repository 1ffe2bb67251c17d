"""The core never loads the UI: importing any reader module leaves textual and tui unloaded."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import reader


def reader_modules() -> list[str]:
    return sorted(
        info.name for info in pkgutil.walk_packages(reader.__path__, prefix="reader.")
        if not info.name.endswith("__main__")
    )


def test_core_modules_do_not_import_textual_or_tui() -> None:
    modules = reader_modules()
    assert "reader.store" in modules and "reader.cli" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_import_linter_contracts_hold() -> None:
    lint = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
        ],
        capture_output=True, text=True, timeout=300,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


PURE = [
    "reader.models", "reader.when", "reader.match", "reader.ids", "reader.backups",
    "reader.export", "reader.parse", "reader.schedule", "reader.units", "reader.recommend",
]  # fmt: skip


def test_pure_modules_load_neither_the_store_nor_the_network() -> None:
    """What import-linter checks in the source, checked in a running interpreter too (an
    import inside a function or through importlib would slip past the linter)."""
    code = (
        "import importlib, sys\n"
        f"for name in {PURE!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules\n"
        "             if m.startswith(('reader.store', 'reader.service', 'reader.fetch')))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
