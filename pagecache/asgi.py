"""The short path of pagecache.middleware, in front of Django's ASGI handler: a plain request
for a page this process holds is answered from the ASGI scope, without a Django request, the
middleware or the view (gunicorn alone, deploy/gunicorn.conf.py's uvicorn mode).

The same rules as pagecache.middleware, from the same code: a request is plain by
``cache.plain``; its page key is the one ``middleware.short_path_key`` gives (computed from a
Django request built from the scope the first time these inputs are seen, then remembered by
them: scheme, server, root path, path, the Host and X-Forwarded-* headers, the language); a
page is only answered here once a request for the same key went through the whole stack in
this process (``middleware.stack_headers``); and it is current by ``cache.stored``, the one
freshness rule: the group's version in the shared cache. Here the version read is shared
(``Versions``): by the requests that arrived before it was read (exact, the default:
``PAGE_CACHE_PROXY_SECONDS`` 0, a change is on the very next request, as on the WSGI short
path), or for ``PAGE_CACHE_PROXY_SECONDS`` (a change is served at most that many seconds
later, as behind nginx, whose micro-cache keeps a page that long).

The response (status, headers and body) is built by the WSGI short path's own functions
(``cache.stored_response``, ``middleware.with_stack_headers``) the first time it is needed for
a page's version, encoding and conditional state, and reused while that version is current:
the same bytes and headers (security headers, Content-Security-Policy, Vary, ETag,
Last-Modified, Content-Encoding, X-Page-Cache) as the middleware sends.

Anything else (not plain, not known here, changed, expired, the shared cache down, a header
sent twice, an error here) goes to Django's handler, as before.

The version read is synchronous (Django's cache API), on the event loop: about 0.1 ms
against a local Redis on a loaded machine (the round trip, mostly), during which the loop
serves no other request, as a sync worker would not either; hence the bound, for throughput.
"""

import asyncio
import contextvars
import io
import logging
import time
from functools import lru_cache

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.core.signals import setting_changed
from django.http.cookie import parse_cookie
from django.utils import translation

from . import cache, encoding, middleware

logger = logging.getLogger(__name__)

KEY_HEADERS = (b"host", b"x-forwarded-host", b"x-forwarded-port", b"x-forwarded-proto")
KEPT = 10_000  # request inputs whose page key is remembered (forgotten all at once past it)
ANSWERS_KEPT = 64  # responses kept (a page's encodings and states), all forgotten past it
_keys = {}  # the inputs of a request that make its page key -> the key (None: not plain)
_answers = {}  # (key, version, coding or None for a 304, proxy fill) -> a response, ready


def _forget(**kwargs):
    """A setting changed (tests): what was worked out from the settings is worked out again."""
    _keys.clear()
    _answers.clear()


setting_changed.connect(_forget)


class ShortPath:
    """ASGI middleware: ``ShortPath(django_asgi_application)``."""

    def __init__(self, app):
        self.app = app
        # The page cache's state in Django's per-context storage (the cache connection)
        # lives in one context of its own, not in each request's task (which would make a
        # new connection to the cache for every request).
        self._context = contextvars.copy_context()
        self._versions = Versions()

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            answer = self.answer(scope)
            if answer is not None:
                start = {"type": "http.response.start", "status": answer.status}
                await send(start | {"headers": answer.headers})
                head = scope["method"] == "HEAD"
                await send({"type": "http.response.body", "body": b"" if head else answer.body})
                return
        await self.app(scope, receive, send)

    def answer(self, scope):
        """The Answer to the GET or HEAD request ``scope``, or None: the whole stack's. Also
        asked by pagecache.protocol, before uvicorn makes an ASGI task of the request."""
        try:
            return self._context.run(_answer, scope, self._versions.fresh())
        except Exception:  # the whole stack answers (and says what is wrong)
            logger.exception("The ASGI short path failed for %s", scope.get("path"))
            return None


class Answer:
    """A response of the short path: its status, headers (as ASGI has them) and body; and,
    for pagecache.protocol, the same as bytes on the wire (``wire``: kept by it)."""

    __slots__ = ("body", "headers", "status", "wire")

    def __init__(self, status, headers, body):
        self.status, self.headers, self.body, self.wire = status, headers, body, None


