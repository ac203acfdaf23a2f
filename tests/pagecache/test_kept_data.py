"""The article and the comments of a page rendered for one reader (logged in, a cache fill)
are read once per process for each version of the article's pages (pagecache.data), and read
again exactly when a change commits: never a comment that is gone, never one missing, and a
scheduled article still appears when its time comes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from pagecache import cache, data
from tests.factories import ArticleFactory, CommentFactory, UserFactory
from tests.pagecache.conftest import AWAITING
from tests.pagecache.test_refresh import COMMENT_CHANGES


@pytest.fixture(autouse=True)
def _nothing_kept():
    data.forget()
    yield
    data.forget()


@pytest.fixture
def reader(db):
    client = Client()
    client.force_login(UserFactory(username="rita", email="rita@example.com"))
    return client


def comment_queries(client, url):
    """The page for ``client`` and how many of its queries read comments."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    return page, sum('"comments_comment"' in q["sql"] for q in queries.captured_queries)


def test_a_logged_in_readers_second_page_reads_no_comments(url, essay, reader):
    CommentFactory(article=essay, body="Shown.")
    CommentFactory(article=essay, body="A reply.", parent=Comment.objects.get())
    _first, read = comment_queries(reader, url)
    assert read == 2  # the page's threads, then their comments
    second, read_again = comment_queries(reader, url)
    assert read_again == 0
    assert second.content.decode().count('class="comment depth-') == 2
    assert "A reply." in second.content.decode()


@pytest.mark.parametrize("action", COMMENT_CHANGES)
def test_the_comments_are_read_again_when_a_change_commits(
    url, essay, reader, action, django_capture_on_commit_callbacks
):
    CommentFactory(article=essay, body="Shown.")
    CommentFactory(article=essay, body="Held back.", status=Comment.Status.PENDING)
    comment_queries(reader, url)
    with django_capture_on_commit_callbacks(execute=True):
        expected = action(essay)
        # before the commit the kept comments are still the current ones
        assert comment_queries(reader, url)[1] == 0
    page, read = comment_queries(reader, url)
    assert read > 0  # (one when no thread is left: no comments to read)
    assert expected in page.content.decode()


def test_a_reader_with_a_comment_awaiting_moderation_gets_their_own(
    url, essay, reader, client, post_comment
):
    CommentFactory(article=essay, body="Shown.")
    comment_queries(reader, url)  # the shared comments kept
    post_comment(essay, body="Mine, waiting.")
    mine = client.get(url).content.decode()
    assert AWAITING in mine
    assert "Mine, waiting." in mine
    theirs, read = comment_queries(reader, url)
    assert read == 0
    assert "Mine, waiting." not in theirs.content.decode()


def test_each_page_of_comments_is_kept_apart(url, essay, reader, settings):
    settings.COMMENTS_PER_PAGE = 1
    CommentFactory(article=essay, body="On the first page.")
    CommentFactory(article=essay, body="On the second page.")
    second_url = f"{url}comment-page-2/"
    for _ in range(2):
        first = reader.get(url).content.decode()
        second = reader.get(second_url).content.decode()
        assert "On the first page." in first
        assert "On the second page." not in first
        assert "On the second page." in second
        assert "On the first page." not in second


def test_with_the_cache_down_the_comments_are_read_each_time(url, essay, reader, monkeypatch):
    CommentFactory(article=essay, body="Shown.")

    def down(group):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr("pagecache.cache.group_version", down)
    for _ in range(2):
        page, read = comment_queries(reader, url)
        assert read == 2
        assert "Shown." in page.content.decode()


def test_nothing_is_kept_while_the_page_cache_is_off(url, essay, reader, settings):
    settings.PAGE_CACHE_SECONDS = 0
    CommentFactory(article=essay, body="Shown.")
    comment_queries(reader, url)
    CommentFactory(article=essay, body="Added without a commit.")
    page, read = comment_queries(reader, url)
    assert read == 2
    assert "Added without a commit." in page.content.decode()


