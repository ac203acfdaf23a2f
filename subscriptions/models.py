from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from natoblog.addresses import email_hash, normalise_email


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        """Subscriptions that may receive notifications (double opt-in done)."""
        return self.filter(confirmed_at__isnull=False)

    def pending(self):
        return self.filter(confirmed_at__isnull=True)

    def for_address(self, email):
        return self.filter(email_hash=email_hash(email))


class Subscription(models.Model):
    """An address that asked for mail: new comments on one article, or new posts on the site.
    Nothing but the confirmation is sent until ``confirmed_at`` is set; unsubscribing deletes
    the row."""

    class Kind(models.TextChoices):
        COMMENTS = "comments", _("New comments on an article")
        POSTS = "posts", _("New posts")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        help_text=_("The article whose comments are followed (empty for new posts)."),
    )
    email = models.EmailField(_("e-mail"), max_length=254, help_text=_("Stored in lower case."))
    email_hash = models.CharField(max_length=64, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(
        _("confirmed at"),
        null=True,
        blank=True,
        help_text=_("Empty until the address confirms (double opt-in)."),
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        db_table = "comments_subscription"  # created by the comments app, kept on the move
        ordering = ["-created_at", "-id"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["email", "article"],
                condition=models.Q(kind="comments"),
                name="one_comment_subscription_per_address",
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(kind="posts"),
                name="one_post_subscription_per_address",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="comments", article__isnull=False)
                    | models.Q(kind="posts", article__isnull=True)
                ),
                name="subscription_article_matches_kind",
            ),
        ]
        indexes = [models.Index(fields=["article", "kind", "confirmed_at"])]

    def __str__(self):
        what = f"comments on {self.article}" if self.article_id else "new posts"
        return f"{self.email}: {what}"

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        self.email_hash = email_hash(self.email)
        super().save(*args, **kwargs)

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class NotificationEvent(models.Model):
    """An event that was announced by mail (a comment's approval, an article's publication, a
    moderation alert), recorded in the same transaction as its mails so that it is announced
    once, however often it happens or its task runs."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "comments_notificationevent"
        ordering = ["-created_at"]
        verbose_name = _("notification event")
        verbose_name_plural = _("notification events")

    def __str__(self):
        return self.key
