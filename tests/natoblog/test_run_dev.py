"""`make run` starts the web server and the mail worker together (harness.processes'
run_together, called by scripts/run_dev.py): Ctrl-C stops both, children of children included,
and if one stops the other is stopped too. They also stop with their parent however it ends:
SIGINT, SIGTERM, a terminal that hangs up (SIGHUP), or the parent killed outright (SIGKILL),
so the next `make run` finds its port free."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from harness.processes import environment_without, free_port

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
        "import sys; from harness.processes import run_together; "
        "sys.exit(run_together(["
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


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_children_stop_with_their_parent_however_it_ends(tmp_path, signum):
    process = runner(tmp_path, worker_seconds=60)
    pids = wait_for_pids(tmp_path)
    assert len(pids) == 3
    assert all(alive(pid) for pid in pids)  # running until the parent goes
    process.send_signal(signum)
    process.wait(timeout=15)
    assert all_stopped(pids), [pid for pid in pids if alive(pid)]


def test_when_one_stops_the_other_is_stopped(tmp_path):
    process = runner(tmp_path, worker_seconds=0.5)
    pids = wait_for_pids(tmp_path)
    assert process.wait(timeout=15) == 3  # the worker's exit status
    assert all_stopped(pids)


def descendants(pid):
    """The command lines of the processes under ``pid``, by their PIDs."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = {}, [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            try:
                found[child] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            todo.append(child)
    return found


def test_make_run_serves_the_site_and_runs_the_worker_until_ctrl_c(tmp_path):
    """`make run` itself, on a database of its own (migrated by `make run`), on a free port."""
    port = free_port()
    env = environment_without("DJANGO_", "DATABASE_", "SQLITE_", "REDIS_", "CACHE_")
    env["DJANGO_VAR_DIR"] = str(tmp_path)
    command = ["make", "-s", "-o", ".venv/.installed-run", "run", f"PORT={port}"]
    command.append(f"BIN={Path(sys.executable).parent}")
    make = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    started = {}
    try:
        deadline = time.monotonic() + 60
        while True:
            assert make.poll() is None, "make run stopped by itself"
            assert time.monotonic() < deadline, "the server did not answer"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    home = response.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert response.status == 200
        assert (
            'href="/articles/the-future-of-nato/"' in home
        )  # the essay, from the migrated database
        started.update(descendants(make.pid))
        commands = b"\n".join(started.values())
        assert b"manage.py runserver 127.0.0.1:%d" % port in commands
        assert b"manage.py db_worker" in commands
        os.killpg(make.pid, signal.SIGINT)  # Ctrl-C in the terminal
        make.wait(timeout=20)
        assert all_stopped(started)
    finally:  # if the test failed: nothing left running (the children have sessions of their own)
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGINT)
            make.wait(timeout=20)
        for pid in started:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def port_is_free(port, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return True
        time.sleep(0.2)
    return False


def test_make_run_killed_outright_leaves_its_port_free(tmp_path):
    """The real servers (runserver with its autoreloader, db_worker), their parent killed with
    SIGKILL as a closed terminal or a crashed shell may do: the port is free again."""
    port = free_port()
    env = environment_without("DJANGO_", "DATABASE_", "SQLITE_", "REDIS_", "CACHE_")
    env["DJANGO_VAR_DIR"] = str(tmp_path)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    runner = subprocess.Popen(
        [python, "scripts/run_dev.py", "--port", str(port)], cwd=ROOT, env=env
    )
    started = {}
    try:
        deadline = time.monotonic() + 60
        while True:
            assert runner.poll() is None, "run_dev stopped by itself"
            assert time.monotonic() < deadline, "the server did not answer"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.2)
        started.update(descendants(runner.pid))
        assert b"runserver" in b"\n".join(started.values())
        runner.kill()  # SIGKILL: no handler runs in it
        runner.wait(timeout=5)
        assert all_stopped(started, timeout=15), [pid for pid in started if alive(pid)]
        assert port_is_free(port)
    finally:
        if runner.poll() is None:
            runner.kill()
        for pid in started:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
