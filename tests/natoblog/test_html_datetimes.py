"""Every <time datetime> (and the article's published_time) is a time HTML accepts: to the
second, with its offset; never Python's six digits of microseconds."""

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from tests.factories import ArticleFactory, CommentFactory

# HTML's "valid global date and time string", at most three digits of fractions of a second
HTML_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:?\d\d)$")


def attribute_times(html):
    return re.findall(r'<time datetime="([^"]*)"', html) + re.findall(
        r'property="article:published_time" content="([^"]*)"', html
    )


def test_times_on_the_pages_are_valid_html(db, client, admin_user):
    published = timezone.now().replace(microsecond=123456) - timedelta(days=1)
    article = ArticleFactory(published_at=published)
    comment = CommentFactory(article=article)
    assert comment.created_at.microsecond or published.microsecond  # there is something to cut
    pages = [
        article.get_absolute_url(),
        "/",
        article.author.get_absolute_url(),
    ]
    seen = []
    for url in pages:
        html = Client().get(url).content.decode()
        times = attribute_times(html)
        assert times, f"no <time datetime> on {url}"
        seen += times
    for value in seen:
        assert HTML_DATETIME.match(value), value
    assert published.replace(microsecond=0).isoformat() in seen


def test_the_check_can_fail():
    assert not HTML_DATETIME.match("2026-12-01T10:57:00.768205+00:00")
    assert HTML_DATETIME.match("2026-12-01T10:57:00+00:00")
