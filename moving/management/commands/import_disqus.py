from django.utils.translation import gettext as _

from moving.command import ImportCommand, pairs
from moving.disqus import import_disqus


class Command(ImportCommand):
    help = _(
        "Import a Disqus export: each thread's posts onto the article it matches (by its "
        "link, or --map URL=SLUG). Safe to run twice; one transaction; no mail is sent."
    )
    label = "Disqus"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--map",
            action="append",
            metavar="URL=SLUG",
            help=_("put the thread at this address on the article with this slug (repeatable)"),
        )

    def handle(self, file, dry_run=False, map=None, **options):
        self.run_import(file, import_disqus, dry_run=dry_run, url_map=pairs(map, "--map"))
