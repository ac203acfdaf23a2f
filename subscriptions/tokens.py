"""The signed links of subscription mails: confirm, unsubscribe, manage (made and checked with
mail.links; the salts are unchanged since these lived in comments, so links in mails already
sent keep working)."""

from mail import links

CONFIRM = "comments.subscription.confirm"
UNSUBSCRIBE = "comments.subscription.unsubscribe"
MANAGE = "comments.subscription.manage"


def confirmation_token(subscription):
    return links.make(CONFIRM, {"s": subscription.pk, "h": subscription.email_hash[:16]})


def unsubscribe_token(subscription):
    return links.make(UNSUBSCRIBE, {"s": subscription.pk, "h": subscription.email_hash[:16]})


def read_subscription_token(purpose, token):
    """(subscription id, the start of its address's hash) from a confirm or unsubscribe link."""
    max_age = links.short_max_age() if purpose == CONFIRM else links.long_max_age()
    payload = links.read(purpose, token, max_age)
    try:
        return int(payload["s"]), str(payload["h"])
    except (KeyError, TypeError, ValueError) as exc:
        raise links.LinkError from exc


def manage_token(email_hash):
    return links.make(MANAGE, {"h": email_hash})


def read_manage_token(token):
    """The hash of the address whose subscriptions the link manages."""
    payload = links.read(MANAGE, token, links.long_max_age())
    value = payload.get("h")
    if not isinstance(value, str) or len(value) != 64:
        raise links.LinkError
    return value
