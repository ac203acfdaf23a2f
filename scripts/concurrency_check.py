#!/usr/bin/env python3
"""Post many comments at once to the real app server, and check none is lost.

Starts gunicorn (2 workers x 4 threads by default) on 127.0.0.1 at a free port against a
scratch database, migrated: a temporary SQLite file, or with --postgres a scratch database
created next to DATABASE_URL's (natoblog_concurrency_<pid>, dropped afterwards; the database
DATABASE_URL names is never touched). Then, from 16 threads at once:

1. posts 400 comments, each as a different reader (own e-mail; own address through the
   trusted-proxy header): every post answered 302 must have its comment in the database, at
   the anchor it was sent to; no 500, no "database is locked"; on SQLite, `manage.py
   backup` runs in the middle and its copy must pass its check;
2. posts 40 comments as one reader at once: with a shared cache (Redis), exactly
   COMMENTS_RATE_LIMIT_PER_IP are accepted, the rest answered 429, across both workers;
3. with --kill-connections (PostgreSQL), posts 200 more while another connection
   terminates the scratch database's server connections every 0.3 s, as a restart would:
   every 302 still has its comment, the others are 503 pages keeping the text (never 500),
   and once the killing stops, posting works again by itself.

Only 127.0.0.1 is contacted; every request has a timeout and the run a deadline. Exit status
0 when every check holds. `make stress` runs it on SQLite, then on PostgreSQL (DATABASE_URL
with --postgres --kill-connections).
"""

import argparse
import http.cookiejar
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

# run as a script (python scripts/concurrency_check.py): harness/ importable
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import ROOT, processes
from harness.databases import postgres_admin, postgres_database, redis_prefix, with_database
from harness.processes import free_port, gunicorn_command, running, wait_for_port

PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
ARTICLE = "/articles/the-future-of-nato/"
POST = "/comments/post/the-future-of-nato/"
TIMESTAMP = "/comments/timestamp/"
REQUEST_TIMEOUT = 30
RUN_DEADLINE = 240  # seconds, the whole run


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One browser: its cookies, the form's CSRF token and signed timestamp."""

    def __init__(self, base):
        self.base = base
        self.jar, self.lock, self.posted = http.cookiejar.CookieJar(), threading.Lock(), False
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def open(self, path, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                status, text, location = response.status, response.read().decode(), None
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
            location = error.headers.get("Location")
        return status, text, location, time.monotonic() - started

    def load_form(self):
        """As a browser with JavaScript: the shared page holds no CSRF token and no timestamp
        (README, "Per-reader bytes"): the timestamp is asked for (static/js/form-timestamp.js);
        once posted, the visitor has a session, and its own page holds its token."""
        for _ in range(10):  # while connections are killed, a page may answer 503: again
            status, page, _, _ = self.open(ARTICLE)
            if status != 503:
                break
            time.sleep(0.1)
        assert status == 200, f"the article page answered {status}"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', page)
        self.csrf, self.posted = token.group(1) if token else "", False
        if not getattr(self, "timestamp", ""):  # kept: "written" before the first post
            self.timestamp = re.search(r'name="timestamp" value="([^"]*)"', page).group(1)
            self.timestamp = self.timestamp or self.open(TIMESTAMP)[1]

    def post_comment(self, body, email, address):
        with self.lock:  # one post at a time, as from one browser
            if self.posted:
                self.load_form()  # the page it was sent back to, with its token
            data = {"csrfmiddlewaretoken": self.csrf, "timestamp": self.timestamp, "honeypot": ""}
            data |= {"body": body, "author_name": "Stress Tester", "author_email": email}
            headers = {"X-Forwarded-For": address, "Referer": self.base + ARTICLE}
            answer = self.open(POST, {**data, "author_url": ""}, headers)
            self.posted = self.posted or answer[0] == 302
            return answer


class Database:
    """Reads the scratch database directly, to check what the server stored."""

    def __init__(self, url=None, sqlite_path=None):
        self.url, self.sqlite_path = url, sqlite_path

    def bodies_by_id(self, marker):
        sql = "SELECT id, body FROM comments_comment WHERE body LIKE %s"
        if self.sqlite_path:
            with sqlite3.connect(self.sqlite_path) as db:
                rows = db.execute(sql.replace("%s", "?"), (f"{marker}%",)).fetchall()
        else:
            import psycopg

            with psycopg.connect(self.url) as db:
                rows = db.execute(sql, (f"{marker}%",)).fetchall()
        return dict(rows)


def manage(env, *args):
    """manage.py with the project's Python; its output kept (and printed by the caller)."""
    return processes.manage(env, *args, python=PYTHON, capture_output=True, text=True, timeout=180)


@contextmanager
def server(env, port, workers, threads, log):
    """gunicorn (gthread) on 127.0.0.1:``port`` once it accepts connections, its output in
    ``log``; our own master stopped by its PID at the end (it stops its workers)."""
    command = gunicorn_command(
        "natoblog.wsgi",
        *("--bind", f"127.0.0.1:{port}"),
        *("--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread"),
        *("--timeout", "60", "--graceful-timeout", "5"),
        python=PYTHON,
    )
    popen = {"cwd": ROOT, "env": env, "stdout": log, "stderr": subprocess.STDOUT}
    with running(command, stop_seconds=15, **popen) as process:
        if not wait_for_port(port, process, seconds=30):
            if process.poll() is not None:
                raise RuntimeError("gunicorn exited at start; see its log")
            raise RuntimeError("gunicorn did not start within 30 s")
        yield process


def summarise(name, results, elapsed):
    statuses = {}
    for status, *_ in results:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = sorted(r[3] for r in results)
    p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else 0
    print(
        f"  {name}: {len(results)} posts in {elapsed:.1f} s ({len(results) / elapsed:.0f}/s), "
        f"statuses {dict(sorted(statuses.items()))}, latency median "
        f"{statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
    )
    return statuses


def run_posts(base, count, threads, marker, same_sender=False, ready=None, min_seconds=3):
    """count posts from `threads` visitors at once. Returns the results, each
    (status, text, location, seconds, i), and the seconds the posting took; calls `ready()`
    just before posting."""
    visitors = [Visitor(base) for _ in range(threads)]
    for visitor in visitors:
        visitor.load_form()
    time.sleep(min_seconds + 0.5)  # a person takes a few seconds to write
    if ready is not None:
        ready()

    def one(i):
        visitor = visitors[i % threads]
        if same_sender:
            email, address = "same.reader@example.com", "198.18.200.1"
        else:
            email, address = f"reader{i}@example.com", f"198.18.{i // 250}.{i % 250 + 1}"
        status, text, location, seconds = visitor.post_comment(
            f"{marker} comment {i}", email, address
        )
        return status, text, location, seconds, i

    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(one, range(count)))
    return results, time.monotonic() - started


