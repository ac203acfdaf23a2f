"""Django in this process, on the benchmark's database: the seeded comments, the comments the
page shows, and a page's queries and render time through Django's whole stack.

The only module of the benchmark that uses the site's apps (articles, comments), each import
inside the method that needs it: Django is set up by InProcess, on the benchmark's settings.
"""

import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from bench import ROOT, SLUG

POSTER_EMAIL = "bench.poster@example.com"
# what the seeded comments say, over and over
TEXT = (
    "the alliance must adapt its posture to deterrence in the east while burden sharing "
    "and defence spending remain contested among members and partners "
)


def planned_comments(have, size):
    """Comments number ``have`` to ``size - 1``, a level at a time: 70% start a thread, 20%
    reply to one of those, 10% reply to a reply (a level with none takes the one above's place);
    of varied lengths, a few with links, from many readers over the past months. Each comment
    is a dict; its "parent" is the number of the comment it replies to, or None."""
    start = datetime.now(UTC) - timedelta(days=90)
    todo = range(have, size)
    levels = [
        [i for i in todo if i % 10 not in (3, 6, 9)],  # 70% start a thread
        [i for i in todo if i % 10 in (3, 6)],  # 20% reply
        [i for i in todo if i % 10 == 9],  # 10% reply to a reply
    ]
    plan, parents = [], []
    for level in levels:
        rows = []
        for n, i in enumerate(level):
            length = 12 + (i * 37) % 120
            text = (TEXT * 20)[i % 50 : i % 50 + length * 7].strip().capitalize()
            if i % 7 == 0:
                text += ".\n\nA second paragraph, shorter than the first."
            if i % 20 == 0:
                text += " See https://www.nato.int/cps/en/natohq/topics.htm for more."
            rows.append(
                {
                    "i": i,
                    "parent": parents[n % len(parents)] if parents else None,
                    "name": f"Reader {i}",
                    "email": f"reader{i % 700}@example.com",
                    "url": f"https://reader{i}.example/" if i % 4 == 0 else "",
                    "text": text,
                    "time": start + timedelta(minutes=i),
                }
            )
        plan.append(rows)
        parents = level or parents
    return plan


class InProcess:
    """Django set up in this process with ``env`` (the settings the app servers have)."""

    def __init__(self, env):
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    def configure(self, per_page):
        from django.conf import settings

        if per_page:
            settings.COMMENTS_PER_PAGE = per_page
        elif hasattr(settings, "COMMENTS_PER_PAGE"):  # the default, as the app servers have it
            del settings.COMMENTS_PER_PAGE

    def seed(self, size):
        """Comments up to ``size``: 30% replies (a third of them to replies), of varied
        lengths, a few with links, from many readers over the past months."""
        from django.db import connection

        from articles.models import Article
        from comments import actions
        from comments.models import Comment
        from comments.rendering import render_comment
        from natoblog.addresses import email_hash

        article = Article.objects.get(slug=SLUG)
        have = Comment.objects.filter(article=article).count()
        if not Comment.objects.filter(author_email=POSTER_EMAIL).exists():
            # on another article: the essay starts with no comments at all
            other = Article.objects.create(
                title="Another essay",
                slug="another-essay",
                author=article.author,
                body="Another essay.",
                status=Article.Status.PUBLISHED,
            )
            actions.add_moderated(
                Comment(
                    article=other,
                    author_name="Bench Poster",
                    author_email=POSTER_EMAIL,
                    body="An approved comment, so that the benchmark's posts are approved.",
                    status=Comment.Status.APPROVED,
                )
            )

        def comment(row, parent):
            return Comment(
                article=article,
                parent=parent,
                thread_id=(parent.thread_id or parent.pk) if parent else None,
                depth=parent.depth + 1 if parent else 0,
                author_name=row["name"],
                author_email=row["email"],
                email_hash=email_hash(row["email"]),
                author_url=row["url"],
                body=row["text"],
                body_html=render_comment(row["text"]),
                status=Comment.Status.APPROVED,
                created_at=row["time"],
            )

        made = {}  # comment number -> Comment
        for level in planned_comments(have, size):
            batch = [comment(row, made.get(row["parent"])) for row in level]
            created = Comment.objects.bulk_create(batch, batch_size=2000)
            made.update(zip((row["i"] for row in level), created, strict=True))
        with connection.cursor() as cursor:  # statistics, as a live database has them
            cursor.execute("ANALYZE")

    def shown_comments(self):
        """The comments the essay shows (the seeded ones, and those posted in the posting
        phases), parents first: for django-comments-xtd's copy of the page."""
        from articles.models import Article
        from comments.models import Comment

        comments = Comment.objects.filter(
            article=Article.objects.get(slug=SLUG), status=Comment.Status.APPROVED
        ).order_by("depth", "created_at", "id")
        return [
            {
                "i": comment.pk,
                "parent": comment.parent_id,
                "name": comment.author_name,
                "email": comment.author_email,
                "url": comment.author_url,
                "text": comment.body,
                "time": comment.created_at.isoformat(),
            }
            for comment in comments
        ]

    def measure(self, path, rounds=25, cold=False):
        """Queries and the median render time of ``path`` through Django's whole stack.
        ``cold``: each time with nothing kept in pagecache.data (the comments read again, as
        the first page rendered after a change reads them)."""
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from pagecache import data

        forget = data.forget if cold else (lambda: None)
        client = Client(HTTP_HOST="127.0.0.1")
        client.get(path)
        forget()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, response.status_code
        count = len(queries)  # before the next requests reset the log
        times = []
        for _ in range(rounds):
            client.cookies.clear()  # a new reader (one client: its handler is set up once)
            forget()
            began = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - began)
        return count, statistics.median(times) * 1000, response

    def form_token(self, when):
        """The comment form's signed timestamp for the time ``when`` (seconds since the epoch):
        what the posting phase sends, as a reader who loaded the page then."""
        from comments.spam import form_token

        return form_token(when)
