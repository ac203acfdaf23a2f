"""The anonymous readers' page cache, with exact invalidation. It knows no article and no
comment: the app whose pages it keeps (articles) names each page's *group* (an article's slug)
and tells it when a group changed (``invalidate``); the apps whose markup is in those pages
register what else it must know (``register_placeholder``, ``register_markup_settings``).

Who gets a cached page. A *plain* request (GET or HEAD, no query string, no credentials, and
no cookie but the CSRF cookie) is answered with the same page for every such reader, except
for the CSRF token of the comment form and the registered placeholders. Anyone else (a
session: logged in, or with their own comments awaiting moderation; the remembered name;
messages; ``?replytocom``) gets a page rendered for them, which is never stored. Pages rendered
for plain requests hold ``CSRF_PLACEHOLDER`` where the token goes; each response gets the
reader's own token (``get_token``), so forms post correctly and no token is ever shared.

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
one small read of the version from the shared cache instead of the whole page.

Conditional requests. The ETag is ``W/"<page tag>-<reader tag>"``: the page tag covers the
page's version (and the hour, see ``_finish``), the reader tag is the first characters of the
reader's CSRF cookie (the token in the page a browser keeps is only valid with that cookie), so
``If-None-Match`` gets a 304 only when both still hold. Last-Modified is sent for information;
``If-Modified-Since`` on its own cannot tell whether the token in the reader's copy is still
valid, and is not answered with a 304.

Behind nginx (deploy/nginx.conf). With ``PAGE_CACHE_PROXY_SECONDS`` set, a plain request that
nginx marks with ``X-Page-Cache: fill`` is answered with the placeholder left in,
``X-Accel-Expires``, and no validators but ``X-Page-Tag`` and ``X-Page-Modified``: nginx keeps
the page that long, puts each reader's CSRF cookie (or the new one it sets) where the
placeholder is, and builds the same ETag from the page tag and that cookie (nginx cannot hash,
hence a reader tag it can cut from the cookie). A browser's ``If-None-Match`` then goes past
nginx to the app, which answers 304 from the page's version alone, without rendering.
"""

import hashlib
import logging
import re
import secrets
import threading
import time
from collections import OrderedDict
from functools import cache as once
from functools import partial
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_etags
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)

# Where each response's CSRF token goes. Never produced by what visitors write (escaped: no
# "<") nor by an article's Markdown (sanitised by nh3). nginx's sub_filter finds it in each
# page it serves (deploy/nginx.conf) by skipping ahead as far as the last character it looks
# at allows: a long pattern of characters rare in HTML lets it skip 32 bytes at a time (the
# "cached, nginx in front" column of make bench measures it).
CSRF_PLACEHOLDER = mark_safe("<" + "@" * 30 + ">")
CSRF = CSRF_PLACEHOLDER.encode()
ETAG_PERIOD = 3600  # see _finish()
PROXY_FILL = "fill"  # the X-Page-Cache request header nginx sends for plain requests
READER_TAG_LENGTH = 8  # characters of the reader's CSRF cookie in the ETag (deploy/nginx.conf)
LOCAL_PAGES = 8  # pages each process keeps in its own memory (a page with 1000 comments: 1.5 MB)
_local = OrderedDict()  # page key -> (version, parts, expires), the most recently used last
_local_lock = threading.Lock()  # for threaded servers (runserver, gthread workers)
# Settings that change the markup of a page (apps add theirs: register_markup_settings).
MARKUP_SETTINGS = ["SITE_NAME", "STATIC_URL", "TIME_ZONE"]
# Placeholders besides the CSRF token that each response fills (register_placeholder).
PLACEHOLDERS = {}


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


def register_placeholder(mark, fill):
    """Pages may hold ``mark`` (a string no visitor can produce); each response gets
    ``fill()`` there instead (a comment form's signed timestamp, say)."""
    PLACEHOLDERS[str(mark).encode()] = fill


