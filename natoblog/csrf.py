"""CSRF protection for the forms of the page every anonymous reader shares.

That page holds no CSRF token (it is the same bytes for everyone: README, "Per-reader
bytes"), so the views its forms post to (a comment, "Follow this blog") cannot ask an
anonymous visitor for one. They need not: CSRF makes a browser act with its user's identity,
and a visitor without a session has none to abuse (WordPress asks logged-out commenters for
no nonce either; what an anonymous post can do, anyone can do from their own browser). A
request that carries a session cookie (logged in, or a session of their own comments) is
checked by Django's CsrfViewMiddleware exactly as before: those visitors never get the shared
page, and the pages rendered for them hold their token.
"""

from functools import wraps

from django.conf import settings
from django.views.decorators.csrf import csrf_exempt, csrf_protect


def has_identity(request):
    """Whether the request speaks for someone: a session (logged in or not) or credentials."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META


def csrf_unless_anonymous(view):
    """``view`` with Django's CSRF check for requests that have an identity, none for others."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if has_identity(request):
            return protected(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapper
