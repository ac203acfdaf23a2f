from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    """The anonymous readers' page cache (pagecache/cache.py). It imports no app of the site."""

    name = "pagecache"
    verbose_name = "Page cache"
