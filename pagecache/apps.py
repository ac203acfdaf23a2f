from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PageCacheConfig(AppConfig):
    """The anonymous readers' page cache (pagecache/cache.py). It imports no app of the site."""

    name = "pagecache"
    verbose_name = _("Page cache")

    def ready(self):
        from . import checks  # noqa: F401 (registers the deploy check)
