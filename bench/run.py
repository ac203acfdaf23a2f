"""``make bench``: the article page under load, served as deployed, against nginx's own limit.

It seeds a throwaway database (PostgreSQL when one answers on 127.0.0.1:5432, else SQLite) with
the essay and N threaded comments (30% replies), starts gunicorn (deploy/gunicorn.conf.py)
twice, as deployed behind nginx (sync workers) and as deployed alone
(GUNICORN_WORKER_CLASS=uvicorn: uvicorn workers serving natoblog.asgi, with keep-alive;
--alone-worker-class gthread or sync measures gunicorn's own workers alone instead), and
nginx (deploy/nginx.conf, its "# site" lines rewritten for 127.0.0.1) in front of the first,
as processes of its own, and runs wrk against:

  static         a copy of the page's HTML served by nginx as a file: the limit on this machine;
                 asked for gzip, and as browsers ask ("gzip, deflate, br"), the same page's
                 compressed copies as files beside it (gzip_static, brotli_static)
  uncached       the page rendered for each request (a query string keeps it out of the caches),
                 as a logged-in reader gets it: its comments read once per version of the
                 page (pagecache.data); "render ms" in-process, and "(cold)" with nothing
                 kept: the comments read for each request, as after a change
  cached/app     the page from the app's page cache, gunicorn alone (no nginx, its uvicorn
                 mode); asked for gzip, and as browsers ask (the app's copies)
  cached/nginx   the page as deployed on one host: nginx serving the app's page files
                 (pagecache/files.py, DJANGO_PAGE_FILES_DIR) as static files, the app behind
  ... gzip       the same, asking for gzip (the app's copy, kept by nginx)
  ... br         the same, asking as browsers do (the app's Brotli copy, kept by nginx)
  revisit        a repeat visit through nginx, as a browser asks: If-None-Match, answered 304
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
import json
import os
import platform
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

# run as a script (python bench/run.py): the project's packages (harness/) importable
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import BENCH, bench_database, one_scheduling_group, step
from bench.measure import measure
from bench.seed import InProcess
from bench.xtd_site import measure_xtd, xtd_setup, xtd_site
from harness import ROOT
from harness.databases import cache_environment, database_environment, throwaway_cache
from harness.nginx import has_brotli, nginx_process, nginx_version, page_headers_file
from harness.processes import free_port, gunicorn, loopback_environment, manage

# The issue's figures, on another machine (kept in the JSON as a note; not compared with):
XTD_ISSUE_RPS = {100: 38, 1000: 5.6}  # gunicorn with 2 sync workers, wrk -c16


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0,100,1000,10000", help="comment counts")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 8)))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--alone-worker-class",
        choices=ALONE_WORKER_CLASSES,
        default="uvicorn",
        help="the workers of gunicorn alone (deploy/gunicorn.conf.py's GUNICORN_WORKER_CLASS)",
    )
    parser.add_argument(
        "--alone-exact",
        action="store_true",
        help="gunicorn alone with PAGE_CACHE_PROXY_SECONDS=0: each page's version read for "
        "every request (by default it has the 1 s bound nginx's micro-cache has here)",
    )
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
        stack.enter_context(one_scheduling_group())
        work = Path(tempfile.mkdtemp(prefix="natoblog-bench-"))
        stack.callback(shutil.rmtree, work, ignore_errors=True)
        work.chmod(0o755)  # nginx workers read the static files under it
        database = stack.enter_context(bench_database(work / "bench.sqlite3"))
        redis_url = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/2")
        cache = stack.enter_context(throwaway_cache(redis_url, "natoblog-bench"))
        env = app_environment(work, database, cache, args.workers)
        step("migrate and collectstatic")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        django = InProcess(env)
        xtd = stack.enter_context(xtd_site(work)) if xtd_sizes else None

        ports = {n: free_port() for n in ("app", "alone", "nginx", "static")}
        alone = {
            "GUNICORN_WORKER_CLASS": args.alone_worker_class,
            "PAGE_CACHE_PROXY_SECONDS": "0" if args.alone_exact else "1",
            "DJANGO_PAGE_FILES_DIR": "",
        }
        headers = manage(env, "page_headers", "--http", "--host", "127.0.0.1", **QUIET)
        stack.enter_context(nginx_process(work, ports, page_headers=headers.stdout))
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
            with (
                gunicorn(env | settings, ports["app"]),
                gunicorn(env | settings | alone, ports["alone"]),
            ):
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
                "gunicorn_alone": gunicorn_described(env | alone)
                + f", PAGE_CACHE_PROXY_SECONDS={(env | alone)['PAGE_CACHE_PROXY_SECONDS']}",
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


# gunicorn alone (deploy/gunicorn.conf.py's modes)

ALONE_WORKER_CLASSES = ("uvicorn", "gthread", "sync")


def gunicorn_described(env):
    """What deploy/gunicorn.conf.py runs with ``env``: "2 gthread workers, 4 threads each,
    keep-alive 5 s"."""
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    text = f"{conf['workers']} {conf['mode']} workers"
    if conf["mode"] == "gthread":
        text += f", {conf['threads']} threads each, keep-alive {conf['keepalive']} s"
    elif conf["mode"] == "uvicorn":
        text += f" ({conf['worker_class']}, {conf['wsgi_app']}), keep-alive {conf['keepalive']} s"
    else:
        text += ", a connection per request (no keep-alive)"
    return text + f" (deploy/gunicorn.conf.py, GUNICORN_WORKER_CLASS={conf['mode']})"


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


