from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article, article_changed
from natoblog.addresses import email_hash

from .conf import settings as conf
from .discussion import DiscussionSettings  # noqa: F401 (a model of this app, found here)
from .rendering import render_body


def website(url):
    """An author's website as a link target: http(s) only. The form accepts nothing else, but a
    comment that came in another way (an import, the shell) may hold anything, and escaping
    does not stop a javascript: link."""
    url = url.strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


class CommentQuerySet(models.QuerySet):
    def create(self, **kwargs):
        """A comment created through the ORM takes the same path as one from the form: the
        moderation decision sets its status (comments.actions.post). For a comment whose
        status is already decided, use comments.actions.add_moderated."""
        from .actions import post

        return post(self.model(**kwargs))

    def approved(self):
        """What readers see."""
        return self.filter(status=Comment.Status.APPROVED)

    def thoughts(self):
        """What "N thoughts" counts: comments, not pingbacks or trackbacks."""
        return self.filter(kind=Comment.Kind.COMMENT)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def spam(self):
        return self.filter(status=Comment.Status.SPAM)

    def trash(self):
        return self.filter(status=Comment.Status.TRASH)

    # Bulk changes refresh the pages of the articles concerned, as saving and deleting one
    # comment does (comments/signals.py). A status changes only through comments.actions.
    def update(self, **kwargs):
        if "status" in kwargs:
            raise TypeError(
                "A comment's status changes through comments.actions.change_status(), which "
                "tells the other apps; QuerySet.update(status=...) would tell no one."
            )
        articles = self._article_ids()
        rows = super().update(**kwargs)
        moved_to = kwargs.get("article", kwargs.get("article_id"))
        self._invalidate({*articles, getattr(moved_to, "pk", moved_to)})
        return rows

    def bulk_create(self, objs, *args, invalidate=True, **kwargs):
        """``invalidate=False``: the caller refreshes the pages itself, once (an import)."""
        objs = super().bulk_create(objs, *args, **kwargs)
        if invalidate:
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
        article_ids = article_ids - {None}
        if article_ids:
            article_changed(*article_ids)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        TRASH = "trash", _("Trash")

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        # Notices that another site linked here (imported from WordPress): shown as
        # "Pingback: …" without a Reply link, and not counted as thoughts.
        PINGBACK = "pingback", _("Pingback")
        TRACKBACK = "trackback", _("Trackback")

    class BodyFormat(models.TextChoices):
        TEXT = "text", _("The site's comment text")
        # HTML written elsewhere (an import from WordPress or Disqus): sanitised as HTML.
        HTML = "html", _("HTML (imported)")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
        help_text=_("The comment this one replies to."),
    )
    # The top-level comment of the thread (null for a top-level comment itself): a page of
    # comments is fetched by its top-level ids in one query.
    thread = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    author_name = models.CharField(_("name"), max_length=245)
    author_email = models.EmailField(
        _("e-mail"), max_length=100, help_text=_("Never shown publicly.")
    )
    author_url = models.URLField(_("website"), max_length=200, blank=True)
    email_hash = models.CharField(max_length=64, editable=False, db_index=True)

    body = models.TextField(_("comment"), max_length=65525)
    body_format = models.CharField(
        _("text format"), max_length=10, choices=BodyFormat.choices, default=BodyFormat.TEXT
    )
    body_html = models.TextField(editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    # The anchor the comment had on the site it was imported from ("comment-45"), so old
    # links with that fragment land on it (shown unless a comment here has that anchor).
    legacy_anchor = models.CharField(max_length=40, blank=True, editable=False)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    moderation_reason = models.CharField(
        _("moderation reason"),
        max_length=255,
        blank=True,
        help_text=_("Which rule, or which moderator, decided the status."),
    )
    status_before_removal = models.CharField(
        _("status before removal"),
        max_length=10,
        choices=Status.choices,
        blank=True,
        editable=False,
        help_text=_("Where “Restore from trash” puts the comment back."),
    )
    # default rather than auto_now_add: an imported comment keeps its date (bulk_create
    # would overwrite an auto_now_add field)
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, editable=False, db_index=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    edited_at = models.DateTimeField(
        _("edited at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When its author last changed the text (earlier versions: its history)."),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)

    notify_comments = models.BooleanField(
        _("notify me of new comments"), default=False, help_text=_("Ticked on the form.")
    )
    notify_posts = models.BooleanField(
        _("notify me of new posts"), default=False, help_text=_("Ticked on the form.")
    )

    objects = CommentQuerySet.as_manager()

    # Set by comments.actions when it decides a status (a new comment's, or a change);
    # save() refuses any other new comment or change of status, so that no path skips
    # moderation or what follows a change (comments/signals.py).
    decided = False
    _loaded_status = None  # the status as loaded from the database

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            # The article page: approved top-level comments of an article, oldest first,
            # then every comment of the threads on that page.
            models.Index(fields=["article", "status", "parent", "created_at"]),
            models.Index(fields=["thread", "status"]),
            # The moderation queue: newest first within a status.
            models.Index(fields=["status", "-created_at"]),
        ]

    def __str__(self):
        return gettext("%(author)s on %(article)s: %(excerpt)s") % {
            "author": self.author_name,
            "article": self.article,
            "excerpt": self.excerpt,
        }

    def save(self, *args, **kwargs):
        """Derive what is stored beside the input: the body rendered once, the address's hash,
        and the comment's place in its thread (a reply to the deepest level attaches beside
        it, whatever path saved it). Creating a comment or changing its status is
        comments.actions' business: it decides, and tells the other apps."""
        if self._state.adding and not self.decided:
            raise ValueError(
                "A new comment is saved by comments.actions.post() (which moderates it) or "
                "add_moderated() (status already decided), so that no path skips moderation "
                "or what follows it."
            )
        if self.status_changed and not self.decided:
            raise ValueError(
                "A comment's status changes through comments.actions.change_status(), which "
                "tells the other apps."
            )
        self.body_html = render_body(self.body, self.body_format)
        self.email_hash = email_hash(self.author_email) if self.author_email else ""
        max_depth = conf.COMMENTS_THREAD_DEPTH
        while self.parent_id and self.parent.depth + 1 >= max_depth:
            self.parent = self.parent.parent  # at the deepest level: attach beside it
        if self.parent_id:
            self.depth = self.parent.depth + 1
            self.thread_id = self.parent.thread_id or self.parent_id
        else:
            self.depth = 0
            self.thread_id = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)
        self._loaded_status, self.decided = self.status, False

    def get_absolute_url(self):
        """A stable permalink that redirects to the page of the thread holding the comment."""
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @classmethod
    def from_db(cls, db, field_names, values):
        comment = super().from_db(db, field_names, values)
        comment._loaded_status = comment.__dict__.get("status")
        return comment

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._loaded_status = self.__dict__.get("status")

    @property
    def status_changed(self):
        """Whether the status differs from the one loaded (a comment not loaded: False)."""
        loaded = self._loaded_status
        return not self._state.adding and loaded is not None and loaded != self.status

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

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="flags"
    )
    reporter = models.CharField(
        _("reporter"),
        max_length=64,
        editable=False,
        help_text=_("A hash of the reporting visitor's session."),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_flag_per_visitor")
        ]

    def __str__(self):
        return gettext("Report on comment %(id)s") % {"id": self.comment_id}


def comments_open(article):
    """Whether an article takes new comments: switched on for it, published, and not older
    than COMMENTS_CLOSE_AFTER_DAYS (when set)."""
    if not article.comments_enabled or not article.is_published:
        return False
    closes = comments_close_at(article)
    return closes is None or timezone.now() <= closes


def comments_close_at(article):
    """When comments on a published article close by themselves (None: they do not)."""
    days = conf.COMMENTS_CLOSE_AFTER_DAYS
    return article.published_at + timedelta(days=days) if days else None


from .revisions import CommentRevision  # noqa: E402, F401 (a model of this app)
