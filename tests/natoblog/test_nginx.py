"""deploy/nginx.conf, run: nginx (its "# site" lines set for 127.0.0.1, as make bench sets them)
in front of the app on pytest-django's live server. Every reader gets the same bytes (no token,
no timestamp, no cookie), compressed by the app once, served from nginx's cache; a repeat
visit gets a 304, a page that changed is sent again, and a comment posts from the page.

Skipped without nginx, unless
NATOBLOG_REQUIRE_NGINX=1: what .ci/run sets, after installing them.
"""

import gzip
import http.client
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import brotli
import pytest
from django.urls import reverse

from comments import actions
from comments.models import Comment
from harness.nginx import nginx_process
from harness.processes import free_port
from tests.conftest import comment_data

REQUIRE = os.environ.get("NATOBLOG_REQUIRE_NGINX") == "1"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
TIMESTAMP = re.compile(r'name="timestamp" value="([^"]*)"')

pytestmark = [
    pytest.mark.skipif(
        not REQUIRE and shutil.which("nginx") is None,
        reason="nginx not found: apt-get install nginx (.ci/run installs it)",
    ),
    pytest.mark.django_db(transaction=True),
]


class Reader:
    """A browser, as far as nginx and the app can tell: its cookies, and the copies it keeps."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, headers=None, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.raw_body = response.read()
        encoded = response.headers.get("Content-Encoding")
        response.text = "" if encoded else response.raw_body.decode()
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path, **headers):
        return self.request("GET", path, {k.replace("_", "-"): v for k, v in headers.items()})


@contextmanager
def deployed_nginx(live_server):
    """nginx with deploy/nginx.conf (as make bench runs it) in front of the live server."""
    if shutil.which("nginx") is None:
        pytest.fail("nginx not found (NATOBLOG_REQUIRE_NGINX=1 forbids skipping)", pytrace=False)
    work = Path(tempfile.mkdtemp(prefix="natoblog-nginx-test-"))
    work.chmod(0o755)  # nginx's workers (nobody) read under it
    ports = {"app": urlsplit(live_server.url).port, "nginx": free_port(), "static": free_port()}
    try:
        with nginx_process(work, ports):
            yield ports["nginx"]
    finally:
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def proxy(live_server, settings, essay):
    """The port readers ask: nginx, with the page cache and the micro-cache on."""
    settings.PAGE_CACHE_SECONDS = 3600
    settings.PAGE_CACHE_PROXY_SECONDS = 30  # longer than any test: what nginx keeps, it serves
    with deployed_nginx(live_server) as port:
        yield port


@pytest.fixture
def essay_url(essay):
    """(Not "page": pytest-playwright has a fixture of that name.)"""
    return essay.get_absolute_url()


def cached_page(reader, essay_url):
    """The page as nginx serves it from its micro-cache (asked until it does)."""
    deadline = time.monotonic() + 10
    while True:
        response = reader.get(essay_url)
        assert response.status == 200
        if response.headers["X-Proxy-Cache"] == "HIT" or time.monotonic() > deadline:
            return response
        time.sleep(0.1)


def decoded(response):
    body = response.raw_body
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    return body


def test_every_reader_of_the_micro_cached_page_gets_the_same_bytes(proxy, essay_url):
    ann, bob = Reader(proxy), Reader(proxy)
    first, second = cached_page(ann, essay_url), cached_page(bob, essay_url)
    assert second.headers["X-Proxy-Cache"] == "HIT"
    assert first.raw_body == second.raw_body
    assert not TOKEN.search(first.text)
    assert TIMESTAMP.search(first.text).group(1) == ""
    assert ann.cookies == bob.cookies == {}  # no cookie set
    for response in (first, second):
        assert re.fullmatch(r'W/"[0-9a-f]{24}"', response.headers["ETag"])
        assert response.headers["Last-Modified"]
        assert "private" in response.headers["Cache-Control"]
    assert first.headers["ETag"] == second.headers["ETag"]


def test_a_repeat_visit_gets_a_304_from_nginx(proxy, essay_url):
    reader = Reader(proxy)
    etag = cached_page(reader, essay_url).headers["ETag"]
    again = reader.get(essay_url, If_None_Match=etag)
    assert again.status == 304
    assert again.text == ""
    assert again.headers["ETag"] == etag
    assert again.headers["X-Proxy-Cache"] == "HIT"  # answered by nginx, from its copy
    other = reader.get(essay_url, If_None_Match='W/"something-else"')
    assert other.status == 200
    assert other.headers["ETag"] == etag


def test_a_page_that_changed_is_sent_again(proxy, essay_url, essay, settings):
    settings.PAGE_CACHE_PROXY_SECONDS = 1
    reader = Reader(proxy)
    etag = cached_page(reader, essay_url).headers["ETag"]
    actions.add_moderated(
        Comment(
            article=essay,
            author_name="Nia",
            author_email="nia@example.com",
            body="A new approved comment.",
            status=Comment.Status.APPROVED,
        )
    )
    deadline = time.monotonic() + 10
    while True:  # within PAGE_CACHE_PROXY_SECONDS
        again = reader.get(essay_url, If_None_Match=etag)
        if again.status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert again.status == 200
    assert "A new approved comment." in again.text
    assert again.headers["ETag"] != etag


def test_a_comment_posts_from_the_micro_cached_page(proxy, essay_url, essay, settings):
    """With JavaScript: the form asks for its timestamp (static/js/form-timestamp.js)."""
    settings.COMMENTS_MIN_SECONDS = 0  # the reader types at once
    reader = Reader(proxy)
    response = cached_page(reader, essay_url)
    assert not TOKEN.search(response.text)
    for _ in range(2):  # never kept: each reader gets their own
        stamp = reader.get(reverse("comments:timestamp"))
        assert stamp.headers["X-Proxy-Cache"] == "MISS"
    body = urlencode(
        comment_data(
            body="Posted through nginx.",
            author_email="pia@example.com",
            timestamp=stamp.text,
        )
    )
    action = reverse("comments:post", kwargs={"slug": essay.slug})
    posted = reader.request("POST", action, {}, body)
    assert posted.status == 302, posted.text[:500]
    assert Comment.objects.filter(body="Posted through nginx.").exists()
    # the author, now with a session, gets their own page from the app, never nginx's copy
    mine = reader.get(urlsplit(posted.headers["Location"]).path)
    assert mine.headers["X-Proxy-Cache"] == "BYPASS"
    assert "Posted through nginx." in mine.text
    assert TOKEN.search(mine.text)  # their page is theirs: it holds their token
    assert "Posted through nginx." not in cached_page(Reader(proxy), essay_url).text
    assert not TOKEN.search(cached_page(Reader(proxy), essay_url).text)


def test_a_comment_posts_from_the_micro_cached_page_without_javascript(
    proxy, essay_url, essay, settings
):
    settings.COMMENTS_MIN_SECONDS = 0
    reader = Reader(proxy)
    cached_page(reader, essay_url)
    post_without_javascript(reader, essay, "No scripts, through nginx.")


def post_without_javascript(reader, essay, body):
    """A reader without JavaScript posts from the shared page (no timestamp, no token): asked
    to confirm, the text kept, then stored on the second post."""
    action = reverse("comments:post", kwargs={"slug": essay.slug})
    data = comment_data(body=body, timestamp="")
    first = reader.request("POST", action, {}, urlencode(data))
    assert first.status == 400
    assert "Please confirm your comment" in first.text
    assert body in first.text
    data["timestamp"] = TIMESTAMP.search(first.text).group(1)
    data["csrfmiddlewaretoken"] = TOKEN.search(first.text).group(1)
    again = reader.request("POST", action, {}, urlencode(data))
    assert again.status == 302, again.text[:500]
    assert Comment.objects.filter(body=body).exists()


def test_a_logged_in_reader_is_never_served_the_shared_copy_nor_a_post_without_token(
    proxy, essay_url, essay, django_user_model
):
    from django.test import Client

    user = django_user_model.objects.create_user("lee", "lee@example.com", "pw")
    client = Client()
    client.force_login(user)
    reader = Reader(proxy)
    cached_page(reader, essay_url)
    reader.cookies.update({"sessionid": client.cookies["sessionid"].value})
    mine = reader.get(essay_url)
    assert mine.headers["X-Proxy-Cache"] == "BYPASS"
    assert "You are commenting using your account" in mine.text
    action = reverse("comments:post", kwargs={"slug": essay.slug})
    forged = reader.request("POST", action, {}, urlencode(comment_data(body="Forged.")))
    assert forged.status == 403
    assert not Comment.objects.filter(body="Forged.").exists()


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [
        ("gzip", "gzip"),
        ("gzip, deflate, br", "br"),  # what browsers send
        ("gzip, deflate, br, zstd", "br"),
        ("gzip, deflate", "gzip"),
        ("Deflate, BR;q=1.0, GZIP", "br"),
        ("br", "br"),
        ("br;q=0, gzip", "gzip"),
        ("identity", None),
    ],
)
def test_the_shared_page_comes_precompressed_from_nginx_s_cache(
    proxy, essay_url, accept, encoding
):
    reader = Reader(proxy)
    plain = cached_page(reader, essay_url)
    deadline = time.monotonic() + 10
    while True:
        response = reader.request("GET", essay_url, {"Accept-Encoding": accept})
        if response.headers["X-Proxy-Cache"] == "HIT" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert response.headers["X-Proxy-Cache"] == "HIT"
    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert decoded(response) == plain.raw_body
    assert response.headers["ETag"] == plain.headers["ETag"]


def test_pages_rendered_for_one_reader_are_compressed_by_nginx(proxy, essay_url, essay):
    """A page with the reader's token: compressed per response by nginx (the app never
    compresses those); Django masks the token afresh in every response."""
    reader = Reader(proxy)
    reader.cookies["comment_author_name"] = "Ann"
    response = reader.request("GET", essay_url, {"Accept-Encoding": "gzip"})
    assert response.headers["X-Proxy-Cache"] == "BYPASS"
    assert response.headers.get("Content-Encoding") == "gzip"
    assert TOKEN.search(decoded(response).decode())


def test_without_the_brotli_modules_the_site_runs_with_gzip(live_server, essay, monkeypatch):
    """deploy/nginx.conf includes deploy/nginx-brotli.conf only where it was copied; the
    shared page is the app's Brotli copy either way."""
    monkeypatch.setattr("harness.nginx.has_brotli", lambda: False)  # no load_module, no snippet
    with deployed_nginx(live_server) as port:
        reader = Reader(port)
        reader.cookies["comment_author_name"] = "Ann"  # a page rendered for one reader
        for accept, encoding in (("gzip, deflate, br", "gzip"), ("br", None)):
            response = reader.request("GET", essay.get_absolute_url(), {"Accept-Encoding": accept})
            assert response.status == 200
            assert response.headers.get("Content-Encoding") == encoding
