from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

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
    ("mail", "view_outgoingmail"),
    ("mail", "change_outgoingmail"),  # "Retry now" on mail that failed
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
    """The discussion under each article: comments, the form, moderation, spam defences,
    threads, the moderation queue in the admin."""

    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        import privacy
        from pagecache import cache as page_cache

        from . import signals  # noqa: F401 (connects the receivers that refresh pages)
        from .conf import MARKUP_SETTINGS
        from .privacy import erase_comments, export_comments

        post_migrate.connect(ensure_defaults, sender=self)
        page_cache.register_markup_settings(*MARKUP_SETTINGS)
        privacy.register("comments", _("Comments"), export_comments, erase_comments, order=0)
