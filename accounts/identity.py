"""Who a logged-in commenter is: "You are commenting using your Facebook account (Ann)."."""

from dataclasses import dataclass

from allauth.account.authentication import get_authentication_records
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers import registry


@dataclass(frozen=True)
class Identity:
    name: str
    provider: str = ""  # "Facebook", "X", "WordPress.com"; empty for an account of this site
    avatar_url: str = ""  # an https:// picture from the provider, if it gives one


def display_name(user):
    """The name a comment is posted under (see comments.forms.CommentForm.save)."""
    return user.get_full_name() or user.get_username()


def social_account_used(request):
    """The social account this session logged in with; None after a log-in with a password.

    allauth records each way of logging in in the session; a session without records (one
    opened another way) counts as social only for a user who has no password."""
    user = request.user
    for record in reversed(get_authentication_records(request, user)):
        if record.get("method") == "socialaccount":
            return SocialAccount.objects.filter(
                user=user, provider=record.get("provider"), uid=record.get("uid")
            ).first()
        if record.get("method") != "mfa":  # a second factor says nothing about the first
            return None
    if user.has_usable_password():
        return None
    return SocialAccount.objects.filter(user=user).order_by("-last_login").first()


def describe(account):
    """A social account as the provider described it: its provider's name, the account's
    name there, its picture. Works even after the provider has been switched off."""
    registry.load()
    provider_class = registry.get_class(account.provider)
    if provider_class is None:
        return Identity(name=account.uid, provider=account.provider)
    wrapped = provider_class.account_class(account)
    avatar = wrapped.get_avatar_url() or ""
    return Identity(
        name=wrapped.to_str(),
        provider=provider_class.name,
        avatar_url=avatar if avatar.startswith("https://") else "",
    )


def identity(request):
    """The logged-in commenter: the name comments are posted under, and the provider and
    picture of the social account they logged in with (none for an account of this site)."""
    user = request.user
    account = social_account_used(request)
    if account is None:
        return Identity(name=display_name(user))
    described = describe(account)
    return Identity(
        name=display_name(user), provider=described.provider, avatar_url=described.avatar_url
    )
