"""deploy/nginx.conf, run: nginx (its "# site" lines set for 127.0.0.1, as make bench sets them)
in front of the app on pytest-django's live server. Each reader gets their own CSRF token and
an ETag of their own, a repeat visit gets a 304, and a page that changed is sent again.

Skipped without nginx (the brotli cases without Debian's brotli modules for nginx), unless
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
from django.middleware.csrf import _does_token_match
from django.urls import reverse

from comments import actions
from comments.models import Comment
from harness.nginx import has_brotli, nginx_process
from harness.processes import free_port
from pagecache.cache import READER_TAG_LENGTH
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


def test_each_reader_of_the_micro_cached_page_has_their_own_token_and_etag(proxy, essay_url):
    ann, bob = Reader(proxy), Reader(proxy)
    first, second = cached_page(ann, essay_url), cached_page(bob, essay_url)
    assert second.headers["X-Proxy-Cache"] == "HIT"
    tokens = {reader: set(TOKEN.findall(r.text)) for reader, r in ((ann, first), (bob, second))}
    # every form on the page carries the reader's own token, the secret of their cookie
    assert tokens[ann] == {ann.cookies["csrftoken"]}
    assert tokens[bob] == {bob.cookies["csrftoken"]}
    assert tokens[ann] != tokens[bob]
    for reader, response in ((ann, first), (bob, second)):
        etag = response.headers["ETag"]
        assert re.fullmatch(r'W/"[0-9a-f]{24}-[A-Za-z0-9]+"', etag)
        assert etag.endswith(reader.cookies["csrftoken"][:READER_TAG_LENGTH] + '"')
        assert response.headers["Last-Modified"]
        assert "private" in response.headers["Cache-Control"]
        assert "X-Page-Tag" not in response.headers  # nginx's to use, not the browser's
    assert first.headers["ETag"] != second.headers["ETag"]


def test_a_repeat_visit_gets_a_304_without_the_page_being_rendered(proxy, essay_url):
    reader = Reader(proxy)
    etag = cached_page(reader, essay_url).headers["ETag"]
    again = reader.get(essay_url, If_None_Match=etag)
    assert again.status == 304
    assert again.text == ""
    assert again.headers["ETag"] == etag
    assert again.headers["X-Proxy-Cache"] == "BYPASS"  # answered by the app ...
    assert again.headers["X-Page-Cache"] == "hit"  # ... from its page cache, not rendered
    # what the app answers itself keeps the app's validators (an empty add_header in nginx
    # would have removed them)
    personal = reader.get(essay_url, If_None_Match='W/"something-else"')
    assert personal.status == 200
    assert personal.headers["ETag"] == etag


def test_the_copy_is_not_reused_with_another_cookie(proxy, essay_url):
    reader = Reader(proxy)
    etag = cached_page(reader, essay_url).headers["ETag"]
    old_token = reader.cookies["csrftoken"]
    reader.cookies["csrftoken"] = "N" * 32  # the reader's cookie changed (expired, cleared)
    again = reader.get(essay_url, If_None_Match=etag)
    assert again.status == 200
    tokens = set(TOKEN.findall(again.text))  # from the app: masked, each matches the cookie
    assert tokens
    assert all(_does_token_match(token, "N" * 32) for token in tokens)
    assert old_token not in again.text
    assert again.headers["ETag"].endswith('-NNNNNNNN"')


def test_a_page_that_changed_is_sent_again(proxy, essay_url, essay):
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
    again = reader.get(essay_url, If_None_Match=etag)
    assert again.status == 200
    assert "A new approved comment." in again.text
    assert again.headers["ETag"] != etag


def test_a_comment_posts_from_the_micro_cached_page(proxy, essay_url, essay, settings):
    # nginx passes the host without the port (the site listens on 80 or 443, this test's
    # nginx on another port): the origin the browser sends names that port.
    settings.CSRF_TRUSTED_ORIGINS = [f"http://127.0.0.1:{proxy}"]
    settings.COMMENTS_MIN_SECONDS = 0  # the reader types at once (the timestamp is the page's)
    reader = Reader(proxy)
    response = cached_page(reader, essay_url)
    body = urlencode(
        comment_data(
            body="Posted through nginx.",
            author_email="pia@example.com",
            csrfmiddlewaretoken=TOKEN.search(response.text).group(1),
            timestamp=TIMESTAMP.search(response.text).group(1),
        )
    )
    action = reverse("comments:post", kwargs={"slug": essay.slug})
    posted = reader.request("POST", action, {"Origin": f"http://127.0.0.1:{proxy}"}, body)
    assert posted.status == 302, posted.text[:500]
    assert Comment.objects.filter(body="Posted through nginx.").exists()
    # the author, now with a session, gets their own page from the app, never nginx's copy
    mine = reader.get(urlsplit(posted.headers["Location"]).path)
    assert mine.headers["X-Proxy-Cache"] == "BYPASS"
    assert "Posted through nginx." in mine.text
    assert "Posted through nginx." not in cached_page(Reader(proxy), essay_url).text


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [("gzip", "gzip"), ("gzip, deflate, br", "br"), ("br", "br"), ("identity", None)],
)
def test_pages_are_compressed_for_each_reader(proxy, essay_url, accept, encoding):
    if encoding == "br" and not has_brotli():
        missing = "Debian's libnginx-mod-http-brotli-filter and -static are not installed"
        pytest.fail(missing) if REQUIRE else pytest.skip(missing)
    reader = Reader(proxy)
    cached_page(reader, essay_url)
    response = reader.request("GET", essay_url, {"Accept-Encoding": accept})
    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    body = response.raw_body
    if encoding == "br":
        body = brotli.decompress(body)
    elif encoding == "gzip":
        body = gzip.decompress(body)
    # compressed after each reader's token went in
    assert set(TOKEN.findall(body.decode())) == {reader.cookies["csrftoken"]}


def test_without_the_brotli_modules_the_site_runs_with_gzip(live_server, essay, monkeypatch):
    """deploy/nginx.conf includes deploy/nginx-brotli.conf only where it was copied."""
    monkeypatch.setattr("harness.nginx.has_brotli", lambda: False)  # no load_module, no snippet
    with deployed_nginx(live_server) as port:
        reader = Reader(port)
        for accept, encoding in (("gzip, deflate, br", "gzip"), ("br", None)):
            response = reader.request("GET", essay.get_absolute_url(), {"Accept-Encoding": accept})
            assert response.status == 200
            assert response.headers.get("Content-Encoding") == encoding
