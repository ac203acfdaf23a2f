"""``make bench``: the article page under load, served as deployed, against nginx's own limit.

It seeds a throwaway database (PostgreSQL when one answers on 127.0.0.1:5432, else SQLite) with
the essay and N threaded comments (30% replies), starts gunicorn (deploy/gunicorn.conf.py) and
nginx (deploy/nginx.conf, its "# site" lines rewritten for 127.0.0.1) as processes of its own,
and runs wrk against:

  static         a copy of the page's HTML served by nginx as a file: the limit on this machine
  uncached       the page rendered for each request (a query string keeps it out of the caches)
  cached/app     the page from the app's page cache, gunicorn alone (no nginx)
  cached/nginx   the page as deployed: nginx's micro-cache in front of the app's page cache
  ... gzip       the same, asking for gzip (nginx compresses each response)
  ... br         the same, asking for gzip or brotli as browsers do (deploy/nginx-brotli.conf)
  revisit        a repeat visit through nginx: If-None-Match, answered 304 by the app
  post           comments posted (one connection, 10 a second) while cached/nginx is under load
  xtd            the same essay and the same comments on a django-comments-xtd blog (bench/xtd/:
                 its own virtualenv from bench/xtd/requirements.txt, its own throwaway database,
                 gunicorn with as many sync workers), rendered for each request as it always
                 is; up to 1,000 comments (--no-xtd: skipped)

It prints one table (requests/s: median of the rounds; latency p50/p99 of the median round;
queries per view; HTML bytes) and writes it to bench/results.json. The machine is shared and
absolute numbers drift: compare the ratios to "static", and ours uncached to
django-comments-xtd's, both measured in the same run.

Everything listens on 127.0.0.1 only and is stopped at the end; wrk runs are bounded in time.
"""

import argparse
import http.client
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SLUG = "the-future-of-nato"
PAGE = f"/articles/{SLUG}/"
POSTER_EMAIL = "bench.poster@example.com"
# what the seeded comments say, over and over
TEXT = (
    "the alliance must adapt its posture to deterrence in the east while burden sharing "
    "and defence spending remain contested among members and partners "
)
# django-comments-xtd's blog (bench/xtd/), measured in the same run: its virtualenv's pins
XTD = BENCH / "xtd"
ESSAY = ROOT / "tests" / "data" / f"{SLUG}.txt"
# The issue's figures, on another machine (kept in the JSON as a note; not compared with):
XTD_ISSUE_RPS = {100: 38, 1000: 5.6}  # gunicorn with 2 sync workers, wrk -c16


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0,100,1000,10000", help="comment counts")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 8)))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--output", type=Path, default=BENCH / "results.json")
    parser.add_argument(
        "--no-xtd", action="store_true", help="skip django-comments-xtd's page (bench/xtd/)"
    )
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    # django-comments-xtd's page, with the same comments, where all are on one page
    xtd_sizes = [] if args.no_xtd else [n for n in sizes if 0 < n <= 1000]

    ensure_tools()
    started = time.monotonic()
    with ExitStack() as stack:
        work = Path(tempfile.mkdtemp(prefix="natoblog-bench-"))
        stack.callback(shutil.rmtree, work, ignore_errors=True)
        work.chmod(0o755)  # nginx workers read the static files under it
        database = stack.enter_context(throwaway_database(work))
        cache = stack.enter_context(throwaway_cache())
        env = app_environment(work, database, cache, args.workers)
        step("migrate and collectstatic")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        django = InProcess(env)
        xtd = stack.enter_context(xtd_site(work)) if xtd_sizes else None

        ports = {"app": free_port(), "nginx": free_port(), "static": free_port()}
        stack.enter_context(nginx(work, ports))
        results = []
        # up to 1000 comments all on one page; more with the default pagination
        groups = [
            (100000, [n for n in sizes if n <= 1000]),
            (None, [n for n in sizes if n > 1000]),
        ]
        for per_page, group in groups:
            if not group:
                continue
            settings = {"COMMENTS_PER_PAGE": str(per_page)} if per_page else {}
            with gunicorn(env | settings, ports["app"], args.workers):
                django.configure(per_page)
                for size in group:
                    step(f"{size} comments")
                    django.seed(size)
                    if size in xtd_sizes:  # the comments the page shows while measured
                        xtd["comments"][size] = django.shown_comments()
                    results.append(measure(size, per_page, django, ports, work, args))
        if xtd:
            measure_xtd(xtd, results, args)
        report = {
            "generated": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": "make bench",
            "machine": machine(),
            "setup": {
                "database": database["kind"],
                "cache": cache["kind"],
                "gunicorn": f"{args.workers} sync workers (deploy/gunicorn.conf.py)",
                "nginx": nginx_version(),
                "wrk": f"-t2 -c{args.connections} -d{args.duration}s, {args.rounds} rounds",
                "post": "1 connection, 100 ms between posts, during cached/nginx load",
                "xtd": xtd_setup(xtd, args) if xtd else "not measured (--no-xtd or sizes)",
                "xtd_issue_figures": {
                    "rps": XTD_ISSUE_RPS,
                    "note": "django-comments-xtd's requests/s in the issue, on another "
                    "machine: not compared with; the ratios use the same run's figures",
                },
            },
            "seconds": round(time.monotonic() - started),
            "results": results,
        }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(table(report))
    print(f"\nWritten to {args.output} in {report['seconds']} s.")


