"""What an account holds for an e-mail address, for privacy's export and erasure: the user, its
e-mail addresses and its social accounts, and the failed log-ins django-axes recorded. Erasing
deletes a reader's account as "Delete my account" does (its comments are anonymised first by
the comments eraser); a staff account is kept, with a message."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext

from natoblog.addresses import normalise_email
from privacy import Erasure, users_with_email

from .deletion import delete_account


def accounts_of(email):
    """Accounts whose address this is: their own, or one they verified."""
    email = normalise_email(email)
    verified = EmailAddress.objects.filter(email__iexact=email, verified=True)
    return (
        get_user_model()
        .objects.filter(Q(email__iexact=email) | Q(pk__in=verified.values("user")))
        .distinct()
        .order_by("pk")
    )


def export_account(email):
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
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in user.emailaddress_set.order_by("pk")
            ],
            "social_accounts": [
                {
                    "provider": s.provider,
                    "uid": s.uid,
                    "date_joined": s.date_joined.isoformat(),
                    "last_login": s.last_login.isoformat(),
                    "extra_data": s.extra_data,
                }
                for s in user.socialaccount_set.order_by("pk")
            ],
        }
        for user in accounts_of(email)
    ]


def erase_account(email):
    result = Erasure()
    for user in accounts_of(email):
        if user.is_staff or user.is_superuser:
            result.retained += 1
            result.messages.append(
                gettext(
                    "The staff account “%(username)s” was kept; delete it in the admin if that "
                    "is intended."
                )
                % {"username": user.get_username()}
            )
            continue
        delete_account(user, keep_comments=True)
        result.erased += 1
    return result


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
