"""Gunicorn settings for natoblog: ``gunicorn -c deploy/gunicorn.conf.py natoblog.wsgi``.

Each setting can be changed through the environment. The benchmark (``make bench``) runs this
file as it is, behind deploy/nginx.conf.
"""

import os

# Behind nginx, on the same host: bind to loopback only. Several hosts: bind to the private
# interface and list each host in nginx's upstream block.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, one a core: a page is rendered in a few milliseconds of CPU, and nginx in front
# keeps slow clients away from them (it buffers requests and responses).
workers = int(os.environ.get("GUNICORN_WORKERS", os.cpu_count() or 2))
worker_class = "sync"
# Load the app once, before forking: faster start and shared memory.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
# Restart each worker now and then, so that a slow leak cannot grow for ever; rarely, since a
# new worker starts with empty caches (under make bench's load, 5,000 meant every few seconds).
max_requests = 200_000
max_requests_jitter = 20_000
# X-Forwarded-Proto is believed from nginx on this host only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Access logs are nginx's; errors go to stderr.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# No control socket: it would be shared by every gunicorn run by the same user.
control_socket_disable = True
