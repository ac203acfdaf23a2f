"""The article page served from the cache to anonymous readers: each with their own token
and timestamp, one copy per page and markup, and the page still served when the cache is down."""

import time

import pytest
from django.test import Client

from comments.models import Comment
from pagecache.cache import CSRF_PLACEHOLDER
from tests.factories import ArticleFactory, CommentFactory
from tests.pagecache.conftest import TOKEN, hidden_fields, state, token_of


def test_second_anonymous_reader_gets_the_page_without_a_query(
    url, essay, django_assert_num_queries
):
    CommentFactory(article=essay, body="Cached words.")
    first = Client().get(url)
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert (state(first), state(second)) == ("miss", "hit")
    assert second.status_code == 200
    assert "Cached words." in second.content.decode()
    # the same page, but for the token of the form
    assert TOKEN.sub("", first.content.decode()) == TOKEN.sub("", second.content.decode())
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert int(second["Content-Length"]) == len(second.content)


def test_every_reader_gets_their_own_token_and_can_post(url, essay, post_comment, monkeypatch):
    from comments import spam

    ann, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_ann, page_bob = ann.get(url), bob.get(url)
    assert (state(page_ann), state(page_bob)) == ("miss", "hit")
    assert token_of(page_ann) != token_of(page_bob)
    assert ann.cookies["csrftoken"].value != bob.cookies["csrftoken"].value
    for page in (page_ann, page_bob):  # every form on the page (comment, follow) has it
        assert len(set(TOKEN.findall(page.content.decode()))) == 1
        assert CSRF_PLACEHOLDER not in page.content.decode()
    later = time.time() + 60  # a person takes a while to write
    monkeypatch.setattr(spam, "now", lambda: later)
    # each posts the form they were given: its token and its timestamp
    for reader, page, body in [(ann, page_ann, "Ann's."), (bob, page_bob, "Bob's.")]:
        sent = post_comment(essay, using=reader, body=body, **hidden_fields(page))
        assert sent.status_code == 302, sent.content.decode()[:300]
    # a token is worth nothing with another reader's cookie
    carol = Client(enforce_csrf_checks=True)
    carol.get(url)
    fields = hidden_fields(page_ann)
    assert post_comment(essay, using=carol, body="Carol's.", **fields).status_code == 403


@pytest.mark.parametrize("where", ["body", "author_name", "author_url", "article"])
def test_a_visitor_cannot_write_the_placeholder_into_the_page(url, essay, where):
    """Only the app puts CSRF_PLACEHOLDER into a page: what a visitor writes is escaped, so
    nginx and the app never put a reader's token into it."""
    mark = CSRF_PLACEHOLDER
    value = f"https://example.org/{mark}" if where == "author_url" else mark
    if where == "article":  # Markdown from the staff, sanitised
        essay.body += f"\n\n{mark} [a]({mark}) <a title='{mark}' href='/{mark}'>b</a>"
        essay.save()
    else:
        CommentFactory(article=essay, status=Comment.Status.APPROVED, **{where: value})
    page = Client().get(url).content.decode()
    assert CSRF_PLACEHOLDER not in page
    assert len(set(TOKEN.findall(page))) == 1
    assert page.count(token_of(Client().get(url))) == 0  # another reader's token: nowhere


def test_the_form_timestamp_is_fresh_in_every_response(url, essay, monkeypatch):
    from comments import spam

    stamps = []
    for expected, moment in [("miss", 1_000_000), ("hit", 1_000_100)]:
        monkeypatch.setattr(spam, "now", lambda moment=moment: moment)
        page = Client().get(url)
        assert state(page) == expected
        stamps.append(hidden_fields(page)["timestamp"])
        monkeypatch.setattr(spam, "now", lambda moment=moment: moment + 5)
        assert spam.token_age(stamps[-1]) == 5  # signed when the response was made
    assert stamps[0] != stamps[1]


def test_a_returning_reader_with_the_csrf_cookie_still_gets_the_cached_page(url, cached):
    cached()
    reader = Client()
    reader.get(url)
    again = reader.get(url)
    assert state(again) == "hit"
    assert again.cookies["csrftoken"].value == reader.cookies["csrftoken"].value


@pytest.mark.parametrize("query", ["?replytocom=1", "?utm_source=feed", "?"])
def test_a_query_string_gets_its_own_page(url, essay, cached, query):
    cached()
    response = Client().get(url + query)
    assert response.status_code == 200
    assert state(response) == (None if query != "?" else "hit")


def test_other_articles_and_pages_are_cached_apart(url, essay, cached, settings):
    settings.COMMENTS_PER_PAGE = 1
    other = ArticleFactory(title="Another essay")
    for _ in range(2):
        CommentFactory(article=essay)
    cached()
    assert "Another essay" in Client().get(other.get_absolute_url()).content.decode()
    assert state(Client().get(url + "comment-page-2/")) == "miss"
    local = Client().get(url, HTTP_HOST="localhost")
    assert state(local) == "miss"
    assert 'href="http://localhost/articles/the-future-of-nato/"' in local.content.decode()


def test_a_change_of_settings_that_changes_the_markup_is_a_new_page(url, essay, cached, settings):
    CommentFactory(article=essay)
    cached()
    settings.COMMENTS_GRAVATAR = not settings.COMMENTS_GRAVATAR
    assert state(Client().get(url)) == "miss"


def test_a_cache_that_is_down_does_not_take_the_page_down(url, essay, monkeypatch):
    from pagecache import cache as page_cache

    def down(*args, **kwargs):
        raise ConnectionError("cache is down")

    monkeypatch.setattr(page_cache.cache, "get_many", down)
    response = Client().get(url)
    assert response.status_code == 200
    assert state(response) == "error"
    assert len(token_of(response)) == 64


def test_a_process_never_serves_its_own_copy_once_another_changed_the_page(url, essay, cached):
    """Each process keeps the pages it served; the version in the shared cache still decides."""
    from pagecache import cache as page_cache

    cached()
    assert page_cache._local  # this process kept the page
    page_cache._bump([essay.slug])  # what another process does after a commit
    assert state(Client().get(url)) == "miss"


def test_no_copy_is_served_past_its_time(url, essay, cached, monkeypatch):
    from pagecache import cache as page_cache

    cached()
    later = time.time() + page_cache.settings.PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    assert state(Client().get(url)) == "miss"