def article_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    return page, sum('"articles_article"' in q["sql"] for q in queries.captured_queries)


def test_the_article_is_read_once_and_again_when_it_changes(
    url, essay, reader, django_capture_on_commit_callbacks
):
    assert article_queries(reader, url)[1] == 1
    assert article_queries(reader, url)[1] == 0
    with django_capture_on_commit_callbacks(execute=True):
        essay.title = "The Future of NATO, revised"
        essay.save()
    page, read = article_queries(reader, url)
    assert read == 1
    assert "The Future of NATO, revised" in page.content.decode()


def test_a_scheduled_article_appears_when_its_time_comes(reader, monkeypatch):
    soon = timezone.now() + timedelta(hours=1)
    article = ArticleFactory(status=Article.Status.PUBLISHED, published_at=soon)
    assert reader.get(article.get_absolute_url()).status_code == 404
    later = soon + timedelta(minutes=1)
    monkeypatch.setattr("articles.models.timezone.now", lambda: later)
    page = reader.get(article.get_absolute_url())
    assert page.status_code == 200
    assert article.title in page.content.decode()


def test_an_unknown_address_is_not_found_until_the_article_exists(
    reader, django_capture_on_commit_callbacks
):
    assert reader.get("/articles/not-yet/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(slug="not-yet", status=Article.Status.PUBLISHED)
    assert reader.get("/articles/not-yet/").status_code == 200


def test_a_page_reads_its_version_once(url, essay, reader, monkeypatch):
    reads = []
    read = cache.group_version
    monkeypatch.setattr(cache, "group_version", lambda group: reads.append(group) or read(group))
    CommentFactory(article=essay, body="Shown.")
    reader.get(url)
    assert reads == [essay.slug]  # for the article and for its comments


@pytest.fixture
def visitor():
    """An anonymous reader whose page is their own (the form shows the log-in icons)."""
    client = Client()
    client.cookies["comment_author_name"] = "Vic"
    return client


def test_the_order_and_the_log_in_icons_are_kept_with_the_page(url, essay, visitor, monkeypatch):
    """Read once per version of the page, not for each page: no read of the shared cache but
    the page's version."""
    from accounts import social
    from comments import order

    calls = []
    for module, name in ((order, "comment_order"), (social, "providers_in_admin")):
        real = getattr(module, name)
        monkeypatch.setattr(
            module, name, lambda real=real, name=name: calls.append(name) or real()
        )
    CommentFactory(article=essay, body="Shown.")
    visitor.get(url)
    assert sorted(calls) == ["comment_order", "providers_in_admin"]
    calls.clear()
    assert visitor.get(url).status_code == 200
    assert calls == []


def test_a_new_order_shows_at_once(url, essay, reader, django_capture_on_commit_callbacks):
    from comments.models import DiscussionSettings

    first = CommentFactory(article=essay, body="The first comment.")
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=1))
    CommentFactory(article=essay, body="The second comment.")
    page = reader.get(url).content.decode()
    assert page.index("The first comment.") < page.index("The second comment.")
    with django_capture_on_commit_callbacks(execute=True):
        rules = DiscussionSettings.load()
        rules.comment_order = DiscussionSettings.CommentOrder.NEWEST
        rules.save()
    page = reader.get(url).content.decode()
    assert page.index("The second comment.") < page.index("The first comment.")


def test_a_provider_switched_on_shows_at_once(
    url, essay, visitor, settings, django_capture_on_commit_callbacks
):
    from allauth.socialaccount.models import SocialApp

    from tests.oauth import enable_providers

    enable_providers(settings)
    assert "login-icon-wordpress_com" not in visitor.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        app = SocialApp.objects.create(
            provider="wordpress_com", name="WordPress.com", client_id="123", secret="abc"
        )
    assert "login-icon-wordpress_com" in Client().get(url).content.decode()  # the shared page
    assert "login-icon-wordpress_com" in visitor.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        app.delete()
    assert "login-icon-wordpress_com" not in visitor.get(url).content.decode()
