"""The comments' moderation rules, which moderators edit in the admin (Discussion settings):
one row, read with ``DiscussionSettings.load()``. A model of the comments app (imported by
comments/models.py, where the rest of the app finds it)."""

from django.db import models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article, article_changed


class DiscussionSettings(models.Model):
    """The moderation rules, editable by moderators in the admin (one row)."""

    class CommentOrder(models.TextChoices):
        OLDEST = "oldest", _("older comments at the top of each page")
        NEWEST = "newest", _("newer comments at the top of each page")

    class DisallowedAction(models.TextChoices):
        SPAM = "spam", _("Mark as spam")
        TRASH = "trash", _("Move to trash")

    disallowed_keys = models.TextField(
        _("disallowed keys"),
        blank=True,
        help_text=_(
            "One word, name, e-mail, URL or IP address (or network, e.g. 203.0.113.0/24) per "
            "line. A comment containing any of them in its text, name, e-mail, website, IP "
            "or browser is put in spam or trash. Case-insensitive, whole words."
        ),
    )
    disallowed_action = models.CharField(
        _("disallowed action"),
        max_length=10,
        choices=DisallowedAction.choices,
        default=DisallowedAction.SPAM,
    )
    manual_approval = models.BooleanField(
        _("comment must be manually approved"),
        default=False,
        help_text=_("Hold every comment for a moderator."),
    )
    moderation_keys = models.TextField(
        _("moderation keys"),
        blank=True,
        help_text=_("Same format as the disallowed keys; a match holds the comment for review."),
    )
    link_limit = models.PositiveSmallIntegerField(
        _("hold a comment with this many links"),
        default=2,
        help_text=_(
            "Hold a comment in the queue if it contains this many links or more (0: off)."
        ),
    )
    require_previous_approval = models.BooleanField(
        _("comment author must have a previously approved comment"),
        default=True,
        help_text=_("Otherwise, comments that pass every other rule are approved at once."),
    )
    report_threshold = models.PositiveSmallIntegerField(
        _("reports before a comment is held"),
        default=3,
        help_text=_("Once a comment has this many reports from readers it goes back to pending."),
    )
    purge_after_days = models.PositiveSmallIntegerField(
        _("delete spam and trash after (days)"),
        default=30,
        help_text=_("Used by `manage.py purge_comments`."),
    )
    comment_order = models.CharField(
        _("comments should be displayed with the"),
        max_length=10,
        choices=CommentOrder.choices,
        default=CommentOrder.OLDEST,
        help_text=_("Replies stay oldest first under the comment they answer."),
    )

    class Meta:
        verbose_name = _("discussion settings")
        verbose_name_plural = _("discussion settings")

    def __str__(self):
        return gettext("Discussion settings")

    def save(self, *args, **kwargs):
        self.pk = 1  # there is only one
        before = DiscussionSettings.objects.filter(pk=1).values_list("comment_order", flat=True)
        order_changed = list(before) != [self.comment_order]
        super().save(*args, **kwargs)
        from .order import forget_comment_order

        # now, and again once committed (a page read in between may have kept the old one)
        forget_comment_order()
        transaction.on_commit(forget_comment_order, robust=True)
        if order_changed:  # the order is the markup of every article page
            article_changed(*Article.objects.values_list("pk", flat=True))

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]
