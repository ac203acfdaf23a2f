"""Spam and flood defences: what a post must pass before the moderation rules see it.

``check_post`` is the one place the post view asks, in this order:

1. the honeypot: a field hidden from people that only robots fill in;
2. the signed form timestamp: a post faster than COMMENTS_MIN_SECONDS after the form was
   rendered, older than COMMENTS_MAX_AGE_HOURS, or with an altered signature; a post with
   none (the page every anonymous reader shares has none, and a browser without JavaScript
   does not ask for one) gets the form back with a fresh one, to post again: a robot that
   posts at once is then "too fast";
3. rate limits per IP address (a /64 network for IPv6) and per e-mail address, counted in the
   shared cache (Redis in production) so that they hold across app servers;
4. duplicates: the same text from the same author on the same article.

Each refusal carries the message the visitor reads and the HTTP status; the view shows it
above the form with everything they typed kept, and a fresh timestamp, so they can simply
post again. Nothing refused is stored.

When the cache is unreachable the rate limits are skipped (logged), never the request.
"""

import hashlib
import ipaddress
import logging
import time
from dataclasses import dataclass

from django.core import signing
from django.core.cache import caches
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from natoblog.addresses import email_hash, normalise_email
from natoblog.http import client_ip

from .conf import settings
from .models import Comment

logger = logging.getLogger(__name__)

TOKEN_SALT = "comments.form-timestamp"
TOKEN_VALUE = "comment-form"

HONEYPOT_MESSAGE = _(
    "Your comment was not posted: a field that must stay empty was filled in (browsers "
    "sometimes do this when they fill in forms automatically). Your text is kept below; "
    "please press “Post Comment” again."
)
TOO_FAST_MESSAGE = _(
    "Your comment was not posted: it arrived only moments after the page was opened, as spam "
    "robots do. Your text is kept below; please check it and press “Post Comment” again."
)
TOO_OLD_MESSAGE = _(
    "Your comment was not posted because the page had been open for a long time. Your text is "
    "kept below; please press “Post Comment” again."
)
CONFIRM_MESSAGE = _(
    "Please confirm your comment: press “Post Comment” again. (We ask this when a page was "
    "sent without a form timestamp, as it is to browsers without JavaScript: it keeps spam "
    "robots out.) Your text is kept below."
)
BAD_TOKEN_MESSAGE = _(
    "Your comment was not posted because the form was incomplete or had been altered. Your "
    "text is kept below; please press “Post Comment” again."
)
RATE_LIMIT_MESSAGE = _(
    "You are posting comments faster than we allow, so this one was not posted. Your text is "
    "kept below: please wait {wait} and press “Post Comment” again."
)
PREVIEW_RATE_LIMIT_MESSAGE = _(
    "You are asking for previews faster than we allow. Your text is kept below: please wait "
    "{wait} and try again."
)
EDIT_RATE_LIMIT_MESSAGE = _(
    "You are changing comments faster than we allow, so this change was not saved. Your text is "
    "kept below: please wait {wait} and press “Save” again."
)
DUPLICATE_MESSAGE = _("Duplicate comment detected; it looks as though you've already said that!")


def now():
    """Seconds since the epoch (one clock for the timestamps and the rate-limit windows)."""
    return time.time()


@dataclass(frozen=True)
class Refusal:
    reason: str  # for the log: "honeypot", "too fast", "rate limit: ip", ...
    message: str  # for the visitor
    status: int
    retry_after: int | None = None


# The signed form timestamp ------------------------------------------------------------------


def form_token(issued_at=None):
    """The value of the form's hidden timestamp field: when the form was rendered (seconds
    since the epoch, now by default), signed."""
    when = now() if issued_at is None else issued_at
    return signing.Signer(salt=TOKEN_SALT).sign_object({"v": TOKEN_VALUE, "t": int(when)})


def token_age(token):
    """Seconds since the token was issued, or None if it is missing, malformed or altered."""
    try:
        payload = signing.Signer(salt=TOKEN_SALT).unsign_object(token or "")
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("v") != TOKEN_VALUE:
        return None
    issued = payload.get("t")
    if not isinstance(issued, int):
        return None
    return now() - issued


def check_timestamp(token):
    if not token:  # the shared page's form, without JavaScript: post again, from this page
        return Refusal("no timestamp", CONFIRM_MESSAGE, 400)
    age = token_age(token)
    if age is None:
        return Refusal("bad timestamp", BAD_TOKEN_MESSAGE, 400)
    if age < settings.COMMENTS_MIN_SECONDS:
        return Refusal("too fast", TOO_FAST_MESSAGE, 400)
    if age > settings.COMMENTS_MAX_AGE_HOURS * 3600:
        return Refusal("too old", TOO_OLD_MESSAGE, 400)
    return None


