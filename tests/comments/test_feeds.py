"""RSS and Atom feeds of approved comments, per article and for the site: newest first, the
author's name, the date, the sanitised text and the permalink, never an e-mail address; they
parse cleanly in a real feed reader (feedparser) and the article's head links to them."""

from datetime import timedelta

import feedparser
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.feeds import ITEMS
from comments.models import Comment
from tests import xss
from tests.factories import ArticleFactory, CommentFactory
from tests.html import elements, unsafe_markup

FEEDS = ["article-comments-feed", "article-comments-feed-atom"]


@pytest.fixture
def comments(essay):
    now = timezone.now()
    older = CommentFactory(
        article=essay, author_name="Old Ann", author_email="old.ann@example.com", body="First!"
    )
    newer = CommentFactory(
        article=essay,
        author_name="New Bob",
        author_email="new.bob@example.com",
        body="I **agree** <script>alert(1)</script>",
    )
    Comment.objects.filter(pk=older.pk).update(created_at=now - timedelta(hours=2))
    Comment.objects.filter(pk=newer.pk).update(created_at=now - timedelta(hours=1))
    CommentFactory(article=essay, body="Held back.", status=Comment.Status.PENDING)
    CommentFactory(article=essay, body="Spammy.", status=Comment.Status.SPAM)
    return older, newer


def fetch(url):
    response = Client().get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return response.content.decode(), parsed


@pytest.mark.parametrize("name", FEEDS)
def test_an_articles_feed(essay, comments, name):
    _older, newer = comments
    raw, feed = fetch(reverse(name, kwargs={"slug": essay.slug}))
    assert [entry.author for entry in feed.entries] == ["New Bob", "Old Ann"]
    first = feed.entries[0]
    assert first.link.endswith(reverse("comments:permalink", kwargs={"pk": newer.pk}))
    assert "<strong>agree</strong>" in first.summary
    assert "&lt;script&gt;" in first.summary  # as text
    assert first.published_parsed is not None
    assert "Held back." not in raw
    assert "Spammy." not in raw
    assert "@example.com" not in raw


@pytest.mark.parametrize("name", ["comments:feed", "comments:feed-atom"])
def test_the_sites_feed(essay, comments, name):
    other = ArticleFactory(title="On Deterrence")
    latest = CommentFactory(article=other, author_name="Cy", author_email="cy@example.com")
    draft = ArticleFactory(title="Draft", status=Article.Status.DRAFT)
    CommentFactory(article=draft, body="On a draft.")
    raw, feed = fetch(reverse(name))
    assert [entry.author for entry in feed.entries] == ["Cy", "New Bob", "Old Ann"]
    assert "On Deterrence" in feed.entries[0].title
    assert feed.entries[0].link.endswith(latest.get_absolute_url())
    assert "On a draft." not in raw
    assert "@example.com" not in raw


def test_an_unpublished_articles_feed_is_404(db):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    assert Client().get(reverse(FEEDS[0], kwargs={"slug": draft.slug})).status_code == 404


def test_every_xss_payload_stays_out_of_the_feed(essay):
    for n, body in enumerate(xss.BODIES):
        CommentFactory(article=essay, body=body.replace("\x00", ""), author_name=xss.NAMES[n % 6])
    for name in FEEDS:
        raw, feed = fetch(reverse(name, kwargs={"slug": essay.slug}))
        assert "<script" not in raw.lower()
        assert len(feed.entries) == min(len(xss.BODIES), ITEMS)
        for entry in feed.entries:
            assert unsafe_markup(entry.summary) == []
            for tag, attrs in elements(entry.summary):
                assert tag in xss.TEXT_TAGS
                assert attrs.get("href", "https://").startswith(("http://", "https://"))


def test_the_article_links_to_its_feeds(essay):
    page = Client().get(essay.get_absolute_url()).content.decode()
    head = page[: page.index("</head>")]
    for name, kind in zip(FEEDS, ["application/rss+xml", "application/atom+xml"], strict=True):
        url = reverse(name, kwargs={"slug": essay.slug})
        assert f'<link rel="alternate" type="{kind}"' in head
        assert f'href="{url}"' in head
