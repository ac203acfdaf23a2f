import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "natoblog.settings")

application = get_wsgi_application()

from pagecache.cache import claim_files  # noqa: E402 (the apps are loaded above)

claim_files()  # a web server of this release starts: the page files are its own
