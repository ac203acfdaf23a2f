"""``make bench`` (bench/run.py): what its modules share.

bench/run.py       the command: the run, its report and its table
bench/measure.py   wrk and the columns of the table
bench/seed.py      Django in this process: seeding and query counts (the only module using
                   the site's apps)
bench/xtd_site.py  django-comments-xtd's page (bench/xtd/), with the same comments
"""

import os

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
