"""``manage.py messages``: the translation catalogues in locale/ brought up to date with the code
and the templates (Django's makemessages, then compilemessages), as ``make messages`` runs it.
``-l de`` adds a language. ``--check`` changes nothing: it fails if the catalogues are not up to
date (a string marked for translation missing from them, or one they still hold that is gone;
a compiled .mo that is not its .po), as CI runs it. Both need GNU gettext (xgettext, msgmerge,
msgfmt); serving the site does not: the compiled .mo files are committed.
"""

import contextlib
import gettext
import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Not the site's code: what makemessages and compilemessages leave alone.
IGNORE = [
    ".git",
    ".venv",
    "node_modules",
    "staticfiles",
    "var",
    "bench",
    "docs",
    "deploy",
    "harness",
    "scripts",
    "tests",
]
# The catalogues list the file of each string, not its line: editing code above a string does
# not change them.
MAKEMESSAGES = {"no_obsolete": True, "add_location": "file", "ignore_patterns": IGNORE}
CREATION_DATE = re.compile(r'^"POT-Creation-Date: .*\\n"\n', re.MULTILINE)


def languages(base):
    return sorted(
        path.name for path in (base / "locale").iterdir() if (path / "LC_MESSAGES").is_dir()
    )


def update(base, locales):
    """makemessages and compilemessages for these languages, on the site's copy at ``base``."""
    previous = settings.LOCALE_PATHS
    settings.LOCALE_PATHS = [base / "locale"]
    try:
        with contextlib.chdir(base):
            call_command("makemessages", locale=locales, verbosity=0, **MAKEMESSAGES)
            call_command("compilemessages", locale=locales, ignore_patterns=IGNORE, verbosity=0)
    finally:
        settings.LOCALE_PATHS = previous


def catalogue(mo_path):
    with open(mo_path, "rb") as file:
        return gettext.GNUTranslations(file)._catalog


def differences(base, copy, locales):
    """The catalogue files of ``base`` that differ from those made again in ``copy``."""
    stale = []
    for locale in locales:
        for po in sorted((copy / "locale" / locale / "LC_MESSAGES").glob("*.po")):
            relative = po.relative_to(copy)
            committed, mo = base / relative, (base / relative).with_suffix(".mo")
            if not committed.exists() or CREATION_DATE.sub("", committed.read_text()) != (
                CREATION_DATE.sub("", po.read_text())
            ):
                stale.append(str(relative))
            elif not mo.exists() or catalogue(mo) != catalogue(po.with_suffix(".mo")):
                stale.append(str(relative.with_suffix(".mo")))
    return stale


class Command(BaseCommand):
    help = "Update the translation catalogues in locale/ (--check: only say if they are stale)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--locale",
            "-l",
            action="append",
            help="A language to update or add, e.g. fr (default: every one in locale/).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; fail if the catalogues are not up to date.",
        )

    def handle(self, *args, locale=None, check=False, **options):
        base = Path(settings.BASE_DIR)
        locales = locale or languages(base)
        if not check:
            update(base, locales)
            self.stdout.write(f"Updated locale/ for {', '.join(locales)}.")
            return
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "site"
            shutil.copytree(
                base, copy, ignore=shutil.ignore_patterns(*IGNORE, "__pycache__", "*.pyc")
            )
            update(copy, locales)
            stale = differences(base, copy, locales)
        if stale:
            raise CommandError(
                "The translation catalogues are not up to date: "
                f"{', '.join(stale)}. Run `make messages`, translate what is new, and commit."
            )
        self.stdout.write(f"The catalogues of {', '.join(locales)} are up to date.")
