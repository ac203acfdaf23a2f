"""The page cache across the site's processes: a change made by one process (a ``manage.py``
shell, a gunicorn worker) is seen at once by every other (each of gunicorn's workers).

The site runs under gunicorn as deployed (deploy/gunicorn.conf.py, 2 workers) on a throwaway
SQLite file, with the page cache on (an hour), in the embedded default: no REDIS_URL, so the
page versions are in the directory every process shares (natoblog/settings.py,
PAGE_CACHE_ALIAS). With REDIS_URL set, each test also runs with Redis (keys under a prefix of
their own, deleted at the end).

Which worker answered each request is written down by a ``pre_request`` hook (gunicorn's
settings, plus the hook), so that a test asks until both workers have answered.
"""

import http.client
import os
import re
import secrets
import shutil
import socket
import time
import urllib.parse

import pytest

from harness import ROOT
from harness.databases import redis_prefix
from harness.processes import (
    free_port,
    gunicorn_command,
    loopback_environment,
    manage,
    running,
    wait_for,
)

URL = "/articles/the-future-of-nato/"
WORKERS = 2
MAX_REQUESTS = 200  # asked until every worker has answered; they take turns at random
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
TIMESTAMP = re.compile(r'name="timestamp" value="([^"]*)"')
STRIP = (
    "DJANGO_",
    "DATABASE_",
    "REDIS_",
    "SQLITE_",
    "CACHE_KEY_PREFIX",
    "PAGE_CACHE",
    "COMMENTS_",
    "GUNICORN_",
)
# The deployed gunicorn settings, and each request's worker written to a file.
GUNICORN_CONF = """\
import os

exec(open({deploy!r}).read())


def pre_request(worker, req):
    with open({log!r}, "a") as log:
        log.write(f"{{os.getpid()}}\\n")
"""

ADD_APPROVED = """
from articles.models import Article
from comments import actions
from comments.models import Comment

actions.add_moderated(
    Comment(
        article=Article.objects.get(slug="the-future-of-nato"),
        author_name="Ann Reader",
        author_email="ann@example.com",
        body={body!r},
        status=Comment.Status.APPROVED,
    )
)
"""

MARK_SPAM = """
from comments import actions
from comments.models import Comment

actions.change_status(
    list(Comment.objects.filter(body={body!r})), Comment.Status.SPAM, "Marked from a shell"
)
"""


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A migrated SQLite database, made once."""
    work = tmp_path_factory.mktemp("pagecache-processes")
    manage(site_environment(work / "var", work / "db.sqlite3"), "migrate", "--noinput", "-v0")
    return work


def site_environment(var_dir, sqlite_path, **settings):
    """The settings of `make run` (the embedded defaults: no REDIS_URL, no DATABASE_URL), on
    loopback; DEBUG on, so there are no static files to collect first (18 s)."""
    return loopback_environment(
        STRIP,
        var_dir=var_dir,
        static_root=var_dir / "static",
        DJANGO_SETTINGS_MODULE="natoblog.settings",
        DJANGO_DEBUG="1",
        SQLITE_PATH=str(sqlite_path),
        PAGE_CACHE_SECONDS="3600",
        PAGE_CACHE_PROXY_SECONDS="0",
        COMMENTS_MIN_SECONDS="0",  # the test posts the form at once
        GUNICORN_WORKERS=str(WORKERS),
        GUNICORN_LOG_LEVEL="warning",
        PYTHONDONTWRITEBYTECODE="1",
        **settings,
    )


def redis_url():
    return os.environ.get("REDIS_URL", "")


@pytest.fixture(
    params=[
        "files",
        pytest.param(
            "redis",
            marks=pytest.mark.skipif(not redis_url(), reason="REDIS_URL is not set"),
        ),
    ]
)
def site(request, prepared, tmp_path):
    """The site's settings for this test: its own copy of the database and its own var/ (the
    page cache's directory); with Redis, a key prefix of its own."""
    shutil.copy(prepared / "db.sqlite3", tmp_path / "db.sqlite3")
    env = site_environment(tmp_path / "var", tmp_path / "db.sqlite3")
    if request.param == "files":
        yield Site(env, tmp_path)
        assert any((tmp_path / "var" / "cache" / "pages").iterdir())  # where they were kept
        return
    prefix = f"pagever-test-{secrets.token_hex(4)}"
    with redis_prefix(redis_url(), prefix):
        yield Site(env | {"REDIS_URL": redis_url(), "CACHE_KEY_PREFIX": prefix}, tmp_path)


class Site:
    def __init__(self, env, work):
        self.env = env
        self.work = work

    def shell(self, code):
        """``manage.py shell -c code``: a process of its own, as an operator's shell is."""
        manage(self.env, "shell", "-c", code, capture_output=True, text=True)

    def server(self):
        return Server(self)


