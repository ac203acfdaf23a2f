"""The anonymous readers' page cache, with exact invalidation. It knows no article and no
comment: the app whose pages it keeps (articles) names each page's *group* (an article's slug)
and tells it when a group changed (``invalidate``); the apps whose markup is in those pages
register the settings that change it (``register_markup_settings``).

Who gets a cached page. A *plain* request (GET or HEAD, no query string, no credentials, and
no cookie but the CSRF cookie) is answered with the same page for every such reader: the same
bytes, with nothing of any reader in them (no CSRF token, no form timestamp: see README,
"Per-reader bytes"). Anyone else (a session: logged in, or with their own comments awaiting
moderation; the remembered name; messages; ``?replytocom``) gets a page rendered for them,
which is never stored. A rendered page that holds a CSRF token or set a cookie is never
stored either (``_cacheable``), so a template that asks for a token by mistake costs speed,
never privacy.

Compression. Since the page is the same bytes for everyone, it is compressed once, when it
is stored (gzip and Brotli, ``pagecache.encoding``), and each response is the copy the
reader's ``Accept-Encoding`` asks for, with ``Vary: Accept-Encoding``. The page holds no
secret, so a compressed copy gives nothing away (BREACH needs a secret and reflected input in
the same compressed response); pages rendered for one reader are never compressed here.

Invalidation. Each group has a version in the cache. It is read before a page is rendered and
stored with the page; a page is served only while the version is unchanged. ``invalidate``
gives groups a new version once the transaction that changed them commits, so a page rendered
from older data can never be served again. Code and settings that change the markup are part
of the cache key, so a deploy never serves the previous release's pages.

Where it keeps them. Versions and pages are in the cache named by the ``PAGE_CACHE_ALIAS``
setting ("default" if unset), read with every request: it must be one that every process of
the site shares (the web server's workers, ``manage.py`` commands and shells, the mail
worker), or a change made by one process is not seen by the others (a comment removed by a
moderator, personal data erased, still shown by another process for ``PAGE_CACHE_SECONDS``).
natoblog/settings.py names the default cache when it is Redis, and otherwise a cache of its
own on disk (Django's ``FileBasedCache``): a local-memory cache would be one per process.

Each process also keeps the last few pages it served (``LOCAL_PAGES``), so that a hit costs
one small read of the version from the shared cache instead of the whole page; and
``pagecache.middleware`` answers those hits before the rest of the middleware runs.

Conditional requests. The ETag is ``W/"<page tag>"`` (the page's version and key): a repeat
visit's ``If-None-Match`` gets a 304 while the page is unchanged.

Behind nginx (deploy/nginx.conf). With ``PAGE_CACHE_PROXY_SECONDS`` set, a plain request that
nginx marks with ``X-Page-Cache: fill`` is also answered with ``X-Accel-Expires``: nginx keeps
the page (one copy per encoding it asks for) that long and serves it to every reader.
"""

import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from functools import lru_cache, partial

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags

from . import encoding, files
from .keys import page_key, register_markup_settings, release  # noqa: F401 (used by apps)

logger = logging.getLogger(__name__)

PROXY_FILL = "fill"  # the X-Page-Cache request header nginx sends for plain requests
LOCAL_PAGES = 8  # pages each process keeps in its own memory (a page with 1000 comments: 1.5 MB)
_local = OrderedDict()  # page key -> (version, copies, expires), the most recently used last
_local_lock = threading.Lock()  # for threaded servers (runserver, gthread workers)
# Threads (gunicorn's gthread workers, runserver): _local's changes are several steps, taken
# under _local_lock, and so are its reads; _groups (and pagecache.middleware's _headers) are
# read and written one dict operation at a time (each atomic), of values that never change:
# a race at worst forgets or learns a key twice.
_groups = {}  # page key -> its group, for the pages this process stored or served
# What a page that holds a reader's own bytes has (never stored: see _cacheable).
PERSONAL_MARKS = (b'name="csrfmiddlewaretoken"',)


class _PageCache:
    """The cache named by ``PAGE_CACHE_ALIAS``, looked up on each use (tests change the
    setting), as ``django.core.cache.cache`` is the default one."""

    def __getattr__(self, name):
        return getattr(caches[_alias()], name)

    def __setattr__(self, name, value):
        setattr(caches[_alias()], name, value)

    def __delattr__(self, name):
        delattr(caches[_alias()], name)


def _alias():
    return getattr(settings, "PAGE_CACHE_ALIAS", "default")


cache = _PageCache()  # versions and pages: shared by every process of the site (see above)


def is_plain(request):
    """Whether the request gets the page every anonymous reader gets (see the module doc)."""
    return plain(
        request.method,
        request.META.get("QUERY_STRING"),
        "HTTP_AUTHORIZATION" in request.META,
        request.COOKIES,
    )


