import os
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from moving.export import export_wordpress


class Command(BaseCommand):
    help = _(
        "Export the whole site (authors, articles, comments with their status and threads) "
        "as a WordPress export file (WXR 1.2) that WordPress's importer reads."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help=_("the file to write (default: standard output)"))

    def handle(self, output=None, **options):
        if not output:
            export_wordpress(self.stdout)
            return
        folder = os.path.dirname(os.path.abspath(output))
        try:  # written beside, then moved into place: never half a file
            fd, temporary = tempfile.mkstemp(dir=folder, suffix=".xml.part")
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": output, "error": error.strerror}
            ) from error
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                articles, comments = export_wordpress(out)
            os.replace(temporary, output)
        except BaseException:
            os.unlink(temporary)
            raise
        sys.stderr.write(
            _("Wrote %(articles)d articles and %(comments)d comments to %(path)s.\n")
            % {"articles": articles, "comments": comments, "path": output}
        )
