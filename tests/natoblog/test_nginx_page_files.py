"""deploy/nginx.conf with the page files (pagecache/files.py, DJANGO_PAGE_FILES_DIR), run: the
shared page served by nginx itself as a static file, precompressed, with the app's headers; a
change shows at once; everyone else still reaches the app; and a comment posts from the page.

Skipped without nginx, unless NATOBLOG_REQUIRE_NGINX=1 (what .ci/run sets).
"""

import io
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from harness.nginx import nginx_process, page_headers_file
from harness.processes import free_port
from tests.factories import CommentFactory
from tests.natoblog.test_nginx import (
    REQUIRE,
    TIMESTAMP,
    TOKEN,
    Reader,
    decoded,
    post_without_javascript,
)
from tests.pagecache.test_short_path import PAGE_HEADERS

pytestmark = [
    pytest.mark.skipif(
        not REQUIRE and shutil.which("nginx") is None,
        reason="nginx not found: apt-get install nginx (.ci/run installs it)",
    ),
    pytest.mark.django_db(transaction=True),
]


@contextmanager
def files_site(live_server, settings):
    """(ports, work directory): nginx in front of the live server, the page files on, nginx
    keeping no copy; make bench's static server beside it (``ports["static"]``)."""
    if shutil.which("nginx") is None:
        pytest.fail("nginx not found (NATOBLOG_REQUIRE_NGINX=1 forbids skipping)", pytrace=False)
    settings.PAGE_CACHE_SECONDS = 3600
    settings.PAGE_CACHE_PROXY_SECONDS = 0
    work = Path(tempfile.mkdtemp(prefix="natoblog-nginx-files-"))
    work.chmod(0o755)  # nginx's workers (nobody) read under it
    settings.PAGE_FILES_DIR = str(work / "pages")
    settings.PAGE_HEADERS_FILE = str(page_headers_file(work))
    headers = io.StringIO()
    call_command("page_headers", "--http", "--host", "127.0.0.1", stdout=headers)
    ports = {"app": urlsplit(live_server.url).port, "nginx": free_port(), "static": free_port()}
    try:
        with nginx_process(work, ports, page_headers=headers.getvalue()):
            yield ports, work
    finally:
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def site(live_server, settings, essay):
    """(nginx's port, the page files' directory)."""
    with files_site(live_server, settings) as (ports, work):
        yield ports["nginx"], work / "pages"


def as_file(reader, url, **headers):
    """The page once nginx serves it as a file: the first plain request fills it."""
    first = reader.get(url, **headers)
    assert first.status == 200
    assert first.headers.get("X-Page-Cache") in ("miss", "hit")  # from the app
    again = reader.get(url, **headers)
    assert again.headers.get("X-Page-Cache") == "file"
    return first, again


def test_the_shared_page_is_a_static_file_with_the_app_s_headers(site, essay):
    port, folder = site
    reader = Reader(port)
    first, again = as_file(reader, essay.get_absolute_url())
    assert again.raw_body == first.raw_body
    assert (folder / "http" / "127.0.0.1" / "articles" / essay.slug / ".page.html").exists()
    assert not TOKEN.search(again.text)
    assert TIMESTAMP.search(again.text).group(1) == ""
    assert reader.cookies == {}
    assert again.headers["Content-Type"] == "text/html; charset=utf-8"
    assert again.headers["Cache-Control"] == "private, no-cache"
    assert "X-Proxy-Cache" not in again.headers  # nginx never asked the app
    for name in PAGE_HEADERS:  # what the app adds, nginx adds to the file
        assert again.headers[name] == first.headers[name], name
    head = reader.request("HEAD", essay.get_absolute_url())
    assert (head.status, head.headers["X-Page-Cache"], head.raw_body) == (200, "file", b"")


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [
        ("gzip, deflate, br", "br"),  # what browsers send
        ("gzip, deflate, br, zstd", "br"),
        ("gzip", "gzip"),
        ("gzip, deflate", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("identity", None),
    ],
)
def test_the_file_comes_precompressed(site, essay, accept, encoding):
    """The app's copy itself (gzip_static, brotli_static), never compressed again by nginx."""
    port, folder = site
    reader = Reader(port)
    plain, _ = as_file(reader, essay.get_absolute_url())
    response = reader.request("GET", essay.get_absolute_url(), {"Accept-Encoding": accept})
    assert response.headers["X-Page-Cache"] == "file"
    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert decoded(response) == plain.raw_body
    copy = {"br": ".br", "gzip": ".gz", None: ""}[encoding]
    page = folder / "http" / "127.0.0.1" / "articles" / essay.slug / f".page.html{copy}"
    assert response.raw_body == page.read_bytes()