# Tools


def ensure_tools():
    # Debian's packages are named after the commands
    missing = [tool for tool in ("wrk", "nginx") if not shutil.which(tool)]
    if not has_brotli():
        missing += ["libnginx-mod-http-brotli-filter", "libnginx-mod-http-brotli-static"]
    if not missing:
        return
    packages = " ".join(missing)
    if os.geteuid() != 0:
        sys.exit(
            f"make bench needs {' and '.join(missing)}: sudo apt-get install -y {packages}\n"
            "(nginx is only run as the benchmark's own process, on 127.0.0.1.)"
        )
    step(f"installing {packages} (apt-get)")
    # Installing nginx must not start the system service: policy-rc.d says no while we install.
    policy = Path("/usr/sbin/policy-rc.d")
    ours = not policy.exists()
    if ours:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages.split()],
            check=True,
            env=os.environ | {"DEBIAN_FRONTEND": "noninteractive"},
        )
    finally:
        if ours:
            policy.unlink()


def nginx_version():
    result = subprocess.run(["nginx", "-v"], capture_output=True, text=True)
    return result.stderr.strip().removeprefix("nginx version: ")


def machine():
    return {
        "cpus": os.cpu_count(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "cpu": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        ),
    }


# The database and the cache


@contextmanager
def throwaway_database(work):
    """A new PostgreSQL database when the server answers (dropped at the end), else SQLite."""
    admin_url = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg

        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except Exception as error:
        print(f"  (no PostgreSQL at {admin_url}: {error}; using SQLite)")
        yield {"kind": "SQLite", "url": None, "path": work / "bench.sqlite3"}
        return
    name = f"natoblog_bench_{secrets.token_hex(4)}"
    admin.execute(f'CREATE DATABASE "{name}"')
    version = admin.info.server_version // 10000
    try:
        yield {
            "kind": f"PostgreSQL {version}",
            "url": admin_url.rsplit("/", 1)[0] + f"/{name}",
        }
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextmanager
def throwaway_cache():
    """Keys under a prefix of their own in Redis (deleted at the end), else each process's
    local memory."""
    url = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/2")
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        client.ping()
    except Exception as error:
        print(f"  (no Redis at {url}: {error}; each process caches on its own)")
        yield {"kind": "local memory", "url": None, "prefix": None}
        return
    prefix = f"natoblog-bench-{secrets.token_hex(4)}"
    try:
        yield {"kind": "Redis", "url": url, "prefix": prefix}
    finally:
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(key)
        client.close()


def environment_without(*prefixes):
    """This process's environment, but for the variables whose names start with ``prefixes``
    (settings the benchmark sets itself)."""
    return {key: value for key, value in os.environ.items() if not key.startswith(prefixes)}


