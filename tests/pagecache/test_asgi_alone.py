"""Gunicorn alone in its uvicorn mode (deploy/gunicorn.conf.py): uvicorn workers serving
natoblog.asgi, whose short path (pagecache/asgi.py) answers a page the process holds from the
ASGI scope, with the bytes and headers the WSGI short path gives it, as fresh; everything
else goes to Django's ASGI handler.

The site runs under gunicorn as deployed, on a throwaway SQLite file with the page cache on
(the settings of tests/pagecache/test_across_processes.py: no Redis, the page versions in the
directory every process shares).
"""

import asyncio
import gzip
import http.client
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse

import brotli
import pytest
import uvloop
from django.test import Client

from harness import ROOT
from harness.databases import redis_prefix
from harness.processes import free_port, gunicorn, gunicorn_command, manage
from pagecache import asgi as short_path
from pagecache import cache as page_cache
from tests.pagecache.test_across_processes import (
    ADD_APPROVED,
    URL,
    redis_url,
    site_environment,
)
from tests.pagecache.test_gunicorn_alone import readers_at_once_get, settings_with

BROWSER = "gzip, deflate, br"
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}
UVICORN = {"GUNICORN_WORKER_CLASS": "uvicorn", "GUNICORN_WORKERS": "1"}
# What the server adds to every response, or what belongs to one connection
NOT_THE_PAGES = {"date", "server", "connection", "keep-alive"}
SECURITY = [
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
]
SESSION = """
from django.contrib.auth import get_user_model
from django.test import Client

user = get_user_model().objects.create_user("olga", "olga@example.com", "a long passphrase")
client = Client()
client.force_login(user)
print(client.cookies["sessionid"].value)
"""


def test_the_uvicorn_mode_serves_natoblog_asgi_with_keep_alive(monkeypatch):
    conf = settings_with(monkeypatch, GUNICORN_WORKER_CLASS="uvicorn")
    assert conf["worker_class"] == "pagecache.protocol.UvicornWorker"
    assert conf["wsgi_app"] == "natoblog.asgi:application"
    assert (conf["threads"], conf["keepalive"]) == (1, 5)
    with pytest.raises(ValueError, match="GUNICORN_THREADS needs"):
        settings_with(monkeypatch, GUNICORN_WORKER_CLASS="uvicorn", GUNICORN_THREADS="4")
    assert settings_with(monkeypatch)["wsgi_app"] == "natoblog.wsgi:application"


@pytest.fixture(
    scope="module",
    params=[
        "files",
        pytest.param(
            "redis", marks=pytest.mark.skipif(not redis_url(), reason="REDIS_URL is not set")
        ),
    ],
)
def site(request, tmp_path_factory):
    """The settings of a migrated throwaway SQLite database with the page cache on (exact:
    no PAGE_CACHE_PROXY_SECONDS); the versions in the shared directory, or in Redis (with
    REDIS_URL set: keys under a prefix of their own, deleted at the end)."""
    work = tmp_path_factory.mktemp("asgi-alone")
    env = site_environment(work / "var", work / "db.sqlite3")
    manage(env, "migrate", "--noinput", "-v0")
    if request.param == "files":
        yield env
        return
    prefix = f"asgi-alone-test-{secrets.token_hex(4)}"
    with redis_prefix(redis_url(), prefix):
        yield env | {"REDIS_URL": redis_url(), "CACHE_KEY_PREFIX": prefix}


def shell(site, code):
    return manage(site, "shell", "-c", code, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def server(site):
    """127.0.0.1:port of gunicorn in its uvicorn mode, one worker."""
    port = free_port()
    with gunicorn(site | UVICORN, port):
        yield port


def ask(port, method="GET", path=URL, headers=None, connection=None, body=None):
    """(response, its body decoded, the connection). Host: 127.0.0.1 unless said, whatever
    the port: the same page (page key) from every server."""
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, body=body, headers={"Host": "127.0.0.1"} | (headers or {}))
    response = connection.getresponse()
    raw = response.read()
    coding = response.getheader("Content-Encoding")
    return response, DECODE[coding](raw) if raw else raw, connection


