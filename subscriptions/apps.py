from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def unconfirmed_subscriptions(sender, links_expired_before, **kwargs):
    """For `manage.py purge_mail`: subscriptions never confirmed whose link has expired."""
    from .models import Subscription

    expired = Subscription.objects.pending().filter(confirmation_sent_at__lt=links_expired_before)
    return [("unconfirmed subscription(s)", expired)]


class SubscriptionsConfig(AppConfig):
    """Who is told what: subscriptions with double opt-in, the pages their mail links open,
    the "Follow this blog" form, and what is mailed when (subscriptions/notifications.py)."""

    name = "subscriptions"
    verbose_name = _("Subscriptions")

    def ready(self):
        import privacy
        from comments.signals import comment_needs_moderator, comment_status_changed
        from mail.signals import purging

        from . import notifications
        from .privacy import end_subscriptions, export_subscriptions

        comment_status_changed.connect(notifications.comment_status_changed, dispatch_uid="mail")
        comment_needs_moderator.connect(notifications.comment_needs_moderator, dispatch_uid="mail")
        # A newly published article is mailed to the blog's subscribers (once).
        post_save.connect(
            notifications.article_saved, sender="articles.Article", dispatch_uid="announce"
        )
        purging.connect(unconfirmed_subscriptions, dispatch_uid="subscriptions")
        privacy.register(
            "subscriptions", _("Subscriptions"), export_subscriptions, end_subscriptions, order=10
        )
