"""``python harness/guard.py PARENT_PID -- COMMAND ...``: run COMMAND and make sure it, and
everything it starts, ends when this guard's parent ends, however it ends.

``run_together`` (harness/processes.py: ``make run``) starts each of its commands through a
guard, in a process group of its own. The guard stops the whole group (the command and its
children, such as runserver's autoreloader and the server it restarts) when:

- it gets SIGTERM, SIGINT or SIGHUP (its parent stopping it, or the terminal hanging up);
- its parent dies, even killed outright (SIGKILL): on Linux the kernel tells it at once
  (``prctl(PR_SET_PDEATHSIG)``), elsewhere it notices within half a second (its parent's PID
  changes).

It exits with the command's status. Only the standard library.
"""

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5
STOP_SECONDS = 10


class Stop(Exception):
    pass


def on_parent_death(signum):
    """Ask the kernel to send ``signum`` to this process when its parent dies (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # the PID check below still notices


def stop_group(child):
    """SIGTERM to the group (the command and its children), then SIGKILL if it lingers."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the group's signal reaches us too
    try:
        os.killpg(os.getpgrp(), signal.SIGTERM)
        child.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(os.getpgrp(), signal.SIGKILL)
    except ProcessLookupError:
        pass


def main(argv):
    parent, command = int(argv[1]), argv[argv.index("--") + 1 :]

    def stopping(signum, frame):
        raise Stop

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, stopping)
    on_parent_death(signal.SIGTERM)
    child = None
    try:
        if os.getppid() != parent:  # the parent died before we could ask
            raise Stop
        child = subprocess.Popen(command)
        while True:
            try:
                return child.wait(POLL_SECONDS)
            except subprocess.TimeoutExpired:
                if os.getppid() != parent:
                    raise Stop from None
    except Stop:
        if child is not None:
            stop_group(child)
            return child.poll() if child.poll() is not None else 1
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