def app_environment(work, database, cache, workers):
    """Production settings, as the README's deployment section has them, on loopback."""
    env = environment_without("DJANGO_", "DATABASE_", "REDIS_", "PAGE_CACHE", "COMMENTS_")
    env.update(
        DJANGO_SETTINGS_MODULE="natoblog.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_VAR_DIR=str(work / "var"),
        DJANGO_STATIC_ROOT=str(work / "staticfiles"),
        DJANGO_LOG_LEVEL="WARNING",
        # plain HTTP on loopback: no TLS to redirect to
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
        PAGE_CACHE_PROXY_SECONDS="1",
        # the posting phase measures posting, not the flood limits (which would refuse it)
        COMMENTS_RATE_LIMIT_PER_IP="0",
        COMMENTS_RATE_LIMIT_PER_EMAIL="0",
        GUNICORN_WORKERS=str(workers),
        GUNICORN_LOG_LEVEL="warning",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if database["url"]:
        env["DATABASE_URL"] = database["url"]
    else:
        env["SQLITE_PATH"] = str(database["path"])
    if cache["url"]:
        env.update(REDIS_URL=cache["url"], CACHE_KEY_PREFIX=cache["prefix"])
    return env


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


# The servers


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{process.args[0]} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{url} did not answer in {seconds} s")


@contextmanager
def running(command, **kwargs):
    process = subprocess.Popen(command, **kwargs)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def gunicorn(env, port, workers):
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        "deploy/gunicorn.conf.py",
        "natoblog.wsgi",
    ]
    env = env | {"GUNICORN_BIND": f"127.0.0.1:{port}"}
    with running(command, cwd=ROOT, env=env) as process:
        wait_for(f"http://127.0.0.1:{port}/", process)
        yield process


SITE_LINES = {
    # "# site" line of deploy/nginx.conf -> its value for the benchmark
    "server 127.0.0.1:8000;": "server 127.0.0.1:{app};",
    "proxy_cache_path /var/cache/nginx/natoblog ": "proxy_cache_path {work}/nginx/cache ",
    "listen 80;": "listen 127.0.0.1:{nginx};",
    "server_name blog.example;": "server_name 127.0.0.1;",
    "alias /srv/natoblog/staticfiles/;": "alias {work}/staticfiles/;",
    "include /etc/nginx/snippets/natoblog-brotli*.conf;": "include {work}/nginx/brotli*.conf;",
}
# Debian's brotli modules for nginx: loaded, and deploy/nginx-brotli.conf included, when found.
BROTLI_MODULES = [
    Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so"),
    Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"),
]


def site_config(ports, work):
    """deploy/nginx.conf with its "# site" lines (and only those) set for this run."""
    lines = []
    for line in (ROOT / "deploy" / "nginx.conf").read_text().splitlines():
        if line.rstrip().endswith("# site"):
            matches = [old for old in SITE_LINES if old in line]
            if len(matches) != 1:
                sys.exit(f"deploy/nginx.conf: no benchmark value for the site line {line!r}")
            line = line.replace(matches[0], SITE_LINES[matches[0]].format(work=work, **ports))
        lines.append(line)
    return "\n".join(lines) + "\n"


MAIN_CONFIG = """\
{modules}
worker_processes {workers};
daemon off;
pid {work}/nginx/nginx.pid;
error_log {work}/nginx/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    keepalive_requests 10000;
    client_body_temp_path {work}/nginx/body;
    proxy_temp_path {work}/nginx/proxy;
    fastcgi_temp_path {work}/nginx/fastcgi;
    uwsgi_temp_path {work}/nginx/uwsgi;
    scgi_temp_path {work}/nginx/scgi;
    include {work}/nginx/site.conf;
    # The limit: the same HTML, as a file.
    server {{
        listen 127.0.0.1:{static};
        root {work}/html;
        sendfile on;
        tcp_nopush on;
        default_type "text/html; charset=utf-8";
    }}
}}
"""


def has_brotli():
    return all(module.exists() for module in BROTLI_MODULES)


