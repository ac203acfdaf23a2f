from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save

MODERATORS = "Moderators"
MODERATOR_PERMISSIONS = [
    ("comments", "view_comment"),
    ("comments", "add_comment"),
    ("comments", "change_comment"),
    ("comments", "delete_comment"),
    ("comments", "view_flag"),
    ("comments", "delete_flag"),
    ("comments", "view_discussionsettings"),
    ("comments", "change_discussionsettings"),
    ("comments", "view_outgoingmail"),
    ("comments", "change_outgoingmail"),  # "Retry now" on mail that failed
    ("articles", "view_article"),
    ("articles", "view_author"),
]


def ensure_defaults(using="default", **kwargs):
    """The "Moderators" group (just what moderating comments needs, and reading articles)
    and the discussion settings. Runs after every migrate (permissions exist only then);
    idempotent."""
    from django.contrib.auth.models import Group, Permission

    from .models import DiscussionSettings

    DiscussionSettings.objects.using(using).get_or_create(pk=1)

    group, _ = Group.objects.using(using).get_or_create(name=MODERATORS)
    wanted = [
        Permission.objects.using(using).get(content_type__app_label=app, codename=codename)
        for app, codename in MODERATOR_PERMISSIONS
    ]
    group.permissions.set(wanted)


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from . import mail_admin  # noqa: F401  (outgoing mail and subscriptions in the admin)
        from .notifications import article_saved

        post_migrate.connect(ensure_defaults, sender=self)
        # A newly published article is mailed to the blog's subscribers (once).
        post_save.connect(article_saved, sender="articles.Article", dispatch_uid="announce")
