"""`make run` starts the web server and the mail worker together (scripts/run_dev.py): Ctrl-C
stops both, children of children included, and if one stops the other is stopped too."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A stand-in for runserver's autoreloader: a process that starts a child and waits.
SERVER = """
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
open(sys.argv[1], "w").write(f"{os.getpid()} {child.pid}")
time.sleep(60)
"""
WORKER = """
import os, sys, time
open(sys.argv[1], "w").write(str(os.getpid()))
time.sleep(float(sys.argv[2]))
sys.exit(3)
"""


def runner(tmp_path, worker_seconds):
    code = (
        "import sys; sys.path.insert(0, 'scripts'); import run_dev; "
        "sys.exit(run_dev.run_together(["
        f"[sys.executable, '-c', {SERVER!r}, {str(tmp_path / 'server')!r}], "
        f"[sys.executable, '-c', {WORKER!r}, {str(tmp_path / 'worker')!r}, '{worker_seconds}'],"
        "], poll=0.05))"
    )
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)


def wait_for_pids(tmp_path):
    for _ in range(200):
        files = [tmp_path / "server", tmp_path / "worker"]
        if all(f.exists() and f.read_text() for f in files):
            return [int(pid) for f in files for pid in f.read_text().split()]
        time.sleep(0.05)
    raise AssertionError("the commands did not start")


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by a parent that is gone) counts as stopped
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split(") ")[1].startswith("Z"))


def all_stopped(pids, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(alive(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def test_ctrl_c_stops_both_and_their_children(tmp_path):
    process = runner(tmp_path, worker_seconds=60)
    pids = wait_for_pids(tmp_path)
    assert len(pids) == 3
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0
    assert all_stopped(pids)


def test_when_one_stops_the_other_is_stopped(tmp_path):
    process = runner(tmp_path, worker_seconds=0.5)
    pids = wait_for_pids(tmp_path)
    assert process.wait(timeout=15) == 3  # the worker's exit status
    assert all_stopped(pids)


def test_make_run_uses_it():
    makefile = (ROOT / "Makefile").read_text()
    assert "scripts/run_dev.py" in makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
