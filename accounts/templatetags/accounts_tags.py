from django import template

from accounts.identity import describe, identity
from accounts.social import login_providers as configured_login_providers

register = template.Library()


@register.simple_tag
def login_providers():
    """{% login_providers as providers %}: the switched-on social log-in providers."""
    return configured_login_providers()


@register.simple_tag(takes_context=True)
def commenting_identity(context):
    """{% commenting_identity as identity %}: name, provider and avatar of the logged-in
    commenter."""
    return identity(context["request"])


@register.simple_tag
def describe_social_account(account):
    """{% describe_social_account account as info %}: info.provider, info.name,
    info.avatar_url."""
    return describe(account)
