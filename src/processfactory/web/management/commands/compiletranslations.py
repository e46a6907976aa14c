"""``manage.py compiletranslations``: compile every ``.po`` of the web package to ``.mo`` with
polib, so no GNU gettext is needed. ``.mo`` files are build products (git-ignored; ``make``
runs this command)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import polib
from django.core.management.base import BaseCommand, CommandParser

WEB_PACKAGE = Path(__file__).resolve().parents[2]


def locale_dirs() -> list[Path]:
    """Every ``locale`` directory under the web package (the project's and each app's)."""
    return sorted(path for path in WEB_PACKAGE.rglob("locale") if path.is_dir())


def compile_po(po_path: Path) -> Path:
    """Write ``po_path``'s ``.mo`` beside it (translated, non-fuzzy entries only); atomic, so
    two processes compiling at once never leave a torn file."""
    mo_path = po_path.with_suffix(".mo")
    catalog = polib.pofile(str(po_path))
    fd, tmp = tempfile.mkstemp(dir=mo_path.parent, prefix=".", suffix=".mo.tmp")
    os.close(fd)
    try:
        catalog.save_as_mofile(tmp)
        os.replace(tmp, mo_path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return mo_path


class Command(BaseCommand):
    help = "Compile the web app's .po translation files to .mo (polib; no GNU gettext needed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--locale-dir",
            action="append",
            type=Path,
            dest="locale_dirs",
            help="compile this locale directory instead of the package's (repeatable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dirs = options["locale_dirs"] or locale_dirs()
        compiled = 0
        for directory in dirs:
            for po_path in sorted(Path(directory).glob("*/LC_MESSAGES/*.po")):
                mo_path = compile_po(po_path)
                compiled += 1
                if options["verbosity"] >= 2:
                    self.stdout.write(f"compiled {mo_path}")
        self.stdout.write(f"compiled {compiled} translation file(s)")
