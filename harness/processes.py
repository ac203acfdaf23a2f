"""The site's processes: ports on 127.0.0.1, ``manage.py``, gunicorn; each stopped at the end;
several commands run together until one stops (``make run``)."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from harness import ROOT


def free_port():
    """A port on 127.0.0.1 that nothing listens on (when asked)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, process, seconds=30):
    """Until ``url`` answers (any status but an error); exits if ``process`` ends first, or
    after ``seconds``."""
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


def wait_for_port(port, process, seconds=30, interval=0.2):
    """True once 127.0.0.1:``port`` accepts a connection; False if ``process`` ends first, or
    after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(interval)
    return False


@contextmanager
def running(command, stop_seconds=20, **popen):
    """``command`` started (``popen``: subprocess.Popen's arguments), and at the end stopped by
    its PID: SIGTERM, then SIGKILL after ``stop_seconds``."""
    process = subprocess.Popen(command, **popen)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=stop_seconds)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def manage(env, *args, python=None, **run):
    """``manage.py *args`` in the project, with ``env``; ``run``: more of subprocess.run's
    arguments (it must succeed)."""
    return subprocess.run(
        [python or sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, **run
    )


def gunicorn_command(*args, python=None):
    """gunicorn from the virtualenv of ``python`` (this interpreter by default), with ``args``."""
    return [str(Path(python or sys.executable).with_name("gunicorn")), *args]


@contextmanager
def gunicorn(env, port):
    """The site as deployed (deploy/gunicorn.conf.py: its workers from GUNICORN_WORKERS in
    ``env``, the application module of its GUNICORN_WORKER_CLASS) on 127.0.0.1:``port``,
    once it answers; stopped at the end."""
    command = gunicorn_command("-c", "deploy/gunicorn.conf.py")
    env = env | {"GUNICORN_BIND": f"127.0.0.1:{port}"}
    with running(command, cwd=ROOT, env=env) as process:
        wait_for(f"http://127.0.0.1:{port}/", process)
        yield process


def environment_without(*prefixes):
    """This process's environment, but for the variables whose names start with ``prefixes``
    (settings the caller sets itself)."""
    return {key: value for key, value in os.environ.items() if not key.startswith(prefixes)}


def loopback_environment(strip, var_dir, static_root, allowed_hosts="127.0.0.1", **settings):
    """The environment of the site's processes: this one's without the variables starting with
    ``strip``, with production settings (DEBUG off, a new secret key) for plain HTTP on
    loopback (no TLS to redirect to), then ``settings``."""
    env = environment_without(*strip)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS=allowed_hosts,
        DJANGO_VAR_DIR=str(var_dir),
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
    )
    env.update(settings)
    return env


GUARD = Path(__file__).with_name("guard.py")


def start(command, env=None):
    """``command`` started through a guard (harness/guard.py), in a process group of its own:
    stopping the group stops its children too (runserver's autoreloader, for one), and the
    guard stops them all if this process dies, even killed outright."""
    guarded = [sys.executable, str(GUARD), str(os.getpid()), "--", *command]
    process = subprocess.Popen(guarded, start_new_session=True, env=env)
    process.command = command
    return process


def stop(processes, timeout=10):
    """Each of ``processes`` stopped with its process group: SIGTERM, then SIGKILL after
    ``timeout`` seconds."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_together(commands, poll=0.2, env=None):
    """Run the commands until one exits or this process is interrupted; then stop them all.
    Returns the exit status of the first one that stopped (0 after Ctrl-C)."""

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    # Also when started with SIGINT ignored (a background job of a script), Ctrl-C must stop;
    # and a terminal that closes (SIGHUP) stops everything too.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupted)
    processes = [start(command, env) for command in commands]
    status = 0
    try:
        while True:
            finished = [process for process in processes if process.poll() is not None]
            if finished:
                status = finished[0].returncode
                name = " ".join(str(arg) for arg in finished[0].command)
                print(f"{name} stopped: stopping the others.", file=sys.stderr)
                break
            time.sleep(poll)
    except KeyboardInterrupt:
        pass
    finally:
        stop(processes)
    return status
