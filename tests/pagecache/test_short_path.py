"""Gunicorn alone: the shared page compressed for browsers that ask (the copies made when it
was stored), Vary: Accept-Encoding, and a short path for a page this process holds that skips
the rest of the middleware and the view (pagecache/middleware.py)."""

import gzip

import brotli
import pytest
from django.test import Client

from articles.views import ArticleDetailView
from pagecache import encoding
from tests.factories import CommentFactory
from tests.pagecache.conftest import TOKEN, state

BROWSER = "gzip, deflate, br"
PAGE_HEADERS = [
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
]


@pytest.fixture
def no_view(monkeypatch):
    """no_view(): from now on the article view may not run (what answers, answers before)."""

    def boom(*args, **kwargs):
        raise AssertionError("the view ran")

    return lambda: monkeypatch.setattr(ArticleDetailView, "dispatch", boom)


@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        (BROWSER, "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("*", "br"),
        ("*, br;q=0", "gzip"),
        ("identity", None),
        ("", None),
    ],
)
def test_the_page_is_sent_compressed_as_asked(url, essay, accept, coding):
    CommentFactory(article=essay, body="Words to compress. " * 50)
    plain = Client().get(url)
    response = Client().get(url, HTTP_ACCEPT_ENCODING=accept)
    assert state(response) == "hit"
    assert response.get("Content-Encoding") == coding
    assert "Accept-Encoding" in response["Vary"]
    assert int(response["Content-Length"]) == len(response.content)
    body = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[coding](
        response.content
    )
    assert body == plain.content
    if coding:
        assert len(response.content) < len(plain.content) / 3


def test_no_secret_in_a_compressed_response(url, essay):
    """BREACH needs a secret in a compressed response that also reflects input: the shared
    page holds no token, timestamp or cookie, and is the same bytes for every reader."""
    responses = [Client().get(url, HTTP_ACCEPT_ENCODING=BROWSER) for _ in range(3)]
    assert len({response.content for response in responses}) == 1
    page = brotli.decompress(responses[0].content).decode()
    assert not TOKEN.search(page)
    assert 'name="timestamp" value=""' in page
    assert not any(response.cookies for response in responses)


def test_a_page_this_process_holds_skips_the_middleware_and_the_view(
    url, essay, monkeypatch, no_view
):
    full = Client().get(url)  # miss: through everything
    assert state(full) == "miss"
    calls = []
    from natoblog import middleware

    monkeypatch.setattr(
        middleware.DatabaseUnavailableMiddleware,
        "__call__",
        lambda self, request: calls.append(request) or self.get_response(request),
    )
    no_view()
    short = Client().get(url, HTTP_ACCEPT_ENCODING=BROWSER)
    assert state(short) == "hit"
    assert calls == []  # the rest of the middleware did not run
    for name in PAGE_HEADERS:  # what the whole stack gave the page
        assert short[name] == full[name], name
    assert short["Vary"] == "Accept-Encoding, Cookie"
    assert short["Cache-Control"] == full["Cache-Control"]
    assert brotli.decompress(short.content) == full.content


def test_a_repeat_visit_on_the_short_path_gets_a_304(url, essay, cached, no_view):
    cached()
    no_view()
    etag = Client().get(url)["ETag"]
    again = Client().get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["X-Frame-Options"] == "DENY"


def test_a_changed_page_goes_the_whole_way_again(
    url, essay, cached, django_capture_on_commit_callbacks
):
    cached()
    with django_capture_on_commit_callbacks(execute=True):
        CommentFactory(article=essay, body="Something new.")
    response = Client().get(url)
    assert state(response) == "miss"
    assert "Something new." in response.content.decode()


def test_personal_requests_never_take_the_short_path(url, essay, cached, no_view):
    cached()
    no_view()
    reader = Client()
    reader.cookies["sessionid"] = "whatever"
    with pytest.raises(AssertionError, match="the view ran"):
        reader.get(url)
    with pytest.raises(AssertionError, match="the view ran"):
        Client().get(url + "?utm_source=feed")
    with pytest.raises(AssertionError, match="the view ran"):
        Client().post(url)


def test_a_host_not_allowed_is_refused_not_served(url, essay, cached, settings):
    cached()
    response = Client().get(url, HTTP_HOST="evil.example")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("header", "codings"),
    [
        ("gzip, deflate, br", {"gzip", "deflate", "br"}),
        ("GZIP;q=0.5, br;q=0", {"gzip"}),
        ("br;q=0.0, *;q=0.1", {"*", "gzip"}),
        ("gzip;q=bad", set()),
        (" , ", set()),
    ],
)
def test_accept_encoding_is_read_with_its_weights(header, codings):
    assert encoding.accepted(header) == codings