# Rate limits ---------------------------------------------------------------------------------


def ip_key(ip):
    """What one sender is: the address for IPv4, its /64 network for IPv6."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def rate_key(kind, identity, bucket):
    """The cache key of one sender's counter in one window: hashed, so the cache holds no
    address."""
    digest = hashlib.sha256(f"{kind}:{identity}".encode()).hexdigest()[:32]
    return f"comments:rate:{kind}:{digest}:{bucket}"


def hit(kind, identity, limit, window):
    """Count one post for this sender in the current window. Returns the seconds to wait
    when past the limit, else None. Fixed windows: the key names its window and outlives it,
    so ``add`` + ``incr`` (both atomic in Redis) never count into a key that just expired."""
    moment = now()
    bucket = int(moment // window)
    key = rate_key(kind, identity, bucket)
    cache = caches[settings.COMMENTS_RATE_LIMIT_CACHE]
    cache.add(key, 0, timeout=window * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr (local memory cache under pressure)
        cache.set(key, 1, timeout=window * 2)
        count = 1
    if count > limit:
        return max(1, int((bucket + 1) * window - moment) + 1)
    return None


def describe_wait(seconds):
    minutes = (seconds + 59) // 60
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def check_rate_limits(ip, email):
    window = settings.COMMENTS_RATE_LIMIT_WINDOW
    address = normalise_email(email) or None
    limits = [
        ("ip", ip_key(ip), settings.COMMENTS_RATE_LIMIT_PER_IP),
        ("email", address, settings.COMMENTS_RATE_LIMIT_PER_EMAIL),
    ]
    for kind, identity, limit in limits:
        if not identity or not limit or window <= 0:
            continue
        try:
            wait = hit(kind, identity, limit, window)
        except Exception:  # the cache is down: degrade to no limit, never fail the post
            logger.warning("Comment rate limit skipped: the cache is unavailable", exc_info=True)
            return None
        if wait is not None:
            message = RATE_LIMIT_MESSAGE.format(wait=describe_wait(wait))
            return Refusal(f"rate limit: {kind}", message, 429, retry_after=wait)
    return None


def check_preview_rate(ip):
    """Previews are counted apart from posts (a visitor previews more often than they post),
    with the same window and the same degradation when the cache is down."""
    window = settings.COMMENTS_RATE_LIMIT_WINDOW
    limit = settings.COMMENTS_PREVIEW_RATE_LIMIT_PER_IP
    identity = ip_key(ip)
    if not identity or not limit or window <= 0:
        return None
    try:
        wait = hit("preview-ip", identity, limit, window)
    except Exception:
        logger.warning("Preview rate limit skipped: the cache is unavailable", exc_info=True)
        return None
    if wait is None:
        return None
    message = PREVIEW_RATE_LIMIT_MESSAGE.format(wait=describe_wait(wait))
    return Refusal("rate limit: preview", message, 429, retry_after=wait)


def check_edit(request, comment):
    """A Refusal for an edit by a comment's author (the rate limits of posts), or None."""
    user = request.user
    if user.is_authenticated and user.is_staff:
        return None
    refusal = check_rate_limits(client_ip(request), comment.author_email)
    if refusal is not None:
        refusal = Refusal(
            refusal.reason,
            EDIT_RATE_LIMIT_MESSAGE.format(wait=describe_wait(refusal.retry_after)),
            429,
            refusal.retry_after,
        )
        logger.info("Edit refused (%s) on comment %s", refusal.reason, comment.pk)
    return refusal


# Duplicates ----------------------------------------------------------------------------------


def is_duplicate(article, email, body):
    """The same text from the same e-mail address on the same article (trash excepted)."""
    return (
        Comment.objects.filter(article=article, email_hash=email_hash(email or ""), body=body)
        .exclude(status=Comment.Status.TRASH)
        .exists()
    )


# The one place the view asks -----------------------------------------------------------------


def check_post(request, form):
    """A Refusal for a validated CommentForm that must not be saved, or None."""
    ip = client_ip(request)
    user = form.user
    email = user.email if user is not None else form.cleaned_data.get("author_email", "")
    refusal = None
    if form.cleaned_data.get("honeypot"):
        refusal = Refusal("honeypot", HONEYPOT_MESSAGE, 400)
    if refusal is None:
        refusal = check_timestamp(form.cleaned_data.get("timestamp"))
    if refusal is None and not (user is not None and user.is_staff):
        refusal = check_rate_limits(ip, email)
    if refusal is None and is_duplicate(form.article, email, form.cleaned_data["body"]):
        refusal = Refusal("duplicate", DUPLICATE_MESSAGE, 409)
    if refusal is not None:
        logger.info(
            "Comment refused (%s) on %s from %s", refusal.reason, form.article.slug, ip or "?"
        )
    return refusal
