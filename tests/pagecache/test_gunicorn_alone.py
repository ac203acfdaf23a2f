"""Gunicorn alone (no nginx in front): deploy/gunicorn.conf.py's gthread mode keeps each
client's connection open and serves the shared page, compressed as asked, from several
threads at once; the default (sync, behind nginx) closes the connection after each response.

The site runs under gunicorn as deployed, on a throwaway SQLite file with the page cache on
(the settings of tests/pagecache/test_across_processes.py: no Redis, the page versions in the
directory every process shares).
"""

import gzip
import http.client
import runpy
import threading

import brotli
import pytest

from harness import ROOT
from harness.processes import free_port, gunicorn, manage
from tests.pagecache.test_across_processes import URL, site_environment

CONF = ROOT / "deploy" / "gunicorn.conf.py"
BROWSER = "gzip, deflate, br"
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}
ALONE = {"GUNICORN_WORKER_CLASS": "gthread", "GUNICORN_WORKERS": "1"}


def settings_with(monkeypatch, **env):
    for name in (
        "GUNICORN_WORKER_CLASS",
        "GUNICORN_THREADS",
        "GUNICORN_KEEPALIVE",
        "GUNICORN_MAX_REQUESTS",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_behind_nginx_by_default_sync_workers_one_thread(monkeypatch):
    conf = settings_with(monkeypatch)
    assert (conf["worker_class"], conf["threads"]) == ("sync", 1)


def test_alone_threaded_workers_that_keep_connections_open(monkeypatch):
    conf = settings_with(monkeypatch, GUNICORN_WORKER_CLASS="gthread")
    assert (conf["worker_class"], conf["threads"], conf["keepalive"]) == ("gthread", 4, 5)
    conf = settings_with(
        monkeypatch, GUNICORN_WORKER_CLASS="gthread", GUNICORN_THREADS="8", GUNICORN_KEEPALIVE="2"
    )
    assert (conf["threads"], conf["keepalive"]) == (8, 2)


def test_workers_restart_after_many_requests_but_in_the_uvicorn_mode(monkeypatch):
    """A count of requests is no measure of a leak where most are cached pages answered in
    microseconds (and a restart under load held requests for 100 ms and more)."""

    def restarts(**env):
        conf = settings_with(monkeypatch, **env)
        return conf["max_requests"], conf["max_requests_jitter"]

    assert restarts() == (200_000, 20_000)
    assert restarts(GUNICORN_WORKER_CLASS="gthread") == (200_000, 20_000)
    assert restarts(GUNICORN_WORKER_CLASS="uvicorn") == (0, 0)
    assert restarts(GUNICORN_WORKER_CLASS="uvicorn", GUNICORN_MAX_REQUESTS="5000") == (5000, 500)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GUNICORN_THREADS": "4"}, "GUNICORN_THREADS needs GUNICORN_WORKER_CLASS=gthread"),
        ({"GUNICORN_WORKER_CLASS": "gevent"}, "GUNICORN_WORKER_CLASS='gevent'"),
    ],
)
def test_a_mode_not_said_outright_is_refused(monkeypatch, env, message):
    with pytest.raises(ValueError, match=message):
        settings_with(monkeypatch, **env)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The settings of a migrated throwaway SQLite database with the page cache on."""
    work = tmp_path_factory.mktemp("gunicorn-alone")
    env = site_environment(work / "var", work / "db.sqlite3")
    manage(env, "migrate", "--noinput", "-v0")
    return env


def get(connection, encoding=""):
    """(response, its body decoded) on ``connection``, asking for ``encoding``."""
    connection.request("GET", URL, headers={"Accept-Encoding": encoding} if encoding else {})
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200
    return response, DECODE[response.getheader("Content-Encoding")](body)


def test_sync_workers_close_the_connection_after_each_response(site):
    port = free_port()
    with gunicorn(site | {"GUNICORN_WORKERS": "1"}, port):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        response, _ = get(connection)
        assert response.getheader("Connection") == "close"
        assert response.will_close
        connection.close()


def test_alone_the_cached_page_comes_compressed_on_one_connection_kept_open(site):
    port = free_port()
    with gunicorn(site | ALONE, port):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        _, page = get(connection)  # fills the cache
        socket = connection.sock
        for encoding, coding in [(BROWSER, "br"), ("gzip", "gzip"), ("", None)] * 3:
            response, body = get(connection, encoding)
            assert response.getheader("X-Page-Cache") == "hit"
            assert response.getheader("Content-Encoding") == coding
            assert "Accept-Encoding" in response.getheader("Vary")
            assert response.getheader("Content-Security-Policy")  # the whole stack's headers
            assert body == page
            assert not response.will_close
            assert connection.sock is socket  # the same connection, every time
        connection.close()
    assert b"Leave a Reply" in page


def test_alone_several_threads_at_once_each_get_the_same_page(site):
    """Readers at once on one worker's threads: each gets the page every other gets, in the
    encoding it asked for (the short path's per-process copies are shared by the threads)."""
    port = free_port()
    with gunicorn(site | ALONE | {"GUNICORN_THREADS": "4"}, port):
        page = get(http.client.HTTPConnection("127.0.0.1", port, timeout=30))[1]
        readers_at_once_get(page, port, get)


def readers_at_once_get(page, port, fetch, readers=8, rounds=15):
    """``readers`` on connections of their own, started at once, each asking ``rounds`` times
    (``fetch(connection, accept_encoding)``: the response and its decoded body) by turns as
    browsers do, for gzip and as is: each gets ``page``, in the encoding it asked for."""
    start = threading.Barrier(readers)
    seen, failures = [], []

    def read(n):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            start.wait()
            for i in range(rounds):
                response, body = fetch(connection, (BROWSER, "gzip", "")[(n + i) % 3])
                seen.append((response.getheader("Content-Encoding"), body == page))
        except Exception as error:  # reported below, with the thread
            failures.append((n, repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=read, args=(n,)) for n in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert len(seen) == readers * rounds
    assert all(same for _, same in seen)
    assert {coding for coding, _ in seen} == {"br", "gzip", None}
