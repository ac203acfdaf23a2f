"""Signed links in mails: each is made for one purpose, carries its own expiry, and is checked
here before any view looks at it.

A token is ``django.core.signing.dumps`` of a small payload, with a salt per purpose (so an
unsubscribe token can never approve a comment) and a timestamp (so it expires). Moderation
links also carry a random nonce, recorded in ``UsedLink`` when the link is used: they work once.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction

from .models import UsedLink

MODERATE = "comments.moderate"
CONFIRM = "comments.subscription.confirm"
UNSUBSCRIBE = "comments.subscription.unsubscribe"
MANAGE = "comments.subscription.manage"

MODERATION_ACTIONS = ("approve", "spam", "trash")


class LinkError(Exception):
    """Why a link cannot be used; ``title`` and ``message`` are shown to the visitor."""

    status = 400
    title = "This link is not valid"
    message = (
        "The link is incomplete or has been altered. Copy the whole link from the e-mail, "
        "or open it by clicking it in the e-mail. Nothing was changed."
    )


class LinkExpired(LinkError):
    status = 410
    title = "This link has expired"
    message = (
        "Links in our e-mails work for a limited time, and this one is too old. "
        "Nothing was changed."
    )


class LinkUsed(LinkError):
    status = 410
    title = "This link has already been used"
    message = (
        "Each link in a moderation e-mail works once, and this one has been used. "
        "Nothing was changed."
    )


def short_max_age():
    """Moderation and confirmation links."""
    return timedelta(days=settings.COMMENTS_LINK_MAX_AGE_DAYS)


def long_max_age():
    """Unsubscribe and manage links: a reader must be able to leave from an older mail."""
    return timedelta(days=settings.COMMENTS_UNSUBSCRIBE_LINK_MAX_AGE_DAYS)


def make(purpose, payload):
    return signing.dumps(payload, salt=purpose, compress=True)


def read(purpose, token, max_age):
    try:
        payload = signing.loads(token, salt=purpose, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkError from exc
    if not isinstance(payload, dict):
        raise LinkError
    return payload


# --- Moderation: Approve, Spam, Trash -----------------------------------------------------


def moderation_token(comment, action):
    if action not in MODERATION_ACTIONS:
        raise ValueError(f"Unknown moderation action {action!r}")
    return make(MODERATE, {"c": comment.pk, "a": action, "n": secrets.token_hex(16)})


def read_moderation_token(token):
    """(comment id, action, nonce) of a valid, unused moderation link."""
    payload = read(MODERATE, token, short_max_age())
    try:
        comment_id, action, nonce = int(payload["c"]), payload["a"], str(payload["n"])
    except (KeyError, TypeError, ValueError) as exc:
        raise LinkError from exc
    if action not in MODERATION_ACTIONS:
        raise LinkError
    if UsedLink.objects.filter(nonce=nonce).exists():
        raise LinkUsed
    return comment_id, action, nonce


def spend(nonce):
    """Record that a single-use link was used; LinkUsed if it already was (checked by the
    database's unique constraint, so two clicks at once cannot both act)."""
    try:
        with transaction.atomic():
            UsedLink.objects.create(nonce=nonce)
    except IntegrityError as exc:
        raise LinkUsed from exc


# --- Subscriptions ---------------------------------------------------------------------------


def confirmation_token(subscription):
    return make(CONFIRM, {"s": subscription.pk, "h": subscription.email_hash[:16]})


def unsubscribe_token(subscription):
    return make(UNSUBSCRIBE, {"s": subscription.pk, "h": subscription.email_hash[:16]})


def read_subscription_token(purpose, token):
    """(subscription id, the start of its address's hash) from a confirm or unsubscribe link."""
    max_age = short_max_age() if purpose == CONFIRM else long_max_age()
    payload = read(purpose, token, max_age)
    try:
        return int(payload["s"]), str(payload["h"])
    except (KeyError, TypeError, ValueError) as exc:
        raise LinkError from exc


def manage_token(email_hash):
    return make(MANAGE, {"h": email_hash})


def read_manage_token(token):
    """The hash of the address whose subscriptions the link manages."""
    payload = read(MANAGE, token, long_max_age())
    value = payload.get("h")
    if not isinstance(value, str) or len(value) != 64:
        raise LinkError
    return value