def page_headers(response):
    """The headers a page was sent with, but the server's own; the policy's directives in a
    set (django-csp writes them in an order of each process's own)."""
    headers = {
        name.lower(): value
        for name, value in response.getheaders()
        if name.lower() not in NOT_THE_PAGES
    }
    if "content-security-policy" in headers:
        headers["content-security-policy"] = set(headers["content-security-policy"].split("; "))
    return headers


def test_a_module_not_the_modes_is_refused(site):
    command = gunicorn_command("-c", "deploy/gunicorn.conf.py", "natoblog.wsgi")
    env = site | UVICORN | {"GUNICORN_BIND": f"127.0.0.1:{free_port()}"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "GUNICORN_WORKER_CLASS=uvicorn serves natoblog.asgi, not natoblog.wsgi" in done.stderr


def test_the_short_path_answers_as_the_whole_stack_and_the_wsgi_short_path_do(site):
    """The same headers (but the server's own: Date, Server) and the same bytes, in each
    encoding and for a 304: from the whole stack, from this short path, and from the WSGI
    one (pagecache.middleware under gunicorn's sync workers), on the same site."""
    answers = {}
    port = free_port()
    with gunicorn(site | UVICORN, port):  # the page stored: each server's first is a hit
        ask(port)
    for mode in ("uvicorn", "sync"):
        port = free_port()
        with gunicorn(site | UVICORN | {"GUNICORN_WORKER_CLASS": mode}, port):
            connection = None
            for accept in (BROWSER, "gzip", "", "304"):
                headers = {"Accept-Encoding": accept} if accept != "304" else {}
                if accept == "304":
                    headers["If-None-Match"] = answers[mode, ""][0]["etag"]
                # the server's first request goes through the whole stack, the next ones
                # take the short path
                first, body, connection = ask(port, headers=headers, connection=connection)
                short, again, connection = ask(port, headers=headers, connection=connection)
                assert page_headers(short) == page_headers(first), (mode, accept)
                assert again == body
                answers[mode, accept] = (page_headers(short), again, short.status)
    for accept in (BROWSER, "gzip", "", "304"):
        assert answers["uvicorn", accept] == answers["sync", accept], accept
    headers, page, status = answers["uvicorn", BROWSER]
    assert (status, headers["x-page-cache"], headers["content-encoding"]) == (200, "hit", "br")
    assert "Accept-Encoding" in headers["vary"]
    assert set(headers["cache-control"].split(", ")) == {"no-cache", "private"}
    assert int(headers["content-length"]) < len(page) / 3
    assert all(headers[name.lower()] for name in SECURITY)
    assert answers["uvicorn", "gzip"][1] == answers["uvicorn", ""][1] == page
    assert answers["uvicorn", "304"][2] == 304
    assert b"Leave a Reply" in page


def test_head_and_a_repeat_visit(server):
    _, page, connection = ask(server)
    get, _, connection = ask(server, connection=connection)
    head, body, connection = ask(server, "HEAD", connection=connection)
    assert (head.status, body, head.getheader("X-Page-Cache")) == (200, b"", "hit")
    assert head.getheader("Content-Length") == get.getheader("Content-Length")
    assert head.getheader("ETag") == get.getheader("ETag")
    again, body, _ = ask(server, headers={"If-None-Match": get.getheader("ETag")})
    assert (again.status, body, again.getheader("X-Frame-Options")) == (304, b"", "DENY")
    stale, body, _ = ask(server, headers={"If-None-Match": 'W/"another"'})
    assert stale.status == 200
    assert body == page


def test_a_reader_with_a_session_or_credentials_is_never_served_the_shared_page(site, server):
    ask(server)
    assert ask(server)[0].getheader("X-Page-Cache") == "hit"
    session = shell(site, SESSION).split()[-1]
    for headers in (
        {"Cookie": f"sessionid={session}"},
        {"Cookie": "csrftoken=abc; sessionid=whatever"},
        {"Authorization": "Basic b2xnYTpwYXNz"},
    ):
        response, page, _ = ask(server, headers=headers | {"Accept-Encoding": BROWSER})
        assert response.status == 200
        assert response.getheader("X-Page-Cache") is None, headers  # rendered for them
        assert response.getheader("Content-Encoding") is None
        assert b'name="csrfmiddlewaretoken"' in page
    mine = ask(server, headers={"Cookie": f"sessionid={session}"})[1].decode()
    assert "You are commenting using your account" in mine
    assert "olga" not in ask(server)[1].decode()
    assert ask(server, path=URL + "?utm_source=feed")[0].getheader("X-Page-Cache") is None


def test_a_comment_posted_through_it_is_on_the_next_page(site, server):
    shell(site, ADD_APPROVED.format(body="Ann's first words."))  # her next: approved at once
    assert ask(server)[0].getheader("X-Page-Cache") in ("hit", "miss")
    assert ask(server)[0].getheader("X-Page-Cache") == "hit"
    timestamp = ask(server, path="/comments/timestamp/")[1].decode().strip()
    form = {
        "timestamp": timestamp,
        "honeypot": "",
        "body": "Ann's words through uvicorn.",
        "author_name": "Ann Reader",
        "author_email": "ann@example.com",
        "author_url": "",
    }
    posted, _, _ = ask(
        server,
        "POST",
        "/comments/post/the-future-of-nato/",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urllib.parse.urlencode(form),
    )
    assert posted.status == 302, posted.getheader("Location")
    response, page, _ = ask(server, headers={"Accept-Encoding": BROWSER})
    assert response.getheader("X-Page-Cache") == "miss"
    assert "Ann's words through uvicorn." in page.decode()


def test_a_change_from_another_process_is_on_the_very_next_request(site, server):
    ask(server)
    assert ask(server)[0].getheader("X-Page-Cache") == "hit"
    shell(site, ADD_APPROVED.format(body="Approved in a shell."))
    response, page, _ = ask(server)
    assert response.getheader("X-Page-Cache") == "miss"
    assert "Approved in a shell." in page.decode()


def test_with_a_bound_a_change_is_on_the_page_once_the_bound_has_passed(site):
    """PAGE_CACHE_PROXY_SECONDS=2: each worker reads a page's version at most every 2 s (as
    nginx keeps a page 2 s): a change is served at most 2 s later."""
    port = free_port()
    with gunicorn(site | UVICORN | {"PAGE_CACHE_PROXY_SECONDS": "2"}, port):
        ask(port)
        assert ask(port)[0].getheader("X-Page-Cache") == "hit"
        shell(site, ADD_APPROVED.format(body="Seen within the bound."))
        changed = time.monotonic()
        time.sleep(max(0.0, changed + 2.05 - time.monotonic()))
        assert "Seen within the bound." in ask(port)[1].decode()


def test_everything_else_goes_to_django(server):
    static = ask(server, path="/static/js/form-timestamp.js")[0]
    assert static.status == 200
    assert "javascript" in static.getheader("Content-Type")
    login = ask(server, path="/admin/login/")
    assert login[0].status == 200
    assert b"csrfmiddlewaretoken" in login[1]
    assert ask(server, path="/no-such-page/")[0].status == 404
    assert ask(server, headers={"Host": "evil.example"})[0].status == 400


def test_readers_at_once_each_get_the_same_page(server):
    """Readers at once on one worker's event loop (which share each version read): each gets
    the page every other gets, in the encoding it asked for."""

    def fetch(connection, encoding):
        return ask(server, headers={"Accept-Encoding": encoding}, connection=connection)[:2]

    readers_at_once_get(ask(server)[1], server, fetch)


# In-process: the short path's answer from what the WSGI stack taught this process


def scope_for(path, headers=(), method="GET", query=b""):
    return {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"testserver"), *headers],
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
    }


