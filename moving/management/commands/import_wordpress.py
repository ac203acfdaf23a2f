from django.utils.translation import gettext as _

from moving.command import ImportCommand, pairs
from moving.wordpress import import_wordpress


class Command(ImportCommand):
    help = _(
        "Import a WordPress export (WXR 1.0-1.2): authors, posts, comments with their status "
        "and threads, old addresses. Safe to run twice; one transaction; no mail is sent."
    )
    label = "WordPress"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--author-email",
            action="append",
            metavar="NAME=ADDRESS",
            help=_("the e-mail address of the author with this login (repeatable)"),
        )

    def handle(self, file, dry_run=False, author_email=None, **options):
        self.run_import(
            file,
            import_wordpress,
            dry_run=dry_run,
            author_emails=pairs(author_email, "--author-email"),
        )