def check_accepted(results, db, marker):
    """Every 302 points at its own comment, which is in the database with the right text."""
    stored = db.bodies_by_id(marker)
    problems = []
    for status, _, location, _, i in results:
        if status != 302:
            continue
        match = re.search(r"#comment-(\d+)$", location or "")
        if not match:
            problems.append(f"post {i}: 302 to {location!r}")
        elif stored.get(int(match.group(1))) != f"{marker} comment {i}":
            problems.append(f"post {i}: accepted but comment {match.group(1)} missing or wrong")
    return problems, stored


def check_no_server_errors(results, allowed):
    problems = []
    for status, text, _, _, i in results:
        if status not in allowed:
            title = re.search(r"<title>(.*?)</title>|<h1>(.*?)</h1>", text, re.S)
            problems.append(f"post {i}: status {status} {title.group(0) if title else text[:80]}")
        if "database is locked" in text:
            problems.append(f"post {i}: 'database is locked' in the answer")
    return problems


def kill_connections(admin_url, name, stop, counter):
    with postgres_admin(admin_url) as db:
        while not stop.is_set():
            killed = db.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            ).fetchone()[0]
            counter.append(killed)
            stop.wait(0.3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="use DATABASE_URL's server")
    parser.add_argument("--kill-connections", action="store_true", help="PostgreSQL only")
    parser.add_argument("--posts", type=int, default=400)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-threads", type=int, default=4)
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", ""))
    args = parser.parse_args()
    if args.kill_connections and not args.postgres:
        parser.error("--kill-connections needs --postgres")
    if args.redis:
        redis_at = urllib.parse.urlsplit(args.redis)
        try:
            socket.create_connection((redis_at.hostname, redis_at.port or 6379), 2).close()
        except OSError:
            parser.error(f"Redis is not reachable at {args.redis} (unset REDIS_URL to skip it)")
    started = time.monotonic()
    timer = threading.Timer(RUN_DEADLINE, lambda: os._exit(3))  # bounded whatever happens
    timer.daemon = True
    timer.start()

    problems = []
    # undone in reverse: gunicorn stopped, its log read, the database dropped, the cache's
    # keys deleted, the scratch directory removed
    with ExitStack() as stack:
        tmp = Path(tempfile.mkdtemp(prefix="natoblog-stress-"))
        stack.callback(shutil.rmtree, tmp, ignore_errors=True)
        env = processes.loopback_environment(
            ("DJANGO_", "DATABASE_", "REDIS_", "SQLITE_", "COMMENTS_"),
            var_dir=tmp,
            static_root=tmp / "static",
            DJANGO_SECRET_KEY="stress-" + os.urandom(32).hex(),
            COMMENTS_TRUSTED_PROXIES="1",
            COMMENTS_RATE_LIMIT_PER_IP="10",
            COMMENTS_RATE_LIMIT_PER_EMAIL="0",
            CACHE_KEY_PREFIX=f"natoblog-stress-{os.getpid()}",
        )
        if args.redis:
            stack.enter_context(redis_prefix(args.redis, env["CACHE_KEY_PREFIX"]))
            env["REDIS_URL"] = args.redis
        pg = None
        if args.postgres:
            base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
            admin_url = with_database(base_url, "postgres")
            name = f"natoblog_concurrency_{os.getpid()}"
            scratch = stack.enter_context(postgres_database(admin_url, name))
            pg = (name, admin_url)
            env["DATABASE_URL"] = scratch["url"]
            env["DATABASE_CONN_MAX_AGE"] = "60"
            db = Database(url=scratch["url"])
            engine = "PostgreSQL"
        else:
            env["SQLITE_PATH"] = str(tmp / "db.sqlite3")
            db = Database(sqlite_path=env["SQLITE_PATH"])
            engine = "SQLite"
        log_path = tmp / "gunicorn.log"
        stack.callback(check_log, log_path, problems)

        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        port = free_port()
        log = stack.enter_context(open(log_path, "w"))
        stack.enter_context(server(env, port, args.workers, args.worker_threads, log))
        cache = "Redis" if args.redis else "local memory (per worker)"
        print(
            f"{engine}, gunicorn {args.workers} workers x {args.worker_threads} threads, "
            f"{args.threads} client threads, cache: {cache}"
        )
        problems += phases(f"http://127.0.0.1:{port}", args, env, db, tmp, pg)

    print(f"  total time {time.monotonic() - started:.0f} s")
    if problems:
        print("FAILED:")
        for problem in problems[:30]:
            print("  " + problem)
        return 1
    print("OK: every accepted comment stored; no 500, no 'database is locked'")
    return 0


