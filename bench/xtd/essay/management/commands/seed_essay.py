"""The essay; with --comments, the comments natoblog's page showed (a JSON list from
bench/run.py, parents first), added as XtdComments unless already there.

Each comment is saved on its own, as django-comments-xtd saves a posted one: XtdComment.save
works out its thread, level and order."""

import json
from datetime import datetime
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from essay.models import Article


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--essay", type=Path, required=True, help="its text: title first")
        parser.add_argument("--slug", required=True)
        parser.add_argument("--comments", type=Path, help="JSON: the comments, parents first")
        parser.add_argument("--ids", type=Path, help="JSON, kept: their ids -> XtdComment ids")

    def handle(self, *args, essay, slug, comments, ids, **options):
        title, body = essay.read_text().split("\n", 1)
        article, _ = Article.objects.get_or_create(
            slug=slug,
            defaults={"title": title.strip(), "body": body.strip(), "publish": timezone.now()},
        )
        if not comments:
            return
        site = Site.objects.get_current()
        content_type = ContentType.objects.get_for_model(Article)
        made = json.loads(ids.read_text()) if ids and ids.exists() else {}
        with transaction.atomic():
            for row in json.loads(comments.read_text()):
                key = str(row["i"])
                if key in made:
                    continue
                comment = XtdComment(
                    content_type=content_type,
                    object_pk=str(article.pk),
                    site=site,
                    # 0: a new thread (save() makes the comment its own parent)
                    parent_id=0 if row["parent"] is None else made[str(row["parent"])],
                    user_name=row["name"],
                    user_email=row["email"],
                    user_url=row["url"],
                    comment=row["text"],
                    submit_date=datetime.fromisoformat(row["time"]),
                    is_public=True,
                    is_removed=False,
                )
                comment.save()
                made[key] = comment.pk
        if ids:
            ids.write_text(json.dumps(made))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # statistics, as a live database has them
                cursor.execute("ANALYZE")
        self.stdout.write(f"{len(made)} comments on {article.slug}")