class Server:
    """gunicorn with the deployed settings and ``WORKERS`` workers, on a port of its own."""

    def __init__(self, site):
        self.port = free_port()
        self.log = site.work / "workers.log"
        self.conf = site.work / "gunicorn.conf.py"
        self.conf.write_text(
            GUNICORN_CONF.format(
                deploy=str(ROOT / "deploy" / "gunicorn.conf.py"), log=str(self.log)
            )
        )
        self.env = site.env | {"GUNICORN_BIND": f"127.0.0.1:{self.port}"}

    def __enter__(self):
        command = gunicorn_command("-c", str(self.conf), "natoblog.wsgi")
        self._running = running(command, cwd=ROOT, env=self.env)
        process = self._running.__enter__()
        wait_for(f"http://127.0.0.1:{self.port}/", process)
        return self

    def __exit__(self, *exc):
        return self._running.__exit__(*exc)

    def request(self, method, path, body=None, headers=None):
        """(response, its text, the worker's PID)."""
        answered = self._answered()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        workers = self._answered()
        assert len(workers) == len(answered) + 1
        return response, text, workers[-1]

    def hold_a_worker(self):
        holder = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        holder.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no end of headers
        time.sleep(0.1)  # a worker takes it
        return holder

    def _answered(self):
        return self.log.read_text().split() if self.log.exists() else []

    def every_worker(self, until=lambda response, text: True):
        """Pages from every worker, asked (as a reader with no cookie) until each worker has
        served one for which ``until`` holds; [(state, text, pid)]."""
        pages, done = [], set()
        for attempt in range(MAX_REQUESTS):
            # Left alone, the worker that is idle first may take every request; every other
            # attempt, a connection that never finishes its request keeps one worker busy
            # (a sync worker reads it until it closes), so the next request goes to another.
            holder = self.hold_a_worker() if attempt % 2 else None
            try:
                response, text, pid = self.request("GET", URL)
            finally:
                if holder is not None:
                    holder.close()
            assert response.status == 200
            pages.append((response.getheader("X-Page-Cache"), text, pid))
            if until(response, text):
                done.add(pid)
            if len(done) == WORKERS:
                return pages
        raise AssertionError(f"not every worker answered so in {MAX_REQUESTS} requests: {pages}")


def hit(response, text):
    return response.getheader("X-Page-Cache") == "hit"


def test_a_comment_marked_spam_from_a_shell_is_gone_from_every_worker_at_once(site):
    site.shell(ADD_APPROVED.format(body="Words a moderator will remove."))
    with site.server() as server:
        before = server.every_worker(until=hit)  # each worker serves it from the cache
        assert all("Words a moderator will remove." in text for _, text, _ in before)

        site.shell(MARK_SPAM.format(body="Words a moderator will remove."))

        after = server.every_worker(until=hit)  # and the new page, cached again
        shown = [(state, pid) for state, text, pid in after if "will remove." in text]
        assert shown == [], f"the removed comment still served by {shown}"
        assert all("Leave a Reply" in text for _, text, _ in after)


def test_a_comment_posted_through_one_worker_is_on_the_page_every_worker_serves(site):
    # an earlier approved comment: Ann's next one is approved at once (the default rules)
    site.shell(ADD_APPROVED.format(body="Ann's first words."))
    with site.server() as server:
        before = server.every_worker(until=hit)
        assert not any("Ann's second words." in text for _, text, _ in before)

        # Ann reads the page (the same for everyone: no token, no cookie), her browser asks
        # for the form's timestamp (static/js/form-timestamp.js), and she posts the form, to
        # whichever worker takes it
        response, text, _ = server.request("GET", URL)
        assert response.getheader("Set-Cookie") is None
        assert not TOKEN.search(text)
        assert TIMESTAMP.search(text).group(1) == ""
        _, timestamp, _ = server.request("GET", "/comments/timestamp/")
        form = {
            "timestamp": timestamp.strip(),
            "honeypot": "",
            "body": "Ann's second words.",
            "author_name": "Ann Reader",
            "author_email": "ann@example.com",
            "author_url": "",
        }
        posted, _, poster = server.request(
            "POST",
            "/comments/post/the-future-of-nato/",
            body=urllib.parse.urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert posted.status == 302, posted.getheader("Location")

        after = server.every_worker(until=hit)
        missing = [(state, pid) for state, text, pid in after if "second words." not in text]
        assert missing == [], f"the new comment missing from {missing}"
        assert {pid for _, _, pid in after} - {poster}, "no other worker than the poster's"


def test_the_page_cache_directory_is_under_the_var_directory(prepared):
    """Every process of a site finds the same directory: DJANGO_VAR_DIR, as its database."""
    env = site_environment(prepared / "var", prepared / "db.sqlite3")
    shown = manage(
        env,
        "shell",
        "-c",
        "from django.conf import settings; from django.core.cache import caches; "
        "print(settings.PAGE_CACHE_ALIAS, caches[settings.PAGE_CACHE_ALIAS]._dir)",
        capture_output=True,
        text=True,
    ).stdout.splitlines()[-1]
    assert shown.split() == ["pagecache", str(prepared / "var" / "cache" / "pages")]


def test_in_the_shared_directory_a_hit_costs_no_query_and_another_process_change_is_seen(
    settings, tmp_path, essay, django_assert_num_queries
):
    """In one process, the same cache as the site's without Redis (the test settings keep the
    page cache in the default cache, which tests/conftest.py empties)."""
    from django.core.cache.backends.filebased import FileBasedCache
    from django.test import Client

    from pagecache.cache import new_version, version_key

    location = str(tmp_path / "pages")
    settings.PAGE_CACHE_SECONDS = 3600
    settings.CACHES = settings.CACHES | {
        "pagecache": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": location,
        }
    }
    settings.PAGE_CACHE_ALIAS = "pagecache"
    url = essay.get_absolute_url()
    assert Client().get(url)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        assert Client().get(url)["X-Page-Cache"] == "hit"
    # another process (its own cache object on the same directory) gives the article a new
    # version: this one's copy in memory is not served again
    FileBasedCache(location, {}).set(version_key(essay.slug), new_version(), None)
    assert Client().get(url)["X-Page-Cache"] == "miss"
    assert Client().get(url)["X-Page-Cache"] == "hit"
