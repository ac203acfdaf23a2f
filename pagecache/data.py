"""Values computed from a group's data, kept in this process while the group's version holds.

The page cache keeps whole pages for anonymous readers. Everyone else gets a page rendered
for them (a logged-in reader, a cache fill in each language, a page the cache let go), and
most of its cost at a thousand comments is reading the comments and ordering them as threads,
which are the same for all of them. ``kept(group, key, compute)`` gives ``compute()``'s value,
computed once per process for each version of ``group`` (pagecache.cache: a new version each
time a transaction that changed the group commits), so it is exactly as fresh as a cached
page: a value computed from older data is never given again once the change has committed.

The value must be the same for every reader (nothing of one reader's own in it) and must not
be changed by whoever uses it. It is kept only while the page cache is on
(``PAGE_CACHE_SECONDS`` > 0): the tests run without it, as their transactions never commit;
with the shared cache down, every call computes.
"""

import logging
import threading
from collections import OrderedDict

from django.conf import settings

from . import cache

logger = logging.getLogger(__name__)

VALUES_KEPT = 16  # (group, version, key) entries per process, the most recently used kept
_values = OrderedDict()
_lock = threading.Lock()  # threaded servers: each change of _values is several steps
SEEN = "_page_versions"  # a request's attribute: {group: version} read while it is answered


def kept(group, key, compute, request=None):
    """``compute()``, or the value it gave for this ``key`` since ``group`` last changed.
    ``request``: the request this is for; the group's version is read once for all the values
    it asks for (a page's article and its comments: a GET, which changes nothing meanwhile)."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return compute()
    seen = request.__dict__.setdefault(SEEN, {}) if request is not None else {}
    try:
        version = seen[group] if group in seen else cache.group_version(group)
    except Exception as error:  # the shared cache is down: the page still renders
        logger.warning("Page cache unavailable (%s: %s)", type(error).__name__, error)
        return compute()
    seen[group] = version
    entry = (group, version, key)
    with _lock:
        if entry in _values:
            _values.move_to_end(entry)
            return _values[entry]
    value = compute()
    with _lock:
        _values[entry] = value
        _values.move_to_end(entry)
        while len(_values) > VALUES_KEPT:
            _values.popitem(last=False)
    return value


def forget():
    """Drop every kept value (tests)."""
    with _lock:
        _values.clear()