# The site's settings


def app_environment(work, database, cache, workers):
    """Production settings, as the README's deployment section has them, on loopback."""
    return loopback_environment(
        ("DJANGO_", "DATABASE_", "REDIS_", "PAGE_CACHE", "COMMENTS_"),
        var_dir=work / "var",
        static_root=work / "staticfiles",
        allowed_hosts="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="natoblog.settings",
        # behind nginx on one host, as deploy/nginx.conf recommends: the shared page as files
        # nginx serves itself, removed when a change commits; its micro-cache (1 s) in between
        DJANGO_PAGE_FILES_DIR=str(work / "pages"),
        DJANGO_PAGE_HEADERS_FILE=str(page_headers_file(work)),
        PAGE_CACHE_PROXY_SECONDS="1",
        # the posting phase measures posting, not the flood limits (which would refuse it)
        COMMENTS_RATE_LIMIT_PER_IP="0",
        COMMENTS_RATE_LIMIT_PER_EMAIL="0",
        GUNICORN_WORKERS=str(workers),
        GUNICORN_LOG_LEVEL="warning",
        PYTHONDONTWRITEBYTECODE="1",
        **database_environment(database),
        **cache_environment(cache),
    )


QUIET = {"capture_output": True, "text": True}  # manage(): its output read, not shown


# The table


def table(report):
    setup = report["setup"]
    lines = [
        f"natoblog, {report['generated']} — {report['machine']['cpus']} CPUs "
        f"({report['machine']['cpu']}), {setup['database']}, {setup['cache']}, "
        f"gunicorn {setup['gunicorn']}, {setup['nginx']}; wrk {setup['wrk']}.",
        f"Gunicorn alone: {setup.get('gunicorn_alone', setup['gunicorn'])}.",
        "requests/s (p50 / p99 ms); ratio = ours / static, same run.",
        "",
        "Columns ending in gzip ask for gzip; those ending in br ask as browsers do "
        '("gzip, deflate, br"); each ratio is against the static file of the same encoding.',
        "",
        "| comments | HTML bytes (gzip / br) | queries uncached (cold) / cached "
        "| render ms (cold) "
        "| static (nginx file) | static gzip | static br "
        "| uncached | django-comments-xtd uncached (same run) "
        "| cached, gunicorn alone | gunicorn alone gzip | gunicorn alone br "
        "| cached, nginx in front (deploy/) | nginx gzip | nginx br | repeat visit (304) "
        "| post under load p50 / p99 ms |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        paged = r["comments_per_page"] < r["comments"]
        per_page = f", {r['comments_per_page']} threads a page" if paged else ""
        sizes = r.get("compressed_bytes")
        compressed = f" ({sizes['gzip']:,} / {sizes['br']:,})" if sizes else ""
        lines.append(
            f"| {r['comments']:,}{per_page} | {r['html_bytes']:,}{compressed} "
            f"| {r['queries']['uncached']} ({r['queries'].get('cold', '?')}) "
            f"/ {r['queries']['cached']} "
            f"| {r['render_ms']:g} ({r.get('render_ms_cold', '?')}) "
            f"| {cell(r, 'static')} | {cell(r, 'static_gzip')} | {cell(r, 'static_br')} "
            f"| {cell(r, 'uncached')} | {cell(r, 'xtd')} "
            f"| {cell(r, 'cached_app')} | {cell(r, 'cached_app_gzip')} "
            f"| {cell(r, 'cached_app_br')} "
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


if __name__ == "__main__":
    main()
