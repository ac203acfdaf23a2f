"""django-comments-xtd's page (bench/xtd/), with the same essay and the same comments as ours,
measured in the same run: its own virtualenv from bench/xtd/requirements.txt, its own
throwaway database, gunicorn with as many sync workers."""

import json
import math
import re
import secrets
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from bench import BENCH, PAGE, ROOT, SLUG, bench_database, step
from bench.measure import fetch, wrk
from harness.processes import (
    environment_without,
    free_port,
    gunicorn_command,
    running,
    wait_for,
)

# django-comments-xtd's blog, measured in the same run: its virtualenv's pins
XTD = BENCH / "xtd"
ESSAY = ROOT / "tests" / "data" / f"{SLUG}.txt"


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
    with bench_database(work / "xtd.sqlite3") as database:
        env = environment_without("DJANGO_", "DATABASE_", "XTD_", "VIRTUAL_ENV", "PYTHON")
        env.update(
            DJANGO_SETTINGS_MODULE="xtdbench.settings",
            XTD_SECRET_KEY=secrets.token_urlsafe(60),
            PYTHONDONTWRITEBYTECODE="1",
        )
        if database["url"]:
            env["XTD_DATABASE_URL"] = database["url"]
        else:
            env["XTD_SQLITE_PATH"] = str(database["path"])
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
    command = gunicorn_command(
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
        python=site["python"],
    )
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