def register_markup_settings(*names):
    """Settings that change the markup of the cached pages: part of the cache key."""
    MARKUP_SETTINGS.extend(name for name in names if name not in MARKUP_SETTINGS)


def is_plain(request):
    """Whether the request gets the page every anonymous reader gets (see the module doc)."""
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and "HTTP_AUTHORIZATION" not in request.META
        and all(name == settings.CSRF_COOKIE_NAME for name in request.COOKIES)
    )


def invalidate(groups):
    """Stop serving the cached pages of these groups, once the current transaction commits.
    ``groups`` may also be a function returning them, called after the commit."""
    transaction.on_commit(partial(_bump, groups), robust=True)


def _bump(groups):
    if callable(groups):
        groups = groups()
    cache.set_many({version_key(group): new_version() for group in set(groups)}, timeout=None)


def new_version():
    """A version never used before; it also records when the page changed."""
    return f"{time.time():.6f}-{secrets.token_hex(6)}"


def version_key(group):
    return f"article-page-version:{group}"


@once
def code_digest():
    """What the markup depends on in this release: the project's templates, the code of its
    own apps (those under BASE_DIR), the compiled translations (LOCALE_PATHS), the pinned
    requirements and the static files manifest (hashed file names)."""
    base = settings.BASE_DIR
    apps_code = [
        path
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(base)
        for path in sorted(Path(config.path).rglob("*"))
        if path.suffix in (".py", ".html") and "migrations" not in path.parts
    ]
    translations = [
        path for locale in settings.LOCALE_PATHS for path in sorted(Path(locale).rglob("*.mo"))
    ]
    paths = [
        *sorted((base / "templates").rglob("*.html")),
        *apps_code,
        *translations,
        base / "requirements.txt",
        settings.STATIC_ROOT / "staticfiles.json",
    ]
    digest = hashlib.blake2b(digest_size=12)
    for path in paths:
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def page_key(request):
    """The page at this address as rendered in the current language, with this release's
    code and markup settings."""
    markup = [
        code_digest(),
        translation.get_language() or "",
        *(str(getattr(settings, name, None)) for name in MARKUP_SETTINGS),
    ]
    address = f"{request.scheme}://{request.get_host()}{request.path}"
    digest = hashlib.blake2b("|".join([*markup, address]).encode(), digest_size=16)
    return f"article-page:{digest.hexdigest()}"


def serve(request, group, render):
    """The response to a plain request for a page of ``group``: from the cache, or from
    ``render()`` (the view, returning a response) and then stored.

    The registered placeholders (``register_placeholder``) are filled for each response. The
    rendering may call ``expires(request, when)``: the moment the page changes by itself (the
    comment form goes when comments close); it is not kept beyond it."""
    fills = {CSRF: None, **PLACEHOLDERS}
    key, vkey = page_key(request), version_key(group)
    local = _local.get(key)
    try:
        found = cache.get_many([vkey] if local else [key, vkey])
        version = found.get(vkey)
        if version is None:
            version = new_version()
            if not cache.add(vkey, version, timeout=None):
                version = cache.get(vkey, version)
        entry = local if local and local[0] == version else found.get(key)
        if local and entry is None:  # this process's copy is out of date
            entry = cache.get(key)
    except Exception as error:  # a cache that is down must not take the site down with it
        logger.warning(
            "Page cache unavailable (%s: %s); rendering %s",
            type(error).__name__,
            error,
            request.path,
        )
        response = render()
        return _finish(request, response, _parts(response, fills), fills, state="error")
    if entry is not None and entry[0] == version and entry[2] > time.time():
        _keep(key, entry)
        return _finish(request, None, entry[1], fills, key, version, state="hit")

    response = render()
    parts = _parts(response, fills)
    if not _cacheable(response):
        return _finish(request, response, parts, fills, state="bypass")
    timeout = settings.PAGE_CACHE_SECONDS
    until = getattr(request, "page_cache_until", None)
    if until is not None:
        timeout = min(timeout, int(until.timestamp() - time.time()))
    if timeout > 0:
        entry = (version, parts, time.time() + timeout)
        try:
            cache.set(key, entry, timeout)
        except Exception as error:
            logger.warning(
                "Could not store the page %s (%s: %s)", request.path, type(error).__name__, error
            )
        else:
            _keep(key, entry)
    return _finish(request, response, parts, fills, key, version, state="miss")


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


