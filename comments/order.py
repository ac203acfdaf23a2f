"""The order of the threads on an article's pages (DiscussionSettings' "Comments should be
displayed with the older / newer comments at the top of each page"); replies stay oldest first
under their parent."""

import logging

from pagecache.cache import cache as page_cache

from .models import DiscussionSettings

ORDER_KEY = "comments:comment-order"
logger = logging.getLogger(__name__)


def comment_order():
    """DiscussionSettings' comment_order, read on every article page: kept in the page cache's
    store (shared by every process of the site, see pagecache) so the page costs no query.
    A cache that is down costs the query, never the page."""
    try:
        order = page_cache.get(ORDER_KEY)
    except Exception:
        logger.warning("Comment order read from the database: the cache is down", exc_info=True)
        return DiscussionSettings.load().comment_order
    if order is None:
        order = DiscussionSettings.load().comment_order
        try:
            page_cache.add(ORDER_KEY, order, timeout=None)  # a newer one set meanwhile stays
        except Exception:
            logger.warning("Comment order not kept: the cache is down", exc_info=True)
    return order


def forget_comment_order():
    """DiscussionSettings.save(): the order is read again from the database."""
    try:
        page_cache.delete(ORDER_KEY)
    except Exception:
        logger.warning("Comment order not forgotten: the cache is down", exc_info=True)


def newest_first():
    return comment_order() == DiscussionSettings.CommentOrder.NEWEST
