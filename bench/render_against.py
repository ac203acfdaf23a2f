"""``make bench-render REF=<commit>``: the article page's render time in-process (``make
bench``'s "render ms") with this checkout's code and with another commit's, on this machine,
in turns.

"render ms" is milliseconds on the machine that runs it, and the machines this project runs
on differ (the same code rendered the page with no comments in 1.6 ms on one and 4.9 ms on
the next). This measures another commit's code against this checkout's, the same way, on the
same machine, turn about, so that how much faster one is than the other is a ratio measured
in one run, as ``make bench``'s other figures are.

The other commit is checked out with ``git worktree`` into a temporary directory (removed at
the end) and runs with this checkout's virtualenv: an older commit's requirements must be
among this one's (an import that fails says which). Each turn is a process of its own, with
the commit's own ``bench`` and ``harness`` packages: a throwaway database (PostgreSQL when it
answers on 127.0.0.1, else SQLite, as ``make bench`` picks), a throwaway Redis prefix (each
process's memory without Redis), the essay with 0, 100 and 1000 comments on one page, and the
median of a number of renderings of the page rendered for each request (a query string keeps
it out of the page cache, as ``make bench``'s "uncached": a logged-in reader's page).

    python bench/render_against.py 477de84 [--sizes 0,100,1000] [--turns 2]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # this checkout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ref", nargs="?", help="the commit to measure against (a git revision)")
    parser.add_argument("--sizes", default="0,100,1000", help="comment counts")
    parser.add_argument("--turns", type=int, default=2, help="turns of each (interleaved)")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # a turn: the tree to measure
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    if args.child:
        print(json.dumps(render_times(Path(args.child), sizes)))
        return
    if not args.ref:
        parser.error("which commit? e.g. make bench-render REF=477de84")
    started = time.monotonic()
    other = Path(tempfile.mkdtemp(prefix="natoblog-render-")) / "tree"
    commit = git("rev-parse", "--short", args.ref)
    git("worktree", "add", "--detach", "-q", str(other), commit)
    try:
        trees = {commit: other, "this checkout": HERE}
        found = {name: {size: [] for size in sizes} for name in trees}
        for turn in range(args.turns):
            for name, tree in trees.items():
                print(f"==> turn {turn + 1} of {args.turns}: {name}", flush=True)
                for size, ms in turn_of(tree, sizes).items():
                    found[name][int(size)].append(ms)
                    print(f"  {int(size):>6} comments {ms:8.2f} ms", flush=True)
    finally:
        git("worktree", "remove", "--force", str(other))
        shutil.rmtree(other.parent, ignore_errors=True)
    print()
    print(table(commit, found, sizes))
    print(f"\n{time.monotonic() - started:.0f} s.")


def git(*words):
    result = subprocess.run(["git", *words], cwd=HERE, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"git {' '.join(words)}: {result.stderr.strip()}")
    return result.stdout.strip()


def turn_of(tree, sizes):
    command = [sys.executable, __file__, "--child", str(tree)]
    command += ["--sizes", ",".join(map(str, sizes))]
    result = subprocess.run(command, cwd=tree, capture_output=True, text=True)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode or not lines:
        sys.exit(f"measuring {tree} failed:\n{result.stderr[-3000:]}")
    return json.loads(lines[-1])


def table(commit, found, sizes):
    rows = [
        f"In-process render ms, the median of each turn's renderings ({commit}, then this",
        "checkout, in turns)",
        "",
        f"| comments | {commit} | this checkout | {commit} / this checkout |",
        "|---:|---:|---:|---:|",
    ]
    for size in sizes:
        theirs, ours = found[commit][size], found["this checkout"][size]
        ratio = statistics.median(theirs) / statistics.median(ours)
        rows.append(
            f"| {size:,} | {' / '.join(f'{ms:.1f}' for ms in theirs)} "
            f"| {' / '.join(f'{ms:.1f}' for ms in ours)} | {ratio:.1f} times |"
        )
    return "\n".join(rows)


# A turn, in a process of its own, with the code of ``tree``


def render_times(tree, sizes):
    """{size: median ms} of the uncached article page, rendered with ``tree``'s code."""
    sys.path[:] = [str(tree)] + [p for p in sys.path if Path(p or ".").resolve() != HERE / "bench"]
    from contextlib import ExitStack

    from bench import PAGE, bench_database
    from bench.run import app_environment
    from bench.seed import InProcess
    from harness.databases import throwaway_cache
    from harness.processes import manage

    times = {}
    with ExitStack() as stack:
        work = Path(tempfile.mkdtemp(prefix="natoblog-render-turn-"))
        stack.callback(shutil.rmtree, work, ignore_errors=True)
        database = stack.enter_context(bench_database(work / "bench.sqlite3"))
        redis_url = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/2")
        cache = stack.enter_context(throwaway_cache(redis_url, f"natoblog-render-{os.getpid()}"))
        env = app_environment(work, database, cache, 2)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        django = InProcess(env)
        django.configure(100000)  # every comment on one page, as make bench's first sizes
        for size in sizes:
            django.seed(size)
            # make bench's own measurement (bench/seed.py, in that commit's code too): the
            # median of this many renderings, after one to warm up
            rounds = 200 if size < 1000 else 60
            times[size] = round(django.measure(PAGE + "?bench", rounds=rounds)[1], 2)
    return times


if __name__ == "__main__":
    main()
