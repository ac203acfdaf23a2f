"""The article page served from the cache to anonymous readers: one copy per page and markup,
the same bytes for every reader, and the page still served when the cache is down."""

import time

import pytest
from django.test import Client

from tests.factories import ArticleFactory, CommentFactory
from tests.pagecache.conftest import TOKEN, state, token_of


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
    assert first.content == second.content  # the same bytes
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert int(second["Content-Length"]) == len(second.content)


def test_a_returning_reader_with_the_csrf_cookie_still_gets_the_cached_page(url, cached):
    cached()
    reader = Client()
    reader.cookies["csrftoken"] = "a" * 32  # from a page rendered for them before
    again = reader.get(url)
    assert state(again) == "hit"
    assert not again.cookies


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
    assert not TOKEN.search(response.content.decode())  # still the page for everyone


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


def test_a_page_that_holds_a_token_is_never_stored(rf, db):
    """A template that asks for a CSRF token on the shared page by mistake costs speed (the
    page is rendered each time), never a token shared between readers."""
    from django.http import HttpResponse

    from pagecache import cache as page_cache

    def render():
        return HttpResponse('<input type="hidden" name="csrfmiddlewaretoken" value="x">')

    for _ in range(2):
        response = page_cache.serve(rf.get("/articles/x/"), "x", render)
        assert state(response) == "bypass"
        assert "ETag" not in response


def test_a_personal_page_is_never_compressed(url, essay, client, django_user_model):
    """Pages rendered for one reader hold their CSRF token: the app sends them as they are."""
    user = django_user_model.objects.create_user("ann", "ann@example.com", "pw")
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in response
    assert len(token_of(response)) == 64
