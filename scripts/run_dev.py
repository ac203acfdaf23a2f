"""`make run`: the development web server and the task worker that sends the mail, together.

Both run until Ctrl-C (or until either of them stops), and then both stop. Each child gets a
process group of its own so that stopping it also stops the autoreloader's own child, which a
plain kill of the parent would leave running. Only the standard library (and harness/, which
uses nothing else): `make run` needs nothing but python3 and make.
"""

import argparse
import os
import sys
from pathlib import Path

# run as a script (python scripts/run_dev.py): harness/ importable
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.processes import run_together


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
