"""The site as an ASGI application: ``gunicorn -c deploy/gunicorn.conf.py`` with
``GUNICORN_WORKER_CLASS=uvicorn`` (gunicorn alone, for hosts without nginx).

Django's ASGI handler, behind pagecache.asgi's short path: a page this process holds for
anonymous readers is answered from the ASGI scope, before Django builds a request.

Django's ASGI handler runs each request's sync code (the middleware, the views) in a thread
of that request's own (asgiref's ThreadSensitiveContext), so a persistent database connection
would never be used again, only left open: here connections are closed at the end of each
request (``DATABASE_CONN_MAX_AGE`` 0, unless the environment says otherwise)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "natoblog.settings")
if not os.environ.get("DATABASE_CONN_MAX_AGE"):  # (empty, as in .env.example: unset)
    os.environ["DATABASE_CONN_MAX_AGE"] = "0"

django_application = get_asgi_application()

from pagecache.asgi import ShortPath  # noqa: E402 (the apps are loaded above)
from pagecache.cache import claim_files  # noqa: E402

application = ShortPath(django_application)
claim_files()  # a web server of this release starts: the page files are its own
