"""Personal data export and erasure for one e-mail address, as WordPress offers.

Like WordPress's exporters and erasers, each kind of data registers what it holds for an
address: ``register(name, label, export, erase)``. ``export(email)`` returns a list of
JSON-serialisable dicts; ``erase(email)`` anonymises or removes them and returns an
``Erasure``. This module registers comments, subscriptions and failed log-in records; an
app that stores more registers its own in its AppConfig.ready(), as accounts does for the
account, its e-mail addresses and its social accounts (accounts/privacy.py):

    from comments import privacy
    privacy.register("account", "Account", export_account, erase_account)

Erasers run in registration order, so those that find data through the user account
(comments, log-in records) run before the account itself goes.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Comment, Subscription, email_hash

logger = logging.getLogger(__name__)

# What an erased comment keeps of its author (also what deleting an account does to the
# comments it keeps: accounts.deletion).
ANONYMISED = {
    "author_name": "Anonymous",
    "author_email": "",
    "email_hash": "",  # matches no address: the moderation rules know no one by it
    "author_url": "",
    "ip_address": None,
    "user_agent": "",
    "user": None,
    "notify_comments": False,
    "notify_posts": False,
}


@dataclass
class Erasure:
    erased: int = 0
    retained: int = 0
    messages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    export: Callable[[str], list]
    erase: Callable[[str], Erasure]


providers: dict[str, Provider] = {}


def register(name, label, export, erase):
    """Add (or replace) what one kind of data holds for an e-mail address."""
    providers[name] = Provider(name, label, export, erase)


def normalise(email):
    return (email or "").strip().lower()


def export_personal_data(email):
    """Everything the site holds for an e-mail address, as one JSON-serialisable dict."""
    email = normalise(email)
    return {
        "email": email,
        "site": settings.SITE_URL,
        "exported_at": timezone.now().isoformat(),
        "groups": {
            provider.name: {"label": provider.label, "items": provider.export(email)}
            for provider in providers.values()
        },
    }


def erase_personal_data(email):
    """Anonymise or remove everything held for an e-mail address, in one transaction.
    Returns {provider name: Erasure}."""
    email = normalise(email)
    with transaction.atomic():
        results = {name: provider.erase(email) for name, provider in providers.items()}
    logger.info(
        "Personal data erased for one address: %s",
        ", ".join(f"{name} {result.erased}" for name, result in results.items()),
    )
    return results


def users_with_email(email):
    return get_user_model().objects.filter(email__iexact=normalise(email)).exclude(email="")


# Comments ------------------------------------------------------------------------------------


def comments_of(email):
    return Comment.objects.filter(
        Q(email_hash=email_hash(email)) | Q(user__in=users_with_email(email))
    )


def export_comments(email):
    return [
        {
            "id": c.pk,
            "article": c.article.title,
            "article_url": settings.SITE_URL + c.article.get_absolute_url(),
            "in_reply_to": c.parent_id,
            "created_at": c.created_at.isoformat(),
            "status": c.status,
            "author_name": c.author_name,
            "author_email": c.author_email,
            "author_url": c.author_url,
            "ip_address": c.ip_address,
            "user_agent": c.user_agent,
            "comment": c.body,
            "notify_comments": c.notify_comments,
            "notify_posts": c.notify_posts,
        }
        for c in comments_of(email).select_related("article").order_by("created_at", "pk")
    ]


def strip_network_data(comments):
    """Remove the IP address and browser from comments (the purge's anonymisation).
    Returns how many comments changed."""
    return comments.filter(~Q(ip_address=None) | ~Q(user_agent="")).update(
        ip_address=None, user_agent=""
    )


def erase_comments(email):
    """Name, e-mail, website, IP address and browser anonymised, notifications ended; the
    comments themselves stay where they are, so the threads keep their shape."""
    count = comments_of(email).update(**ANONYMISED)
    messages = []
    if count:
        messages.append(
            f"{count} comment{'s' * (count != 1)} kept with the author anonymised; delete "
            "any whose text itself is personal from the admin."
        )
    return Erasure(erased=count, messages=messages)


# Failed log-ins (django-axes) -----------------------------------------------------------------


def login_attempts_of(email):
    from axes.models import AccessAttempt

    usernames = [email, *users_with_email(email).values_list("username", flat=True)]
    return AccessAttempt.objects.filter(username__in=usernames)


def export_login_attempts(email):
    return [
        {
            "username": a.username,
            "ip_address": a.ip_address,
            "user_agent": a.user_agent,
            "path": a.path_info,
            "failures": a.failures_since_start,
            "attempt_time": a.attempt_time.isoformat(),
        }
        for a in login_attempts_of(email).order_by("attempt_time")
    ]


def erase_login_attempts(email):
    count, _ = login_attempts_of(email).delete()
    return Erasure(erased=count)


# Subscriptions ---------------------------------------------------------------------------------


def export_subscriptions(email):
    return [
        {
            "kind": s.kind,
            "article": s.article.title if s.article_id else None,
            "email": s.email,
            "created_at": s.created_at.isoformat(),
            "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
        }
        for s in Subscription.objects.for_address(email).select_related("article")
    ]


def end_subscriptions(email):
    count, _ = Subscription.objects.for_address(email).delete()
    return Erasure(erased=count)


register("comments", "Comments", export_comments, erase_comments)
register("subscriptions", "Subscriptions", export_subscriptions, end_subscriptions)
register("login_attempts", "Failed log-in attempts", export_login_attempts, erase_login_attempts)
