import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from articles.cache import invalidate_article
from articles.models import Article

from .rendering import render_comment


def website(url):
    """An author's website as a link target: http(s) only. The form accepts nothing else, but a
    comment that came in another way (an import, the shell) may hold anything, and escaping
    does not stop a javascript: link."""
    url = url.strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


def email_hash(email):
    """SHA-256 of the normalised address: Gravatar's key, and a way to group an author's
    comments without showing the address."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """What readers see."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def spam(self):
        return self.filter(status=Comment.Status.SPAM)

    def trash(self):
        return self.filter(status=Comment.Status.TRASH)

    # Bulk changes (moderation actions, imports) refresh the pages of the articles concerned,
    # as Comment.save() and delete() do.
    def update(self, **kwargs):
        articles = self._article_ids()
        rows = super().update(**kwargs)
        moved_to = kwargs.get("article", kwargs.get("article_id"))
        self._invalidate({*articles, getattr(moved_to, "pk", moved_to)})
        return rows

    def delete(self):
        articles = self._article_ids()
        deleted = super().delete()
        self._invalidate(articles)
        return deleted

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        self._invalidate({comment.article_id for comment in objs})
        return objs

    def bulk_update(self, objs, *args, **kwargs):
        rows = super().bulk_update(objs, *args, **kwargs)
        self._invalidate({comment.article_id for comment in objs})
        return rows

    def _article_ids(self):
        return set(self.order_by().values_list("article_id", flat=True).distinct())

    @staticmethod
    def _invalidate(article_ids):
        for article_id in article_ids - {None}:
            invalidate_article(article_id)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
        help_text="The comment this one replies to.",
    )
    # The top-level comment of the thread (null for a top-level comment itself): a page of
    # comments is fetched by its top-level ids in one query.
    thread = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    author_name = models.CharField("name", max_length=245)
    author_email = models.EmailField("e-mail", max_length=100, help_text="Never shown publicly.")
    author_url = models.URLField("website", max_length=200, blank=True)
    email_hash = models.CharField(max_length=64, editable=False, db_index=True)

    body = models.TextField("comment", max_length=65525)
    body_html = models.TextField(editable=False)

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    moderation_reason = models.CharField(
        max_length=255, blank=True, help_text="Which rule, or which moderator, decided the status."
    )
    status_before_removal = models.CharField(
        max_length=10,
        choices=Status.choices,
        blank=True,
        editable=False,
        help_text="Where “Restore from trash” puts the comment back.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)

    notify_comments = models.BooleanField(
        "notify me of new comments", default=False, help_text="Ticked on the form."
    )
    notify_posts = models.BooleanField(
        "notify me of new posts", default=False, help_text="Ticked on the form."
    )

    objects = CommentQuerySet.as_manager()

    # The status as last loaded or saved: save() compares it to tell a change of status.
    _saved_status = None

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "comments"
        indexes = [
            # The article page: approved top-level comments of an article, oldest first,
            # then every comment of the threads on that page.
            models.Index(fields=["article", "status", "parent", "created_at"]),
            models.Index(fields=["thread", "status"]),
            # The moderation queue: newest first within a status.
            models.Index(fields=["status", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.author_name} on {self.article}: {self.excerpt}"

    def save(self, *args, moderate=True, **kwargs):
        """Render the body once, place the comment in its thread, and on creation let the
        one moderation decision set its status (pass ``moderate=False`` only for data that
        was already moderated, such as fixtures). A change of status (creation included) is
        handed to ``notifications.comment_status_changed``, which queues the mail."""
        self.body_html = render_comment(self.body)
        self.email_hash = email_hash(self.author_email)
        max_depth = settings.COMMENTS_THREAD_DEPTH
        while self.parent_id and self.parent.depth + 1 >= max_depth:
            self.parent = self.parent.parent  # at the deepest level: attach beside it
        if self.parent_id:
            self.depth = self.parent.depth + 1
            self.thread_id = self.parent.thread_id or self.parent_id
        else:
            self.depth = 0
            self.thread_id = None
        adding = self._state.adding
        if adding and moderate:
            from .moderation import moderate as decide

            decide(self)
        old_status = None if self._state.adding else self._saved_status
        super().save(*args, **kwargs)
        if not adding or self.status == self.Status.APPROVED:
            invalidate_article(self.article_id)  # a new comment held back changes no page
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" not in update_fields:
            return
        if old_status is not models.DEFERRED and old_status != self.status:
            from .notifications import comment_status_changed

            comment_status_changed(self, old_status)
        self._saved_status = self.status

    def get_absolute_url(self):
        """A stable permalink that redirects to the page of the thread holding the comment."""
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        invalidate_article(self.article_id)
        return deleted

    @classmethod
    def from_db(cls, db, field_names, values):
        comment = super().from_db(db, field_names, values)
        comment._saved_status = comment.__dict__.get("status", models.DEFERRED)
        return comment

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._saved_status = self.__dict__.get("status", models.DEFERRED)

    @property
    def anchor(self):
        return f"comment-{self.pk}"

    @property
    def website(self):
        return website(self.author_url)

    @property
    def excerpt(self):
        text = " ".join(self.body.split())
        return text if len(text) <= 80 else text[:79] + "…"

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED


class Flag(models.Model):
    """A reader's report of a comment: one per visitor per comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    reporter = models.CharField(
        max_length=64, editable=False, help_text="A hash of the reporting visitor's session."
    )
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "flags"
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_flag_per_visitor")
        ]

    def __str__(self):
        return f"Report on comment {self.comment_id}"


class DiscussionSettings(models.Model):
    """The moderation rules, editable by moderators in the admin (one row)."""

    class DisallowedAction(models.TextChoices):
        SPAM = "spam", "Mark as spam"
        TRASH = "trash", "Move to trash"

    disallowed_keys = models.TextField(
        "disallowed keys",
        blank=True,
        help_text=(
            "One word, name, e-mail, URL or IP address (or network, e.g. 203.0.113.0/24) per "
            "line. A comment containing any of them in its text, name, e-mail, website, IP "
            "or browser is put in spam or trash. Case-insensitive, whole words."
        ),
    )
    disallowed_action = models.CharField(
        max_length=10, choices=DisallowedAction.choices, default=DisallowedAction.SPAM
    )
    manual_approval = models.BooleanField(
        "comment must be manually approved",
        default=False,
        help_text="Hold every comment for a moderator.",
    )
    moderation_keys = models.TextField(
        "moderation keys",
        blank=True,
        help_text="Same format as the disallowed keys; a match holds the comment for review.",
    )
    link_limit = models.PositiveSmallIntegerField(
        "hold a comment with this many links",
        default=2,
        help_text="Hold a comment in the queue if it contains this many links or more (0: off).",
    )
    require_previous_approval = models.BooleanField(
        "comment author must have a previously approved comment",
        default=True,
        help_text="Otherwise, comments that pass every other rule are approved at once.",
    )
    report_threshold = models.PositiveSmallIntegerField(
        "reports before a comment is held",
        default=3,
        help_text="Once a comment has this many reports from readers it goes back to pending.",
    )
    purge_after_days = models.PositiveSmallIntegerField(
        "delete spam and trash after (days)",
        default=30,
        help_text="Used by `manage.py purge_comments`.",
    )

    class Meta:
        verbose_name = "discussion settings"
        verbose_name_plural = "discussion settings"

    def __str__(self):
        return "Discussion settings"

    def save(self, *args, **kwargs):
        self.pk = 1  # there is only one
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:comments_discussionsettings_change", args=[self.pk])

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]


def comments_open(article):
    """Whether an article takes new comments: switched on for it, published, and not older
    than COMMENTS_CLOSE_AFTER_DAYS (when set)."""
    if not article.comments_enabled or not article.is_published:
        return False
    closes = comments_close_at(article)
    return closes is None or timezone.now() <= closes


def comments_close_at(article):
    """When comments on a published article close by themselves (None: they do not)."""
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    return article.published_at + timedelta(days=days) if days else None


# --- E-mail: subscriptions, the outgoing mail queue, and what was already announced --------


def normalise_email(email):
    return email.strip().lower()


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
        COMMENTS = "comments", "New comments on an article"
        POSTS = "posts", "New posts"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        help_text="The article whose comments are followed (empty for new posts).",
    )
    email = models.EmailField("e-mail", max_length=254, help_text="Stored in lower case.")
    email_hash = models.CharField(max_length=64, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty until the address confirms (double opt-in)."
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "subscriptions"
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

    def get_absolute_url(self):
        return reverse("admin:comments_subscription_change", args=[self.pk])

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class OutgoingMail(models.Model):
    """One e-mail to one address, queued in the database and sent by the task worker.

    A delivery task claims the row (queued -> sending) with one conditional UPDATE before it
    talks to the mail server, so a task that runs twice sends nothing the second time.
    A failed send is retried with back-off; after MAIL_MAX_ATTEMPTS it is marked failed,
    with the error, for staff to retry from the admin."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        MODERATION = "moderation", "Comment to moderate"
        AUTHOR = "author", "Approved comment, to the article's author"
        CONFIRMATION = "confirmation", "Subscription confirmation"
        NEW_COMMENT = "new_comment", "New comment, to subscribers"
        NEW_POST = "new_post", "New post, to subscribers"
        ACCOUNT = "account", "Account (address confirmation, password reset)"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outgoing mail"
        verbose_name_plural = "outgoing mail"
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.subject} → {self.to}"

    def get_absolute_url(self):
        return reverse("admin:comments_outgoingmail_change", args=[self.pk])


class NotificationEvent(models.Model):
    """An event that was announced by mail (a comment's approval, an article's publication, a
    moderation alert), recorded in the same transaction as its mails so that it is announced
    once, however often it happens or its task runs."""

    key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "notification events"

    def __str__(self):
        return self.key


class UsedLink(models.Model):
    """The nonce of a single-use signed link (Approve/Spam/Trash in a moderation mail) that
    has been used. Rows older than COMMENTS_LINK_MAX_AGE_DAYS may be deleted: the signature
    has expired by then."""

    nonce = models.CharField(max_length=32, unique=True)
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-used_at"]
        verbose_name_plural = "used links"

    def __str__(self):
        return self.nonce
