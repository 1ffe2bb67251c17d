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
