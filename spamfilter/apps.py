from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_defaults(using="default", **kwargs):
    """The filter's settings row. Runs after every migrate; idempotent."""
    from comments.models import DiscussionSettings

    from .models import FilterSettings

    rules = DiscussionSettings.objects.using(using).get_or_create(pk=1)[0]
    FilterSettings.objects.using(using).get_or_create(discussion=rules)


class SpamFilterConfig(AppConfig):
    """A spam filter that learns from the moderators' decisions (naive Bayes over token counts
    in the database), and Akismet as an option. It plugs into comments' one moderation
    decision (comments.moderation.register_check) and learns from comment_status_changed."""

    name = "spamfilter"
    verbose_name = _("Spam filter")

    def ready(self):
        from django.db.models.signals import post_save

        from comments.moderation import register_check
        from comments.signals import comment_status_changed

        from . import check, learning

        post_migrate.connect(ensure_defaults, sender=self)
        register_check(check.spam_check)
        post_save.connect(check.record_verdict, sender="comments.Comment", dispatch_uid="spam")
        comment_status_changed.connect(learning.moderator_decided, dispatch_uid="spamfilter")
