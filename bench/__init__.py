"""``make bench`` (bench/run.py): what its modules share.

bench/run.py       the command: the run, its report and its table
bench/measure.py   wrk and the columns of the table
bench/seed.py      Django in this process: seeding and query counts (the only module using
                   the site's apps)
bench/xtd_site.py  django-comments-xtd's page (bench/xtd/), with the same comments
bench/render_against.py  make bench-render: the page's render time, this code against a
                   commit's, in turns
"""

import os
from contextlib import contextmanager
from pathlib import Path

from harness import ROOT
from harness.databases import throwaway_database

BENCH = ROOT / "bench"
SLUG = "the-future-of-nato"
PAGE = f"/articles/{SLUG}/"


def step(text):
    print(f"==> {text}", flush=True)


def bench_database(sqlite_path):
    """A throwaway PostgreSQL database on BENCH_POSTGRES's server when it answers, else SQLite
    at ``sqlite_path``."""
    admin_url = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
    return throwaway_database(admin_url, sqlite_path, "natoblog_bench")


AUTOGROUP = Path("/proc/sys/kernel/sched_autogroup_enabled")


@contextmanager
def one_scheduling_group():
    """Every process competing for the CPU as itself, for the run: the kernel's autogroups
    off (then as they were). With them on, each terminal session is one group, and a process
    in another session than the benchmark's (Redis, PostgreSQL, started as services) waited
    up to 2.8 s for the CPU while nginx and wrk filled both cores (measured: a loop of 10 ms
    sleeps started with setsid woke 0.06-2.8 s late, the same loop in the benchmark's session
    at most 38 ms late; with autogroups off, 7 ms in another session): the 2 s Redis read
    time-outs earlier runs logged. Needs root; without it, says so and goes on."""
    try:
        before = AUTOGROUP.read_text().strip()
    except OSError:  # not Linux, or no autogroups
        yield
        return
    if before == "0":
        yield
        return
    try:
        AUTOGROUP.write_text("0")
    except OSError:
        print(
            "warning: the kernel's autogroups are on (sched_autogroup_enabled=1) and only root "
            "can turn them off: Redis and PostgreSQL may wait seconds for the CPU under load",
            flush=True,
        )
        yield
        return
    step("kernel.sched_autogroup_enabled=0 for the run (restored at the end)")
    try:
        yield
    finally:
        AUTOGROUP.write_text(before)