def test_a_repeat_visit_gets_a_304_from_the_file(site, essay):
    reader = Reader(site[0])
    _, page = as_file(reader, essay.get_absolute_url())
    again = reader.get(essay.get_absolute_url(), If_None_Match=page.headers["ETag"])
    assert (again.status, again.headers["X-Page-Cache"], again.raw_body) == (304, "file", b"")


def test_a_change_shows_on_the_very_next_request(site, essay):
    reader = Reader(site[0])
    as_file(reader, essay.get_absolute_url())
    CommentFactory(article=essay, body="Shown at once.")  # committed: the files are gone
    after = reader.get(essay.get_absolute_url())
    assert after.headers["X-Page-Cache"] == "miss"  # from the app, which writes them again
    assert "Shown at once." in after.text
    page = reader.get(essay.get_absolute_url())
    assert page.headers["X-Page-Cache"] == "file"
    assert "Shown at once." in page.text


def test_everyone_else_reaches_the_app(site, essay, django_user_model):
    from django.test import Client

    reader = Reader(site[0])
    as_file(reader, essay.get_absolute_url())
    assert reader.get(essay.get_absolute_url() + "?replytocom=1").headers["X-Page-Cache"] != "file"
    user = django_user_model.objects.create_user("lee", "lee@example.com", "pw")
    client = Client()
    client.force_login(user)
    reader.cookies["sessionid"] = client.cookies["sessionid"].value
    mine = reader.get(essay.get_absolute_url())
    assert mine.headers["X-Proxy-Cache"] == "BYPASS"
    assert "You are commenting using your account" in mine.text
    assert TOKEN.search(mine.text)


def test_a_comment_posts_from_the_file_without_javascript(site, essay, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    reader = Reader(site[0])
    as_file(reader, essay.get_absolute_url())
    post_without_javascript(reader, essay, "Posted from the file.")


def test_the_app_is_asked_what_the_reader_sent(site, essay):
    """nginx looks for the page's file under a rewritten URI; what goes on to the app is the
    reader's own: the path, the query (encoded as sent), the method, and the app's answers
    are its own, not nginx's."""
    reader = Reader(site[0])
    as_file(reader, essay.get_absolute_url())
    ben = CommentFactory(article=essay, author_name="Ben")
    encoded = "".join(f"%{ord(digit):02X}" for digit in str(ben.pk))  # "12" as "%31%32"
    reply = reader.get(f"{essay.get_absolute_url()}?replytocom={encoded}")
    assert reply.status == 200
    assert reply.headers["X-Page-Cache"] != "file"
    assert f'name="parent" value="{ben.pk}"' in reply.text  # the form replies to Ben
    missing = reader.get("/articles/no-such-essay/")
    assert missing.status == 404
    assert "Sorry, there is nothing at this address." in missing.text  # the app's 404 page
    options = reader.request("OPTIONS", essay.get_absolute_url())
    # the view's answer: nginx's static module refuses OPTIONS (405), which goes to the app
    assert options.status == 200
    assert "GET" in options.headers["Allow"]


@pytest.mark.parametrize("accept", ["", "gzip", "gzip, deflate, br"])
def test_the_benchmark_s_limit_is_the_same_response_from_a_plain_file(
    live_server, settings, essay, accept
):
    """make bench compares the page file with nginx serving the same bytes as a plain static
    file (harness/nginx.py): with the page's own headers, so that both responses are the same
    size (on loopback, some 500 bytes more can cost a second segment, and 15%)."""
    with files_site(live_server, settings) as (ports, work):
        as_file(Reader(ports["nginx"]), essay.get_absolute_url())
        folder = work / "pages" / "http" / "127.0.0.1" / "articles" / essay.slug
        for copy in ("", ".gz", ".br"):
            shutil.copy(folder / f".page.html{copy}", work / "html" / f"page.html{copy}")
        url = essay.get_absolute_url()
        ours = Reader(ports["nginx"]).request("GET", url, {"Accept-Encoding": accept})
        limit = Reader(ports["static"]).request("GET", "/page.html", {"Accept-Encoding": accept})
        assert ours.headers["X-Page-Cache"] == "file"
        assert (limit.status, limit.raw_body) == (200, ours.raw_body)
        names = {name.lower() for name in ours.headers} - {"x-page-cache"}
        assert {name.lower() for name in limit.headers} == names
        for name in names - {"date", "last-modified", "etag"}:  # the file's own times
            assert limit.headers[name] == ours.headers[name], name
        assert "content-security-policy" in names
