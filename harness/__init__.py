"""The site run as its own processes, on 127.0.0.1, for ``make run``, ``make bench``,
``make stress`` and the tests that run deploy/: free ports, ``manage.py``, gunicorn and nginx
started and stopped, and throwaway databases (PostgreSQL or SQLite) and Redis key prefixes,
dropped at the end.

  harness.processes   free_port, wait_for, wait_for_port, running, manage, gunicorn,
                      gunicorn_command, environment_without, loopback_environment,
                      start, stop, run_together (`make run`)
  harness.databases   with_database, postgres_database, throwaway_database, database_environment,
                      redis_prefix, throwaway_cache
  harness.nginx       SITE_LINES, BROTLI_MODULES, has_brotli, site_config, nginx_process,
                      nginx_version

Nothing here imports the site's apps: the site runs in the processes this starts.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
