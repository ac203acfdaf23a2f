import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class PageCacheConfig(AppConfig):
    """The anonymous readers' page cache (pagecache/cache.py). It imports no app of the site."""

    name = "pagecache"
    verbose_name = _("Page cache")

    def ready(self):
        from . import files, keys

        if files.root() is not None:  # the page files are this release's (pagecache/files.py)
            try:
                files.claim(keys.release())
            except Exception as error:
                logger.warning(
                    "Could not prepare the page files (%s: %s)", type(error).__name__, error
                )
