"""An admin import's progress, where the admin's page can read it while the worker imports:
the import's own transaction hides its rows until it commits, so the progress lives in the
cache every process of the site shares (the page cache's: Redis, or the shared directory)."""

from django.conf import settings
from django.core.cache import caches


def _cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def key(run_id):
    return f"moving:progress:{run_id}"


def set_progress(run_id, done, total):
    _cache().set(key(run_id), (done, total), 24 * 3600)


def get_progress(run_id):
    """(bytes read, file size) or None."""
    return _cache().get(key(run_id))


def clear_progress(run_id):
    _cache().delete(key(run_id))
