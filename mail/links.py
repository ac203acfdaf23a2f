"""Signed links in mails: each is made for one purpose, carries its own expiry, and is checked
here before any view looks at it.

A token is ``django.core.signing.dumps`` of a small payload, with a salt per purpose (so an
unsubscribe token can never approve a comment) and a timestamp (so it expires). Single-use
links also carry a random nonce (``new_nonce``), recorded in ``UsedLink`` when the link is
used (``spend``): they work once. The apps that mail links own their payloads and purposes
(comments' moderation links, subscriptions' confirm/unsubscribe/manage links).

The pages such links open are wrapped in ``link_page`` and answer a bad link with
``link_error``.
"""

import secrets
from datetime import timedelta
from functools import wraps

from django.core import signing
from django.db import IntegrityError, transaction
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .conf import settings
from .models import UsedLink


class LinkError(Exception):
    """Why a link cannot be used; ``title`` and ``message`` are shown to the visitor."""

    status = 400
    title = _("This link is not valid")
    message = _(
        "The link is incomplete or has been altered. Copy the whole link from the e-mail, "
        "or open it by clicking it in the e-mail. Nothing was changed."
    )


class LinkExpired(LinkError):
    status = 410
    title = _("This link has expired")
    message = _(
        "Links in our e-mails work for a limited time, and this one is too old. "
        "Nothing was changed."
    )


class LinkUsed(LinkError):
    status = 410
    title = _("This link has already been used")
    message = _(
        "Each link in a moderation e-mail works once, and this one has been used. "
        "Nothing was changed."
    )


def short_max_age():
    """Single-use (moderation) and confirmation links."""
    return timedelta(days=settings.COMMENTS_LINK_MAX_AGE_DAYS)


def long_max_age():
    """Unsubscribe and manage links: a reader must be able to leave from an older mail."""
    return timedelta(days=settings.COMMENTS_UNSUBSCRIBE_LINK_MAX_AGE_DAYS)


def make(purpose, payload):
    return signing.dumps(payload, salt=purpose, compress=True)


def read(purpose, token, max_age):
    """The payload (a dict) of a valid token for ``purpose``; LinkError (or LinkExpired)
    otherwise."""
    try:
        payload = signing.loads(token, salt=purpose, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkError from exc
    if not isinstance(payload, dict):
        raise LinkError
    return payload


def new_nonce():
    return secrets.token_hex(16)


def check_unused(nonce):
    if UsedLink.objects.filter(nonce=nonce).exists():
        raise LinkUsed


def spend(nonce):
    """Record that a single-use link was used; LinkUsed if it already was (checked by the
    database's unique constraint, so two clicks at once cannot both act)."""
    try:
        with transaction.atomic():
            UsedLink.objects.create(nonce=nonce)
    except IntegrityError as exc:
        raise LinkUsed from exc


def link_page(view):
    """A page reached through a signed link: GET and POST only, never cached, never indexed,
    and the token in its address is not sent to other sites as a referrer. ("same-origin",
    not "no-referrer": with no-referrer the browser posts the page's form with "Origin: null"
    and Django's CSRF check refuses it.)"""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex"
        return response

    return require_http_methods(["GET", "POST"])(never_cache(wrapper))


def link_error(request, error):
    """The page for a link that cannot be used: what is wrong, and that nothing changed."""
    return render(request, "mail/link_error.html", {"error": error}, status=error.status)