@contextmanager
def nginx(work, ports):
    base = work / "nginx"
    for name in ("cache", "body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (base / name).mkdir(parents=True)
    (work / "html").mkdir()
    (base / "site.conf").write_text(site_config(ports, work))
    modules = ""
    if has_brotli():
        modules = "".join(f"load_module {module};\n" for module in BROTLI_MODULES)
        shutil.copy(ROOT / "deploy" / "nginx-brotli.conf", base / "brotli.conf")
    config = base / "nginx.conf"
    config.write_text(
        MAIN_CONFIG.format(work=work, workers=os.cpu_count() or 2, modules=modules, **ports)
    )
    if os.geteuid() == 0:  # the workers run as nobody: give them their directories
        import pwd

        nobody = pwd.getpwnam("nobody")
        for path in [base, *base.iterdir()]:
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
    command = ["nginx", "-p", str(base), "-c", str(config)]
    subprocess.run([*command, "-t", "-q"], check=True)
    with running(command) as process:
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", ports["nginx"])) == 0:
                    break
            time.sleep(0.1)
        if process.poll() is not None:
            sys.exit("nginx did not start: see the messages above")
        yield process


# Django in this process: seeding and query counts


def planned_comments(have, size):
    """Comments number ``have`` to ``size - 1``, a level at a time: 70% start a thread, 20%
    reply to one of those, 10% reply to a reply (a level with none takes the one above's place);
    of varied lengths, a few with links, from many readers over the past months. Each comment
    is a dict; its "parent" is the number of the comment it replies to, or None."""
    start = datetime.now(UTC) - timedelta(days=90)
    todo = range(have, size)
    levels = [
        [i for i in todo if i % 10 not in (3, 6, 9)],  # 70% start a thread
        [i for i in todo if i % 10 in (3, 6)],  # 20% reply
        [i for i in todo if i % 10 == 9],  # 10% reply to a reply
    ]
    plan, parents = [], []
    for level in levels:
        rows = []
        for n, i in enumerate(level):
            length = 12 + (i * 37) % 120
            text = (TEXT * 20)[i % 50 : i % 50 + length * 7].strip().capitalize()
            if i % 7 == 0:
                text += ".\n\nA second paragraph, shorter than the first."
            if i % 20 == 0:
                text += " See https://www.nato.int/cps/en/natohq/topics.htm for more."
            rows.append(
                {
                    "i": i,
                    "parent": parents[n % len(parents)] if parents else None,
                    "name": f"Reader {i}",
                    "email": f"reader{i % 700}@example.com",
                    "url": f"https://reader{i}.example/" if i % 4 == 0 else "",
                    "text": text,
                    "time": start + timedelta(minutes=i),
                }
            )
        plan.append(rows)
        parents = level or parents
    return plan


class InProcess:
    def __init__(self, env):
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    def configure(self, per_page):
        from django.conf import settings

        settings.COMMENTS_PER_PAGE = per_page or 50

    def seed(self, size):
        """Comments up to ``size``: 30% replies (a third of them to replies), of varied
        lengths, a few with links, from many readers over the past months."""
        from django.db import connection

        from articles.models import Article
        from comments.models import Comment, email_hash
        from comments.rendering import render_comment

        article = Article.objects.get(slug=SLUG)
        have = Comment.objects.filter(article=article).count()
        if not Comment.objects.filter(author_email=POSTER_EMAIL).exists():
            # on another article: the essay starts with no comments at all
            other = Article.objects.create(
                title="Another essay",
                slug="another-essay",
                author=article.author,
                body="Another essay.",
                status=Article.Status.PUBLISHED,
            )
            Comment(
                article=other,
                author_name="Bench Poster",
                author_email=POSTER_EMAIL,
                body="An approved comment, so that the benchmark's posts are approved at once.",
                status=Comment.Status.APPROVED,
            ).save(moderate=False)

        def comment(row, parent):
            return Comment(
                article=article,
                parent=parent,
                thread_id=(parent.thread_id or parent.pk) if parent else None,
                depth=parent.depth + 1 if parent else 0,
                author_name=row["name"],
                author_email=row["email"],
                email_hash=email_hash(row["email"]),
                author_url=row["url"],
                body=row["text"],
                body_html=render_comment(row["text"]),
                status=Comment.Status.APPROVED,
                created_at=row["time"],
            )

        made = {}  # comment number -> Comment
        for level in planned_comments(have, size):
            batch = [comment(row, made.get(row["parent"])) for row in level]
            created = Comment.objects.bulk_create(batch, batch_size=2000)
            made.update(zip((row["i"] for row in level), created, strict=True))
        with connection.cursor() as cursor:  # statistics, as a live database has them
            cursor.execute("ANALYZE")

    def shown_comments(self):
        """The comments the essay shows (the seeded ones, and those posted in the posting
        phases), parents first: for django-comments-xtd's copy of the page."""
        from articles.models import Article
        from comments.models import Comment

        comments = Comment.objects.filter(
            article=Article.objects.get(slug=SLUG), status=Comment.Status.APPROVED
        ).order_by("depth", "created_at", "id")
        return [
            {
                "i": comment.pk,
                "parent": comment.parent_id,
                "name": comment.author_name,
                "email": comment.author_email,
                "url": comment.author_url,
                "text": comment.body,
                "time": comment.created_at.isoformat(),
            }
            for comment in comments
        ]

    def measure(self, path, rounds=9):
        """Queries and the median render time of ``path`` through Django's whole stack."""
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        client = Client(HTTP_HOST="127.0.0.1")
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, response.status_code
        count = len(queries)  # before the next requests reset the log
        times = []
        for _ in range(rounds):
            client.cookies.clear()  # a new reader (one client: its handler is set up once)
            began = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - began)
        return count, statistics.median(times) * 1000, response


# Load


# what differs in each response: the CSRF tokens and the comment form's timestamp
TOKEN = re.compile(
    rb'(?<=name="csrfmiddlewaretoken" value=")[^"]*|(?<=name="timestamp" value=")[^"]*'
)
LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNIT = {"us": 0.001, "ms": 1, "s": 1000}


def wrk(
    url, args, duration=None, connections=None, threads=2, script=None, headers=(), timeout=10
):
    duration = duration or args.duration
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections or args.connections}",
        f"-d{duration}s",
        "--timeout",
        f"{timeout}s",
        "--latency",
    ]
    if script:
        command += ["-s", str(script)]
    for header in headers:
        command += ["-H", header]
    result = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=duration + 60, check=True
    )
    out = result.stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if bad or (errors and "timeout 0" not in errors.group(1)):
        sys.exit(f"wrk {url}: errors\n{out}")
    latency = {p: float(v) * UNIT[u] for p, v, u in LATENCY.findall(out)}
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": round(latency["50"], 2),
        "p99_ms": round(latency["99"], 2),
        "requests": requests,
    }


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read(), dict(response.headers)


def measure(size, per_page, django, ports, work, args):
    app, proxy = f"http://127.0.0.1:{ports['app']}", f"http://127.0.0.1:{ports['nginx']}"
    queries_uncached, render_ms, _ = django.measure(PAGE + "?bench")
    queries_cached, _, _ = django.measure(PAGE)
    # The page as nginx serves it to a new reader (once nginx has the current one: it may keep
    # a page PAGE_CACHE_PROXY_SECONDS), copied as a file for nginx to serve.
    current = TOKEN.sub(b"", fetch(app + PAGE, {"Host": "127.0.0.1"})[0])  # as nginx asks
    deadline = time.monotonic() + 10
    while True:
        body, headers = fetch(proxy + PAGE)
        if headers.get("X-Proxy-Cache") == "HIT" and TOKEN.sub(b"", body) == current:
            break
        if time.monotonic() > deadline:
            sys.exit(f"nginx does not serve the current page: {headers}")
        time.sleep(0.2)
    (work / "html" / f"page-{size}.html").write_bytes(body)
    gzip = ("Accept-Encoding: gzip",)
    targets = {
        "static": (f"http://127.0.0.1:{ports['static']}/page-{size}.html", ()),
        "uncached": (proxy + PAGE + "?bench", ()),
        "cached_app": (app + PAGE, ()),
        "cached_nginx": (proxy + PAGE, ()),
        "cached_nginx_gzip": (proxy + PAGE, gzip),
    }
    if has_brotli():
        targets["cached_nginx_br"] = (proxy + PAGE, ("Accept-Encoding: gzip, deflate, br",))
    targets["revisit"] = (proxy + PAGE, revisit_headers(ports))
    for url, headers in targets.values():  # every worker warm: templates, connections
        wrk(url, args, duration=2, headers=headers)
    runs = {name: [] for name in targets}
    for round_ in range(args.rounds):
        for name, (url, headers) in targets.items():
            runs[name].append(wrk(url, args, headers=headers))
            print(f"  round {round_ + 1} {name:17} {runs[name][-1]['rps']:>9.1f} req/s")
    loads = {}
    for name, found in runs.items():
        median = sorted(found, key=lambda run: run["rps"])[len(found) // 2]
        loads[name] = median | {"rps": round(statistics.median(run["rps"] for run in found), 1)}
    posting = post_under_load(proxy, args)
    static = loads["static"]["rps"]
    result = {
        "comments": size,
        "comments_per_page": per_page or 50,
        "html_bytes": len(body),
        "queries": {"uncached": queries_uncached, "cached": queries_cached},
        "render_ms": round(render_ms, 1),
        "load": loads,
        # the same bytes as the static copy (gzip is compared with nothing)
        "ratios_to_static": {
            name: round(loads[name]["rps"] / static, 3)
            for name in ("uncached", "cached_app", "cached_nginx")
        },
        "post": posting,
    }
    return result


def revisit_headers(ports):
    """A reader's cookie and the ETag nginx gave them with the page: the headers of their next
    visit, which must get a 304."""
    cookie = f"csrftoken={secrets.token_hex(16)}"
    _, headers = fetch(f"http://127.0.0.1:{ports['nginx']}{PAGE}", {"Cookie": cookie})
    connection = http.client.HTTPConnection("127.0.0.1", ports["nginx"], timeout=30)
    connection.request("GET", PAGE, headers={"Cookie": cookie, "If-None-Match": headers["ETag"]})
    status = connection.getresponse().status
    connection.close()
    if status != 304:
        sys.exit(f"a repeat visit through nginx got {status}, not 304")
    return (f"Cookie: {cookie}", f"If-None-Match: {headers['ETag']}")


POST_SCRIPT = """\
-- A reader posting a comment every 100 ms, with the CSRF cookie and its secret as the token,
-- and the form's hidden fields (a timestamp signed a minute before, the empty honeypot).
local secret = os.getenv("BENCH_CSRF")
local timestamp = os.getenv("BENCH_TIMESTAMP")
local run = os.getenv("BENCH_RUN")  -- no text twice: the duplicate check would refuse it
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrftoken=" .. secret
function request()
  n = n + 1
  local body = "csrfmiddlewaretoken=" .. secret .. "&timestamp=" .. timestamp .. "&honeypot="
    .. "&author_name=Bench+Poster&author_email=bench.poster%40example.com"
    .. "&body=Posted+under+load%2C+run+" .. run .. "%2C+number+" .. n
  return wrk.format(nil, nil, nil, body)
end
function delay()
  return 100
end
"""


def post_under_load(proxy, args):
    """Posts (approved at once: the author has an approved comment) while readers load the
    page through nginx; every post changes the page."""
    script = Path(tempfile.gettempdir()) / f"natoblog-bench-post-{os.getpid()}.lua"
    script.write_text(POST_SCRIPT)
    from comments.spam import form_token

    os.environ["BENCH_CSRF"] = secrets.token_hex(16)
    os.environ["BENCH_TIMESTAMP"] = quote(form_token(time.time() - 60), safe="")
    os.environ["BENCH_RUN"] = secrets.token_hex(4)
    duration = max(args.duration, 10)
    try:
        readers = subprocess.Popen(
            [
                "wrk",
                "-t1",
                f"-c{args.connections}",
                f"-d{duration}s",
                "--latency",
                proxy + PAGE,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(0.5)
        posts = wrk(
            proxy + f"/comments/post/{SLUG}/",
            args,
            duration=duration - 1,
            connections=1,
            threads=1,
            script=script,
        )
        reads, _ = readers.communicate(timeout=duration + 30)
    finally:
        script.unlink()
    print(f"  post          p50 {posts['p50_ms']} ms, p99 {posts['p99_ms']} ms")
    return posts | {"reads_rps": float(re.search(r"Requests/sec:\s+([\d.]+)", reads).group(1))}


# django-comments-xtd's page, with the same comments


@contextmanager
def xtd_site(work):
    """bench/xtd/ in a virtualenv of its own, on a database of its own (dropped at the end),
    with the essay and no comments yet."""
    began = time.monotonic()
    step("django-comments-xtd: virtualenv, pip install -r bench/xtd/requirements.txt")
    venv = work / "xtd-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "-r", str(XTD / "requirements.txt")], check=True)
    with throwaway_database(work) as database:
        env = environment_without("DJANGO_", "DATABASE_", "XTD_", "VIRTUAL_ENV", "PYTHON")
        env.update(
            DJANGO_SETTINGS_MODULE="xtdbench.settings",
            XTD_SECRET_KEY=secrets.token_urlsafe(60),
            PYTHONDONTWRITEBYTECODE="1",
        )
        if database["url"]:
            env["XTD_DATABASE_URL"] = database["url"]
        else:
            env["XTD_SQLITE_PATH"] = str(work / "xtd.sqlite3")
        versions = subprocess.run(
            [
                str(python),
                "-c",
                "from importlib.metadata import version as v; "
                "print(v('django-comments-xtd'), v('Django'), v('gunicorn'))",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        site = {
            "python": python,
            "env": env,
            "database": database["kind"],
            "versions": dict(
                zip(("django-comments-xtd", "Django", "gunicorn"), versions, strict=True)
            ),
            "ids": work / "xtd-ids.json",  # our comment's id -> its XtdComment's
            "comments": {},  # size -> the comments our page showed
            "runs": {},  # size -> how wrk was run
            "seconds": 0.0,
        }
        xtd_manage(site, "migrate", "--noinput", "-v0")
        xtd_manage(site, "seed_essay", "--essay", str(ESSAY), "--slug", SLUG)
        site["seconds"] += time.monotonic() - began
        yield site


def xtd_manage(site, *args):
    subprocess.run([str(site["python"]), "manage.py", *args], cwd=XTD, env=site["env"], check=True)


XTD_COMMENT = re.compile(rb'<div id="c\d+" class="comment')


def measure_xtd(site, results, args):
    """django-comments-xtd's page, uncached as it always is, with the comments our page had
    when measured: gunicorn (sync workers, as many as ours), wrk as for our "uncached"."""
    began = time.monotonic()
    port = free_port()
    url = f"http://127.0.0.1:{port}{PAGE}"
    command = [
        str(site["python"].with_name("gunicorn")),
        "--workers",
        str(args.workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--preload",
        "--log-level",
        "warning",
        "xtdbench.wsgi",
    ]
    with running(command, cwd=XTD, env=site["env"]) as process:
        wait_for(url, process)
        for result in results:
            comments = site["comments"].get(result["comments"])
            if comments is None:
                continue
            step(f"django-comments-xtd, {result['comments']} comments")
            plan = Path(site["ids"]).with_name(f"xtd-comments-{result['comments']}.json")
            plan.write_text(json.dumps(comments))
            xtd_manage(
                site,
                "seed_essay",
                *("--essay", str(ESSAY), "--slug", SLUG),
                *("--comments", str(plan), "--ids", str(site["ids"])),
            )
            try:
                body, _ = fetch(url)
            except OSError as error:
                sys.exit(f"django-comments-xtd's page {url}: {error}")
            shown = len(XTD_COMMENT.findall(body))
            if shown != len(comments):
                sys.exit(
                    f"django-comments-xtd's page {url} shows {shown} comments, "
                    f"not {len(comments)} (as ours did)"
                )
            # Seconds a page with 1,000 comments: wrk runs at least XTD_PAGES renderings long
            # (the wait for the first responses weighs little), waits for a response as long
            # as it takes, and what it leaves queued is served before the next run.
            page = xtd_page_seconds(url, args.workers)
            duration = max(args.duration, math.ceil(XTD_PAGES * page))
            site["runs"][result["comments"]] = f"{duration} s, a page {page * 1000:.0f} ms alone"
            runs = []
            for round_ in range(args.rounds):
                runs.append(wrk(url, args, duration=duration, timeout=XTD_WRK_TIMEOUT))
                print(f"  round {round_ + 1} {'xtd':17} {runs[-1]['rps']:>9.1f} req/s")
                drain(url, page)
            median = sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]
            load = median | {"rps": round(statistics.median(run["rps"] for run in runs), 1)}
            load["seconds"] = duration
            result["load"]["xtd"] = load
            result["xtd_html_bytes"] = len(body)
            result["uncached_vs_django_comments_xtd"] = round(
                result["load"]["uncached"]["rps"] / load["rps"], 1
            )
    site["seconds"] += time.monotonic() - began


XTD_PAGES = 20  # a wrk run on django-comments-xtd's page lasts at least as many renderings
XTD_WRK_TIMEOUT = 120


def xtd_page_seconds(url, workers):
    """Every worker warm (templates, database connection), then the time of a page when the
    server has nothing else to do (the best of three)."""
    with ThreadPoolExecutor(workers) as pool:
        for _ in range(2):
            list(pool.map(lambda _: fetch(url), range(workers)))
    times = []
    for _ in range(3):
        began = time.monotonic()
        fetch(url)
        times.append(time.monotonic() - began)
    return min(times)


def drain(url, page):
    """Wait for the requests wrk left queued (a sync worker renders them for the clients gone):
    until a page comes back nearly as fast as on an idle server, and the other workers' last
    page is done."""
    deadline = time.monotonic() + 2 * XTD_WRK_TIMEOUT
    while time.monotonic() < deadline:
        began = time.monotonic()
        fetch(url)
        if time.monotonic() - began < 2 * page + 0.05:
            break
    time.sleep(page)


def xtd_setup(site, args):
    versions = site["versions"]
    return (
        f"django-comments-xtd {versions['django-comments-xtd']} on Django {versions['Django']} "
        f"(bench/xtd/), gunicorn {versions['gunicorn']} with {args.workers} sync workers "
        f"(no nginx), {site['database']}; wrk as for ours, but -d at least "
        f"{XTD_PAGES} pages' time and --timeout {XTD_WRK_TIMEOUT}s: "
        + ", ".join(f"{size} comments {run}" for size, run in site["runs"].items())
        + f"; {site['seconds']:.0f} s of this run"
    )


# The table


def table(report):
    setup = report["setup"]
    lines = [
        f"natoblog, {report['generated']} — {report['machine']['cpus']} CPUs "
        f"({report['machine']['cpu']}), {setup['database']}, {setup['cache']}, "
        f"gunicorn {setup['gunicorn']}, {setup['nginx']}; wrk {setup['wrk']}.",
        "requests/s (p50 / p99 ms); ratio = ours / static, same run.",
        "",
        "| comments | HTML bytes | queries uncached / cached | render ms | static (nginx file) "
        "| uncached | django-comments-xtd uncached (same run) "
        "| cached, gunicorn alone | cached, nginx in front (deploy/) "
        "| the same, gzip | the same, brotli | repeat visit (304) "
        "| post under load p50 / p99 ms |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        paged = r["comments_per_page"] < r["comments"]
        per_page = f", {r['comments_per_page']} threads a page" if paged else ""
        lines.append(
            f"| {r['comments']:,}{per_page} | {r['html_bytes']:,} "
            f"| {r['queries']['uncached']} / {r['queries']['cached']} | {r['render_ms']:g} "
            f"| {cell(r, 'static')} | {cell(r, 'uncached')} | {cell(r, 'xtd')} "
            f"| {cell(r, 'cached_app')} "
            f"| {cell(r, 'cached_nginx')} | {cell(r, 'cached_nginx_gzip')} "
            f"| {cell(r, 'cached_nginx_br')} | {cell(r, 'revisit')} "
            f"| {r['post']['p50_ms']:g} / {r['post']['p99_ms']:g} |"
        )
    xtd = [
        f"{r['comments']:,} comments: {r['uncached_vs_django_comments_xtd']} times its requests/s"
        for r in report["results"]
        if "uncached_vs_django_comments_xtd" in r
    ]
    if xtd and "xtd" in setup:
        lines += [
            "",
            "Uncached, against django-comments-xtd measured in the same run (same machine, "
            f"same comments; {setup['xtd']}): " + "; ".join(xtd) + ".",
        ]
    elif xtd:  # a report from before the benchmark measured it
        lines += [
            "",
            "Uncached, against django-comments-xtd (the issue's figures): " + "; ".join(xtd),
        ]
    return "\n".join(lines)


def cell(result, name):
    if name not in result["load"]:
        return "n/a"
    load, ratio = result["load"][name], result["ratios_to_static"]
    text = f"{load['rps']:,.0f} ({load['p50_ms']:g} / {load['p99_ms']:g})"
    return text + (f" = {ratio[name]:.2f}" if name in ratio else "")


def step(text):
    print(f"==> {text}", flush=True)


if __name__ == "__main__":
    main()
