"""What the import commands share: the file, the progress bar (on a terminal only: rich), the
report, and one clear line (exit status 1) for a file that cannot be imported."""

import os
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from .report import lines
from .xmlstream import ImportFailed


def pairs(values, what):
    """NAME=VALUE options as a dict, split at the last "="."""
    result = {}
    for value in values or []:
        left, sep, right = value.rpartition("=")
        if not sep or not left or not right:
            raise CommandError(
                _("%(what)s must be NAME=VALUE: %(value)r") % {"what": what, "value": value}
            )
        result[left] = right
    return result


@contextmanager
def progress_bar(stream, total, label):
    """A callback for the bytes read so far, drawing a bar when ``stream`` is a terminal."""
    if not (hasattr(stream, "isatty") and stream.isatty()):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(file=stream, force_terminal=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)


class ImportCommand(BaseCommand):
    label = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("the export file (XML)"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("report what would be done; write nothing")
        )

    def run_import(self, path, function, **options):
        try:
            size = os.path.getsize(path)
            file = open(path, "rb")  # noqa: SIM115 (closed below)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from error
        with file, progress_bar(self.stdout._out, size, self.label) as progress:
            try:
                report = function(
                    file, progress=progress, file_name=os.path.basename(path), **options
                )
            except ImportFailed as error:
                raise CommandError(f"{os.path.basename(path)}: {error}") from error
        for line in lines(report.as_dict()):
            self.stdout.write(line)
        return report
