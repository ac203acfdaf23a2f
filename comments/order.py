"""The order of the threads on an article's pages (DiscussionSettings' "Comments should be
displayed with the older / newer comments at the top of each page"); replies stay oldest first
under their parent."""

from pagecache.cache import cache as page_cache

from .models import DiscussionSettings

ORDER_KEY = "comments:comment-order"


def comment_order():
    """DiscussionSettings' comment_order, read on every article page: kept in the page cache's
    store (shared by every process of the site, see pagecache) so the page costs no query."""
    order = page_cache.get(ORDER_KEY)
    if order is None:
        order = DiscussionSettings.load().comment_order
        page_cache.set(ORDER_KEY, order, timeout=None)
    return order


def forget_comment_order():
    page_cache.delete(ORDER_KEY)


def newest_first():
    return comment_order() == DiscussionSettings.CommentOrder.NEWEST