def test_in_process_the_asgi_answer_is_the_wsgi_short_paths(url, essay, cached):
    cached()  # the whole stack, then the WSGI short path: this process knows the page
    for accept in (BROWSER, "gzip", ""):
        wsgi = Client().get(url, HTTP_ACCEPT_ENCODING=accept)
        answer = short_path._answer(scope_for(url, [(b"accept-encoding", accept.encode())]))
        assert (answer.status, answer.body) == (200, wsgi.content)
        sent = {name.decode(): value.decode() for name, value in answer.headers}
        assert sent == dict(wsgi.items()), accept
    etag = wsgi["ETag"].encode()
    assert short_path._answer(scope_for(url, [(b"if-none-match", etag)])).status == 304


@pytest.mark.parametrize(
    "scope",
    [
        scope_for(URL, [(b"cookie", b"sessionid=whatever")]),
        scope_for(URL, [(b"cookie", b"csrftoken=abc; remembered=1")]),
        scope_for(URL, [(b"authorization", b"Basic b2xnYTpwYXNz")]),
        scope_for(URL, query=b"replytocom=1"),
        scope_for(URL, [(b"accept-encoding", b"br"), (b"accept-encoding", b"gzip")]),
        scope_for(URL, [(b"host", b"evil.example")]),
        scope_for("/articles/another/"),
    ],
    ids=["session", "another cookie", "credentials", "query", "twice", "host", "unknown"],
)
def test_in_process_anything_but_a_plain_request_for_a_known_page_goes_to_django(
    url, essay, cached, scope
):
    assert url == URL
    cached()
    assert short_path._answer(scope_for(url)) is not None
    assert short_path._answer(scope) is None