def plain(method, query_string, authorization, cookie_names):
    """``is_plain`` from the parts of a request (pagecache.asgi reads them from the scope)."""
    return (
        method in ("GET", "HEAD")
        and not query_string
        and not authorization
        and all(name == settings.CSRF_COOKIE_NAME for name in cookie_names)
    )


def invalidate(groups):
    """Stop serving the cached pages of these groups, once the current transaction commits.
    ``groups`` may also be a function returning them, called after the commit."""
    transaction.on_commit(partial(_bump, groups), robust=True)


def _bump(groups):
    if callable(groups):
        groups = groups()
    groups = set(groups)
    cache.set_many({version_key(group): new_version() for group in groups}, timeout=None)
    files.forget(groups)  # after the new versions: see pagecache.files


def new_version():
    """A version never used before; it also records when the page changed."""
    return f"{time.time():.6f}-{secrets.token_hex(6)}"


def version_key(group):
    return f"article-page-version:{group}"


def claim_files():
    """The page files' directory for this release (pagecache.files.claim), when a web server
    starts (natoblog.wsgi, natoblog.asgi: every app ready, their markup settings registered;
    not a shell or a command, whose environment may differ). Never raises."""
    if files.root() is not None:
        try:
            files.claim(release())
        except Exception as error:
            logger.warning(
                "Could not prepare the page files (%s: %s)", type(error).__name__, error
            )


def _file_later(response, request, group, entry, version, rewrite):
    """The page as files for nginx (pagecache.files), when nginx asked for it and it does not
    change by itself at a set time (entry[3]): written by ``write_file`` once the headers the
    whole stack gives it are known. Returns ``response``."""
    if entry[3:] == (True,) and request.META.get("HTTP_X_PAGE_CACHE") == PROXY_FILL:
        args = (request, group, version, entry[1], release(), group_version, rewrite)
        response.page_file = partial(files.keep, *args)
    return response


def write_file(response, headers):
    """Write the page files ``response`` was given (``_file_later``), now that the headers the
    whole stack gives its page (``headers``: (name, value) pairs) are known (pagecache's short
    paths and middleware)."""
    pending = getattr(response, "page_file", None)
    if pending is not None and headers is not None:
        pending(headers)


def _lookup(key, vkey, seen=None):
    """(the stored entry while current, else None; the group's version). May raise when the
    shared cache is down. ``seen``: versions read since this request arrived, used, added to."""
    with _local_lock:
        local = _local.get(key)
    if local and seen is not None and vkey in seen:
        found = {vkey: seen[vkey]}
    else:
        found = cache.get_many([vkey] if local else [key, vkey])
        if seen is not None and vkey in found:
            seen[vkey] = found[vkey]
    version = found.get(vkey) or _first_version(vkey)
    entry = local if local and local[0] == version else found.get(key)
    if local and entry is None:  # this process's copy is out of date
        entry = cache.get(key)
    if entry is not None and entry[0] == version and entry[2] > time.time():
        return entry, version
    return None, version


def _first_version(vkey):
    """The version of a group the cache holds none of (new, or evicted): one is made, unless
    another process made one meanwhile. May raise when the shared cache is down."""
    version = new_version()
    if not cache.add(vkey, version, timeout=None):
        version = cache.get(vkey, version)
    return version


def group_version(group):
    """The current version of ``group`` (pagecache.data keeps values by it). May raise when
    the shared cache is down."""
    vkey = version_key(group)
    return cache.get(vkey) or _first_version(vkey)


def _know(key, group):
    if len(_groups) >= 10_000:  # (pages this process knows the group of: forgotten past it)
        _groups.clear()
    _groups[key] = group


def serve_stored(request, key):
    """The response from this process's knowledge of ``key`` (pagecache.middleware), or None
    when the page must be rendered (unknown here, changed, expired, the cache down)."""
    found = stored(key)
    return None if found is None else stored_response(request, key, *found)


def stored(key, seen=None):
    """(the entry, its version) of ``key`` known here, once the group's version in the shared
    cache (read since the request arrived: now, or ``seen``) says it is current; else None.
    The one freshness rule of both short paths (pagecache.middleware, pagecache.asgi)."""
    group = _groups.get(key)
    if group is None:
        return None
    try:
        entry, version = _lookup(key, version_key(group), seen)
    except Exception:  # the view will say so (and render)
        return None
    if entry is None:
        return None
    _keep(key, entry)
    return entry, version


def stored_response(request, key, entry, version):
    """The response to ``request`` from a current entry (``stored``)."""
    response = _finish(request, None, entry[1], key, version, state="hit")
    return _file_later(response, request, _groups.get(key), entry, version, rewrite=False)


