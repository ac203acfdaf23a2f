"""The short path for a page this process already holds: answered before the rest of the
middleware and the view run.

A cached page's response needs none of what the middleware does for other requests (no
session, no user, no CSRF, no messages): only the headers they add to every response
(security headers, the Content-Security-Policy, X-Frame-Options). So this middleware, first
in MIDDLEWARE, keeps the headers the whole stack gave a page served from the cache, and the
next plain request for the same page (same address, language and release: the same key) is
answered from this process's copy with those headers, once its version in the shared cache
says it is current. Anything else (a page this process has not served through the whole
stack, a changed or expired page, a personal request) goes on to the view as before.

Safe by construction: a key is only known here after a request with that key went through
every middleware (so host validation, HTTPS redirects, the language and the URL were all
applied to it), and the page it holds has nothing of any reader in it (pagecache.cache).
"""

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from . import cache

# Headers that belong to one response, not to the page (set again for each one).
OWN_HEADERS = {
    "content-length",
    "content-encoding",
    "etag",
    "last-modified",
    "x-page-cache",
    "x-accel-expires",
    "set-cookie",
    "cache-control",
    "content-type",
}
_headers = {}  # page key -> the headers the whole stack added to it
KEYS_KEPT = 10_000  # pages whose headers each process knows (forgotten all at once past it)


class ShortPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = short_path_key(request)
        headers = stack_headers(key)
        if headers is not None:
            response = cache.serve_stored(request, key)
            if response is not None:
                cache.write_file(response, headers)  # for nginx, when it asked (pagecache.files)
                return with_stack_headers(response, headers)
        response = self.get_response(request)
        learn(key, response)
        cache.write_file(response, stack_headers(key))
        return response


def short_path_key(request):
    """The page key of a plain request, else None (the rules of both short paths: this
    middleware and pagecache.asgi)."""
    if not cache.is_plain(request):
        return None
    try:
        return cache.page_key(request)
    except Exception:  # a host not allowed: the whole stack says so
        return None


def stack_headers(key):
    """The headers the whole stack gave the page ``key`` in this process, or None: not known
    here, so not to be answered on a short path."""
    return _headers.get(key) if key else None


def with_stack_headers(response, headers):
    """A response from the cache, with the headers the whole stack gave its page."""
    for name, value in headers:
        if name.lower() == "vary":
            patch_vary_headers(response, [v.strip() for v in value.split(",")])
        elif name not in response:
            response[name] = value
    return response


def learn(key, response):
    """After a plain request for ``key`` went through the whole stack: the headers it added,
    if the page came from (or went into) the cache."""
    stored = getattr(response, "page_cache_key", None)
    if stored is not None and stored == key and isinstance(response, HttpResponse):
        if len(_headers) >= KEYS_KEPT:
            _headers.clear()
        _headers[key] = [
            (name, value) for name, value in response.items() if name.lower() not in OWN_HEADERS
        ]
