"""`make run`: the development web server and the task worker that sends the mail, together.

Both run until Ctrl-C (or until either of them stops), and then both stop. Each child gets a
process group of its own so that stopping it also stops the autoreloader's own child, which a
plain kill of the parent would leave running. Only the standard library: `make run` needs
nothing but python3 and make.
"""

import argparse
import os
import signal
import subprocess
import sys
import time


def start(command, env=None):
    return subprocess.Popen(command, start_new_session=True, env=env)


def stop(processes, timeout=10):
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

    # Also when started with SIGINT ignored (a background job of a script), Ctrl-C must stop.
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    processes = [start(command, env) for command in commands]
    status = 0
    try:
        while True:
            finished = [process for process in processes if process.poll() is not None]
            if finished:
                status = finished[0].returncode
                name = " ".join(str(arg) for arg in finished[0].args)
                print(f"{name} stopped: stopping the others.", file=sys.stderr)
                break
            time.sleep(poll)
    except KeyboardInterrupt:
        pass
    finally:
        stop(processes)
    return status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()
    python = sys.executable
    env = dict(os.environ)
    # Links in the mails printed by the worker point at this server unless told otherwise.
    env.setdefault("SITE_URL", f"http://{args.host}:{args.port}")
    return run_together(
        [
            [python, "manage.py", "runserver", f"{args.host}:{args.port}"],
            [python, "manage.py", "db_worker", "--interval", "1"],
        ],
        env=env,
    )


if __name__ == "__main__":
    sys.exit(main())