def check_log(log_path, problems):
    log_text = log_path.read_text() if log_path.exists() else ""
    if "database is locked" in log_text:
        problems.append("'database is locked' in the server log")


def phases(base, args, env, db, tmp, pg):
    """The three phases against the server at ``base``; ``pg``: (the scratch database's name,
    its server's admin URL), or None on SQLite. Returns the problems found."""
    problems = []
    # 1. Many readers at once (and a backup in the middle, on SQLite)
    backup, posting = None, threading.Event()
    if pg is None:
        backup_path = tmp / "backup.sqlite3"

        def run_backup():
            posting.wait(RUN_DEADLINE)
            return manage(env, "backup", "--output", str(backup_path))

        backup = ThreadPoolExecutor(1).submit(run_backup)
    # the backup starts as the posting does (a Django process takes a second to start)
    results, seconds = run_posts(base, args.posts, args.threads, "many", ready=posting.set)
    summarise("many readers", results, seconds)
    problems += check_no_server_errors(results, {302})
    found, stored = check_accepted(results, db, "many")
    problems += found
    print(f"  stored: {len(stored)} comments for {args.posts} accepted posts")
    if backup is not None:
        output = backup.result().stdout.strip()
        with sqlite3.connect(backup_path) as copy:
            check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        print(f"  backup under load: {output} integrity: {check} (of {args.posts})")
        if check != "ok":
            problems.append(f"backup integrity: {check}")

    # 2. One reader flooding: the limit holds across workers with a shared cache
    flood, seconds = run_posts(base, 40, args.threads, "flood", same_sender=True)
    statuses = summarise("one reader flooding", flood, seconds)
    problems += check_no_server_errors(flood, {302, 429})
    found, _ = check_accepted(flood, db, "flood")
    problems += found
    accepted = statuses.get(302, 0)
    if args.redis and accepted != 10:
        problems.append(f"rate limit: {accepted} accepted from one reader, not 10")
    print(f"  accepted from one reader: {accepted} (limit 10 per address)")

    # 3. Connections killed under load (a PostgreSQL restart, as the site sees it)
    if args.kill_connections:
        stop, counter = threading.Event(), []
        killer = threading.Thread(target=kill_connections, args=(pg[1], pg[0], stop, counter))
        try:
            killed_run, seconds = run_posts(base, 200, args.threads, "killed", ready=killer.start)
        finally:
            stop.set()
            killer.join()
        summarise("connections killed", killed_run, seconds)
        print(f"  server connections terminated: {sum(counter)} in {len(counter)} rounds")
        problems += check_no_server_errors(killed_run, {302, 503})
        found, stored = check_accepted(killed_run, db, "killed")
        problems += found
        kept = [r for r in killed_run if r[0] == 503]
        anyway = sum(1 for r in kept if f"killed comment {r[4]}" in stored.values())
        print(
            f"  503 answers (text kept, 'post again'): {len(kept)}, of which stored "
            f"anyway (posting again is refused as a duplicate): {anyway}"
        )
        problems += [
            f"post {r[4]}: 503 without the text" for r in kept if "killed comment" not in r[1]
        ]
        after, seconds = run_posts(base, 32, args.threads, "after")
        summarise("after the killing stopped", after, seconds)
        problems += check_no_server_errors(after, {302})
    return problems


if __name__ == "__main__":
    sys.exit(main())
