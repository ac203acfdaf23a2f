"""The site as an ASGI application: ``gunicorn -c deploy/gunicorn.conf.py natoblog.asgi`` with
``GUNICORN_WORKER_CLASS=uvicorn`` (gunicorn alone, for hosts without nginx).

Django's ASGI handler, behind pagecache.asgi's short path: a page this process holds for
anonymous readers is answered from the ASGI scope, before Django builds a request."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "natoblog.settings")

django_application = get_asgi_application()

from pagecache.asgi import ShortPath  # noqa: E402 (the apps are loaded above)

application = ShortPath(django_application)
