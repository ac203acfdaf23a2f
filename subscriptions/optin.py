"""Subscriptions by e-mail, with double opt-in.

``subscribe`` is the one way in, for the "Notify me" boxes of the comment form and for the
"Follow this blog" form: it records the address and mails it a signed confirmation link (a
mail with no visitor-written text in it, so the forms cannot be used to send a message to a
stranger). Nothing else is sent to the address until it confirms. While a confirmation is
pending (and its link still valid) no second one is sent.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mail import links
from mail.delivery import absolute, queue_mail
from mail.models import OutgoingMail
from natoblog.addresses import normalise_email

from . import tokens
from .models import Subscription


def subscribe(email, article=None, verified=False):
    """Subscribe an address to new comments on ``article`` (or, without one, to new posts).

    A verified address is confirmed at once; any other receives one confirmation mail, and
    no other while that one's link is valid. Returns the subscription."""
    kind = Subscription.Kind.COMMENTS if article is not None else Subscription.Kind.POSTS
    now = timezone.now()
    with transaction.atomic():
        subscription, _ = Subscription.objects.select_for_update().get_or_create(
            kind=kind, article=article, email=normalise_email(email)
        )
        if subscription.is_confirmed:
            return subscription
        if verified:
            subscription.confirmed_at = now
            subscription.save(update_fields=["confirmed_at"])
            return subscription
        sent = subscription.confirmation_sent_at
        if sent is not None and sent > now - links.short_max_age():
            return subscription  # its confirmation is still pending
        subscription.confirmation_sent_at = now
        subscription.save(update_fields=["confirmation_sent_at"])
        send_confirmation(subscription)
    return subscription


def send_confirmation(subscription):
    token = tokens.confirmation_token(subscription)
    queue_mail(
        OutgoingMail.Kind.CONFIRMATION,
        subscription.email,
        "subscriptions/email/confirm",
        {
            "subscription": subscription,
            "article": subscription.article,
            "article_url": (
                absolute(subscription.article.get_absolute_url()) if subscription.article else ""
            ),
            "confirm_url": absolute(reverse("subscriptions:confirm", args=[token])),
            "max_age_days": links.short_max_age().days,
        },
    )


def confirm(subscription):
    if not subscription.is_confirmed:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])


def links_for(subscription):
    """The absolute unsubscribe and manage links for a mail to a subscriber."""
    return {
        "unsubscribe_url": absolute(
            reverse("subscriptions:unsubscribe", args=[tokens.unsubscribe_token(subscription)])
        ),
        "manage_url": absolute(manage_path(subscription.email_hash)),
    }


def manage_path(email_hash):
    return reverse("subscriptions:manage", args=[tokens.manage_token(email_hash)])