class Versions(dict):
    """Group versions read from the shared cache, used instead of reading them again: exact
    by default, or bounded like nginx's micro-cache (``PAGE_CACHE_PROXY_SECONDS``).

    With ``PAGE_CACHE_PROXY_SECONDS = 0`` (the default), exact: they are forgotten by a
    callback scheduled on the event loop when the first is read. The loop runs its callbacks
    in the order they were scheduled, and a request's task is scheduled (its first step, in
    which the short path runs without waiting for anything) once its headers have arrived;
    so a task that runs before that callback was scheduled before it, and its request
    arrived before the first version here was read. Every version used was read after the
    request that uses it arrived, as a read of its own would be: as fresh, with one read for
    the requests that arrived together.

    With ``PAGE_CACHE_PROXY_SECONDS = n``: each process reads them at most once every n
    seconds, so a change (a new comment) is served at most n seconds later, as behind nginx
    (which keeps a page n seconds: deploy/nginx.conf)."""

    def __init__(self):
        super().__init__()
        self._until = 0.0

    def fresh(self):
        """Itself, once those read too long ago are forgotten."""
        if self and settings.PAGE_CACHE_PROXY_SECONDS > 0 and time.monotonic() >= self._until:
            self.clear()
        return self

    def __setitem__(self, name, value):
        if not self:
            bound = settings.PAGE_CACHE_PROXY_SECONDS
            if bound > 0:
                self._until = time.monotonic() + bound
            else:
                asyncio.get_running_loop().call_soon(self.clear)
        super().__setitem__(name, value)


def _answer(scope, versions=None):
    """The Answer to a plain request for a page this process holds and that
    is current, else None. ``versions``: see Versions."""
    if scope.get("query_string"):
        return None
    headers = dict(scope["headers"])
    if len(headers) != len(scope["headers"]):  # a header sent twice: the whole stack reads it
        return None
    cookie = headers.get(b"cookie")
    cookies = parse_cookie(cookie.decode("latin-1")) if cookie else ()
    if not cache.plain(scope["method"], "", b"authorization" in headers, cookies):
        return None
    key = _key(scope, headers)
    stack = middleware.stack_headers(key)
    if stack is None:
        return None
    found = cache.stored(key, versions)
    if found is None:
        return None
    entry, version = found
    etag = cache.etag(version, key)
    if cache.not_modified(etag, _text(headers.get(b"if-none-match"))):
        coding = None
    else:
        coding = _choose(_text(headers.get(b"accept-encoding")), tuple(entry[1]))
    fill = headers.get(b"x-page-cache") == cache.PROXY_FILL.encode()
    index = (key, version, coding, fill, settings.PAGE_CACHE_PROXY_SECONDS)
    kept = _answers.get(index)
    if kept is not None and kept[0] is stack:
        if kept[2] is not None:  # for nginx, when it asked (pagecache.files)
            kept[2](stack)
        return kept[1]
    response = middleware.with_stack_headers(
        cache.stored_response(_request(scope), key, entry, version), stack
    )
    cache.write_file(response, stack)
    answer = Answer(
        response.status_code,
        [(name.encode("ascii"), value.encode("latin-1")) for name, value in response.items()],
        response.content,
    )
    if len(_answers) >= ANSWERS_KEPT:
        _answers.clear()
    _answers[index] = (stack, answer, getattr(response, "page_file", None))
    return answer


def _key(scope, headers):
    """The page key of this plain request (``middleware.short_path_key``), remembered by
    every input it is made of."""
    proxy_ssl = settings.SECURE_PROXY_SSL_HEADER
    inputs = (
        scope.get("scheme"),
        tuple(scope.get("server") or ()),
        scope.get("root_path", ""),
        scope["path"],
        *(headers.get(name) for name in KEY_HEADERS),
        headers.get(_header_name(proxy_ssl[0])) if proxy_ssl else None,
        translation.get_language(),
    )
    try:
        return _keys[inputs]
    except KeyError:
        pass
    key = middleware.short_path_key(_request(scope))
    if len(_keys) >= KEPT:
        _keys.clear()
    _keys[inputs] = key
    return key


@lru_cache(maxsize=256)
def _choose(header, codings):
    """encoding.choose, remembered: browsers send a few Accept-Encoding headers, each again."""
    return encoding.choose(header, codings)


def _request(scope):
    return ASGIRequest(scope, io.BytesIO())


def _header_name(meta):
    """b"x-forwarded-proto" for "HTTP_X_FORWARDED_PROTO"."""
    return meta.removeprefix("HTTP_").replace("_", "-").lower().encode("latin-1")


def _text(value):
    return value.decode("latin-1") if value else ""
