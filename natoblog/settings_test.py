"""Settings for the test suite: the real settings, made fast and self-contained.

The database and cache still follow DATABASE_URL and REDIS_URL, so CI runs the same suite
against PostgreSQL and Redis.
"""

from .settings import *  # noqa: F403
from .settings import CACHES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES["default"]["KEY_PREFIX"] = CACHES["default"].get("KEY_PREFIX", "natoblog") + "-test"
SITE_URL = "http://testserver"
# Serve static files from the finders; nothing is collected for tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The page cache is refreshed when a transaction commits, and a test's never does: tests see
# every change at once without it. tests/pagecache/ turns it on and runs the commits.
PAGE_CACHE_SECONDS = 0
# Its versions and pages in the default cache, which tests/conftest.py empties for each test
# (Redis, or this process's memory). tests/pagecache/test_across_processes.py runs the site's
# own settings (the directory shared without Redis) in processes of their own.
PAGE_CACHE_ALIAS = "default"
