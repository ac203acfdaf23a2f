"""Personal data export and erasure for one e-mail address, as WordPress offers.

Like WordPress's exporters and erasers, each kind of data registers what it holds for an
address: ``register(name, label, export, erase)``. ``export(email)`` returns a list of
JSON-serialisable dicts; ``erase(email)`` anonymises or removes them and returns an
``Erasure``. This module registers comments, failed log-in records and user accounts; an app
that stores more (subscriptions, social accounts) registers its own in its AppConfig.ready():

    from comments import privacy
    privacy.register("subscriptions", "Subscriptions", export_subscriptions, end_subscriptions)

Erasers run in registration order, so those that find data through the user account
(comments, log-in records) run before the account itself is anonymised.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Comment, email_hash

logger = logging.getLogger(__name__)

ANONYMOUS_NAME = "Anonymous"
ANONYMOUS_EMAIL = "deleted@site.invalid"  # .invalid: a domain that never resolves (RFC 2606)


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
    count = comments_of(email).update(
        author_name=ANONYMOUS_NAME,
        author_email=ANONYMOUS_EMAIL,
        email_hash=email_hash(ANONYMOUS_EMAIL),
        author_url="",
        ip_address=None,
        user_agent="",
        user=None,
        notify_comments=False,
        notify_posts=False,
    )
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


# User accounts --------------------------------------------------------------------------------


def export_users(email):
    return [
        {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "groups": list(user.groups.values_list("name", flat=True)),
        }
        for user in users_with_email(email).order_by("pk")
    ]


def erase_users(email):
    """A reader's account is closed and anonymised. A staff account is kept: removing
    someone who runs the site is a decision for the admin, not for this command."""
    result = Erasure()
    for user in users_with_email(email):
        if user.is_staff or user.is_superuser:
            result.retained += 1
            result.messages.append(
                f"The staff account “{user.get_username()}” was kept; delete it in the admin "
                "if that is intended."
            )
            continue
        user.username = f"deleted-user-{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        result.erased += 1
    return result


register("comments", "Comments", export_comments, erase_comments)
register("login_attempts", "Failed log-in attempts", export_login_attempts, erase_login_attempts)
register("users", "User account", export_users, erase_users)