def _parts(response, fills):
    """The page's content cut at its placeholders: text, placeholder, text, ..."""
    if hasattr(response, "render"):
        response.render()
    marks = b"|".join(re.escape(mark) for mark in fills)
    return re.split(b"(" + marks + b")", response.content)


def _cacheable(response):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and response.status_code == 200
        and not response.cookies
        and "no-store" not in response.get("Cache-Control", "")
    )


def _finish(request, response, parts, fills, key=None, version=None, state="hit"):
    """The response to a plain request, from the parts of its page, each placeholder filled
    for this response. ``response`` is the one the view rendered, if it ran (its status and
    headers are kept), else one is made. Without a key (a page that is not cached) there are
    no validators."""
    held = set(parts[1::2])  # the placeholders this page holds
    values = {mark: fills[mark]().encode() for mark in held if mark != CSRF}
    # The ETag covers the page, the reader's CSRF cookie when the page holds their token, and
    # the hour when it holds other values made for each response (the form's timestamp: a
    # copy kept by a browser is then never more than an hour old).
    needs_token = CSRF in held
    period = int(time.time() // ETAG_PERIOD) if values else ""
    if (
        key is not None
        and settings.PAGE_CACHE_PROXY_SECONDS > 0
        and request.META.get("HTTP_X_PAGE_CACHE") == PROXY_FILL
    ):
        # nginx keeps this page, puts each reader's token where the placeholders are, and
        # makes the ETag _etag() would from the page tag and that token.
        response = _with_content(response, b"".join(values.get(part, part) for part in parts))
        response["X-Accel-Expires"] = settings.PAGE_CACHE_PROXY_SECONDS
        if needs_token:
            response["X-Page-Tag"] = _page_tag(version, key, period)
            response["X-Page-Modified"] = _modified(version)
        return _cache_headers(response, state)

    if key is not None and request.META.get("HTTP_IF_NONE_MATCH"):
        secret = request.META.get("CSRF_COOKIE") if needs_token else ""
        etag = _etag(version, key, secret, period)
        if secret is not None and _matches(etag, request.META["HTTP_IF_NONE_MATCH"]):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            if needs_token:
                get_token(request)  # renews the reader's CSRF cookie
            return _cache_headers(response, state)

    if needs_token:
        values[CSRF] = get_token(request).encode()
    response = _with_content(response, b"".join(values.get(part, part) for part in parts))
    if key is not None:
        secret = request.META["CSRF_COOKIE"] if needs_token else ""
        response["ETag"] = _etag(version, key, secret, period)
        response["Last-Modified"] = _modified(version)
    return _cache_headers(response, state)


def _with_content(response, content):
    if response is None:
        return HttpResponse(content)
    response.content = content
    return response


def _cache_headers(response, state):
    # The page holds the reader's own CSRF token: browsers may keep it, shared caches may not,
    # and it is checked again (If-None-Match) before each use.
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Page-Cache"] = state
    return response


def _page_tag(version, key, period):
    return hashlib.blake2b(f"{version}|{key}|{period}".encode(), digest_size=12).hexdigest()


def _etag(version, key, secret, period):
    """The page's ETag for a reader whose CSRF cookie is ``secret`` ("" when the page holds no
    token). deploy/nginx.conf builds the same one; change both together."""
    page = _page_tag(version, key, period)
    return f'W/"{page}-{secret[:READER_TAG_LENGTH]}"' if secret else f'W/"{page}"'


def _modified(version):
    return http_date(float(version.split("-")[0]))


def _matches(etag, header):
    weak = etag.removeprefix("W/")
    return any(tag == "*" or tag.removeprefix("W/") == weak for tag in parse_etags(header))