def test_in_process_a_changed_page_goes_to_django(url, essay, cached):
    cached()
    assert short_path._answer(scope_for(url)) is not None
    page_cache._bump([essay.slug])  # what another process does after a commit
    assert short_path._answer(scope_for(url)) is None


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_exact_a_version_read_serves_only_the_requests_that_arrived_before_it(settings, loop):
    """PAGE_CACHE_PROXY_SECONDS=0: a request whose task was scheduled before the read uses
    it; one scheduled after reads again (on asyncio's loop and on uvloop's, which the
    uvicorn workers run)."""
    settings.PAGE_CACHE_PROXY_SECONDS = 0
    seen = {}

    async def request(name, versions):
        seen[name] = versions.fresh().get("v")

    async def main():
        versions = short_path.Versions()
        before = asyncio.ensure_future(request("arrived before", versions))
        versions["v"] = "read now"
        after = asyncio.ensure_future(request("arrived after", versions))
        await asyncio.gather(before, after)
        await asyncio.sleep(0)
        seen["later"] = versions.get("v")

    factory = uvloop.new_event_loop if loop == "uvloop" else asyncio.new_event_loop
    run_apart(main, factory)
    assert seen == {"arrived before": "read now", "arrived after": None, "later": None}


def test_bounded_a_version_is_read_again_once_the_bound_has_passed(settings, monkeypatch):
    settings.PAGE_CACHE_PROXY_SECONDS = 2
    now = [100.0]
    monkeypatch.setattr(short_path.time, "monotonic", lambda: now[0])

    async def main():
        versions = short_path.Versions()
        versions["v"] = "read at 100"
        await asyncio.sleep(0)  # a later request: still kept
        now[0] = 101.9
        kept = versions.fresh().get("v")
        now[0] = 102.0
        return kept, versions.fresh().get("v")

    assert run_apart(main) == ("read at 100", None)


def run_apart(main, loop_factory=None):
    """``main()`` on an event loop of its own, in a thread of its own: the browser tests'
    Playwright leaves a loop running in this one."""
    done = {}

    def run():
        try:
            with asyncio.Runner(loop_factory=loop_factory) as runner:
                done["result"] = runner.run(main())
        except BaseException as error:  # raised again in the test's thread
            done["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in done:
        raise done["error"]
    return done["result"]


def test_under_asgi_database_connections_are_closed_after_each_request(site):
    """Each request's views run in a thread of its own there: a connection kept open would
    never be used again."""
    show = "import natoblog.asgi; from django.conf import settings; "
    show += "print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    env = site | {"DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"}
    for extra, shown in (
        ({}, "0"),
        ({"DATABASE_CONN_MAX_AGE": ""}, "0"),
        ({"DATABASE_CONN_MAX_AGE": "30"}, "30"),
    ):
        done = subprocess.run(
            [sys.executable, "-c", show],
            cwd=ROOT,
            env=env | extra,
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stdout.split()[-1] == shown
