"""Gunicorn settings for natoblog: ``gunicorn -c deploy/gunicorn.conf.py`` (the application
module follows the mode: natoblog.wsgi, or natoblog.asgi for uvicorn workers).

Each setting can be changed through the environment. Three ways to run it:

- Behind nginx (the default, deploy/nginx.conf): sync workers, one a core.
- Alone, for hosts without nginx (recommended): ``GUNICORN_WORKER_CLASS=uvicorn``: gunicorn
  manages uvicorn workers (the uvicorn-worker package; uvicorn with httptools and uvloop)
  serving natoblog.asgi, which answers a cached page before Django builds a request
  (pagecache/asgi.py) and keeps connections open (``GUNICORN_KEEPALIVE``); and
  ``GUNICORN_BIND`` on the public address.
- Alone with threaded WSGI workers: ``GUNICORN_WORKER_CLASS=gthread`` (``GUNICORN_THREADS``,
  ``GUNICORN_KEEPALIVE``): slower (see below), for a host that cannot run uvicorn.

The benchmark (``make bench``) runs this file as it is: behind deploy/nginx.conf, and alone
in the uvicorn mode for its "gunicorn alone" columns (``--alone-worker-class``: the others).
"""

import os

# Behind nginx, on the same host: bind to loopback only. Several hosts: bind to the private
# interface and list each host in nginx's upstream block. Alone: the public address.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", os.cpu_count() or 2))
# Behind nginx, sync workers: a page is rendered in a few milliseconds of CPU, and nginx keeps
# slow clients away from them (it buffers requests and responses) and keeps its own
# connections to its clients open.
#
# Alone, gthread: a sync worker closes the connection after every response (gunicorn's docs:
# the sync worker "does not support persistent connections" and "requires a buffering proxy"),
# so every request of a browser pays for a new TCP (and TLS) connection, and a slow client
# holds the worker. A gthread worker keeps the connection open (``keepalive`` seconds; idle
# connections wait in its poller, not in a thread) and reads the next request on it.
# Measured (make bench's gunicorn-alone columns, 100 comments, cached, 2 workers, wrk -c16, a
# loaded 2-core machine): sync 1,204 (as is) and 1,559 (Brotli) requests/s, gthread 1,592 and
# 1,653 — a small gain in throughput: gunicorn itself is the limit there (an empty WSGI app:
# 3,780 sync, 4,382 gthread), not connections.
#
# Alone, uvicorn: gunicorn's own workers parse HTTP in Python; uvicorn's parse it in C
# (httptools) on an event loop (uvloop), and keep connections open (``keepalive`` seconds).
# Measured on the same loaded 2-core machine, 2 workers, wrk -t2 -c16 -d5s, an empty app
# answering 100 bytes: sync 6,519 and 6,717 requests/s, gthread 10,568 and 9,909, uvicorn
# (an empty ASGI app) 58,508 and 63,430. Django's ASGI handler itself is slower than its WSGI
# one (a sync view runs in a thread the handler hands it to), so uncached pages gain nothing;
# the cached page, answered by pagecache/asgi.py before Django builds a request, gains most:
# the cached 100-comment page, make bench, 2 workers, against nginx serving the same bytes
# as a file in the same run, three runs: 0.39 to 0.77 as is, 0.32 to 0.66 gzip, 0.25 to
# 0.26 Brotli with PAGE_CACHE_PROXY_SECONDS=1 (each worker reads a page's version at most
# once a second); 0.39 to 0.46, 0.20 to 0.26 and 0.18 to 0.30 exact (0: one version read
# for the requests that arrived before it); gthread, earlier: 0.08, 0.03, 0.05.
# (README, "Performance", "Gunicorn alone".) Each worker is one process with one event
# loop; Django runs each request's views in a thread of that request's own (natoblog/asgi.py
# closes database connections after each request).
MODES = {
    "sync": "sync",
    "gthread": "gthread",
    "uvicorn": "pagecache.protocol.UvicornWorker",
}
WORKER_CLASSES = tuple(MODES)
mode = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
if mode not in MODES:
    raise ValueError(f"GUNICORN_WORKER_CLASS={mode!r}: one of {WORKER_CLASSES}")
worker_class = MODES[mode]
# The application module of the mode (``gunicorn -c deploy/gunicorn.conf.py``; one given on
# the command line must be the same: on_starting, below).
wsgi_app = "natoblog.asgi:application" if mode == "uvicorn" else "natoblog.wsgi:application"
# A few threads a worker: a page is CPU (one thread runs at a time), but a thread waiting for
# the database or Redis lets another run. (gunicorn turns a sync worker with more than one
# thread into gthread: refused here, so that the mode is always said outright; uvicorn
# workers have no such setting.)
threads = int(os.environ.get("GUNICORN_THREADS", 4 if mode == "gthread" else 1))
if mode != "gthread" and threads != 1:
    raise ValueError("GUNICORN_THREADS needs GUNICORN_WORKER_CLASS=gthread")
# Seconds an idle connection is kept open (gthread and uvicorn; gunicorn's docs: 1 to 5 for
# clients that connect directly): long enough for a browser's next request (the page's CSS and
# scripts, the next page), short enough not to keep thousands of idle connections.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# Load the app once, before forking: faster start and shared memory.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
# Restart each worker now and then, so that a slow leak cannot grow for ever; rarely, since a
# new worker starts with empty caches (under make bench's load, 5,000 meant every few seconds).
# Not in the uvicorn mode (0: never): there most requests are cached pages answered in
# microseconds by the short path, from caches of a bounded size (pagecache/asgi.py), so a count
# of requests says nothing of a leak, and a worker restarting under load (every 12 s or so per
# worker at make bench's 25,000 requests/s with 200,000) held its clients' requests for 100 to
# 300 ms while it went (the p99 of 98 to 475 ms make bench saw in its gunicorn-alone columns;
# 4 ms without). GUNICORN_MAX_REQUESTS sets it in every mode (0: never).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0 if mode == "uvicorn" else 200_000))
max_requests_jitter = max_requests // 10
# X-Forwarded-Proto is believed from nginx on this host only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Access logs are nginx's; errors go to stderr.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# No control socket: it would be shared by every gunicorn run by the same user.
control_socket_disable = True


def on_starting(server):
    """The application module given on the command line, if any, is the mode's: uvicorn
    workers serve natoblog.asgi, gunicorn's own natoblog.wsgi."""
    given = (server.app.app_uri or "").split(":")[0]
    expected = wsgi_app.split(":")[0]
    if given != expected:
        raise RuntimeError(
            f"GUNICORN_WORKER_CLASS={mode} serves {expected}, not {given}: "
            "gunicorn -c deploy/gunicorn.conf.py (without a module) picks it"
        )