def serve(request, group, render):
    """The response to a plain request for a page of ``group``: from the cache, or from
    ``render()`` (the view, returning a response) and then stored.

    The rendering may call ``expires(request, when)``: the moment the page changes by itself
    (the comment form goes when comments close); it is not kept beyond it."""
    key, vkey = page_key(request), version_key(group)
    try:
        entry, version = _lookup(key, vkey)
    except Exception as error:  # a cache that is down must not take the site down with it
        logger.warning(
            "Page cache unavailable (%s: %s); rendering %s",
            type(error).__name__,
            error,
            request.path,
        )
        return _personal(render(), state="error")
    if entry is not None:
        _know(key, group)
        _keep(key, entry)
        response = _finish(request, None, entry[1], key, version, state="hit")
        return _file_later(response, request, group, entry, version, rewrite=False)

    response = render()
    if hasattr(response, "render"):
        response.render()
    if not _cacheable(response):
        return _personal(response, state="bypass")
    copies = encoding.compressed_copies(response.content)
    stored_entry = None
    timeout = settings.PAGE_CACHE_SECONDS
    until = getattr(request, "page_cache_until", None)
    if until is not None:
        timeout = min(timeout, int(until.timestamp() - time.time()))
    if timeout > 0:
        entry = (version, copies, time.time() + timeout, until is None)  # [3]: as a file
        try:
            cache.set(key, entry, timeout)
        except Exception as error:
            logger.warning(
                "Could not store the page %s (%s: %s)", request.path, type(error).__name__, error
            )
        else:
            _know(key, group)
            _keep(key, entry)
            stored_entry = entry
    response = _finish(request, response, copies, key, version, state="miss")
    if stored_entry is None:
        return response
    return _file_later(response, request, group, stored_entry, version, rewrite=True)


def expires(request, when):
    """The page being rendered for ``request`` changes by itself at ``when`` (an aware
    datetime, or None: it does not): the cache keeps it no longer."""
    if when is not None:
        current = getattr(request, "page_cache_until", None)
        request.page_cache_until = when if current is None else min(current, when)


def _keep(key, entry):
    with _local_lock:
        _local[key] = entry
        _local.move_to_end(key)
        while len(_local) > LOCAL_PAGES:
            _local.popitem(last=False)


def _cacheable(response):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and response.status_code == 200
        and not response.cookies
        and "no-store" not in response.get("Cache-Control", "")
        and not any(mark in response.content for mark in PERSONAL_MARKS)
    )


def _personal(response, state):
    """A page rendered for this request and not stored: sent as it is (never compressed)."""
    if hasattr(response, "render"):
        response.render()
    return _cache_headers(response, state)


def _finish(request, response, copies, key, version, state="hit"):
    """The response to a plain request from the stored copies of its page: the one the
    reader's Accept-Encoding asks for. ``response`` is the one the view rendered, if it ran
    (its status and headers are kept), else one is made."""
    tag = etag(version, key)
    if not_modified(tag, request.META.get("HTTP_IF_NONE_MATCH")):
        response = HttpResponseNotModified()
        response["ETag"] = tag
        patch_vary_headers(response, ["Accept-Encoding"])
        return _cache_headers(response, state)
    coding = encoding.choose(request.META.get("HTTP_ACCEPT_ENCODING", ""), copies)
    if response is None:
        response = HttpResponse(copies[coding])
    else:
        response.content = copies[coding]
    response["Content-Length"] = str(len(response.content))
    if coding:
        response["Content-Encoding"] = coding
    patch_vary_headers(response, ["Accept-Encoding"])
    response["ETag"] = tag
    response["Last-Modified"] = _modified(version)
    proxy = request.META.get("HTTP_X_PAGE_CACHE") == PROXY_FILL
    if proxy and settings.PAGE_CACHE_PROXY_SECONDS > 0:
        response["X-Accel-Expires"] = settings.PAGE_CACHE_PROXY_SECONDS  # nginx keeps it
    response.page_cache_key = key  # pagecache.middleware keeps its headers
    return _cache_headers(response, state)


def _cache_headers(response, state):
    # Browsers may keep the page but check it again (If-None-Match) before each use; shared
    # caches may not keep it (nginx's micro-cache follows X-Accel-Expires, not this).
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Page-Cache"] = state
    return response


@lru_cache(maxsize=256)
def etag(version, key):
    """The ETag of the page ``key`` at ``version``."""
    page = hashlib.blake2b(f"{version}|{key}".encode(), digest_size=12).hexdigest()
    return f'W/"{page}"'


def not_modified(etag, if_none_match):
    """Whether a request with this If-None-Match header gets a 304 for a page with ``etag``."""
    return bool(if_none_match) and _matches(etag, if_none_match)


def _modified(version):
    return http_date(float(version.split("-")[0]))


def _matches(etag, header):
    weak = etag.removeprefix("W/")
    return any(tag == "*" or tag.removeprefix("W/") == weak for tag in parse_etags(header))
