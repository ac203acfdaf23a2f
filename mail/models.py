from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    """One e-mail to one address, queued in the database and sent by the task worker.

    A delivery task claims the row (queued -> sending) with one conditional UPDATE before it
    talks to the mail server, so a task that runs twice sends nothing the second time.
    A failed send is retried with back-off; after MAIL_MAX_ATTEMPTS it is marked failed,
    with the error, for staff to retry from the admin."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        MODERATION = "moderation", _("Comment to moderate")
        AUTHOR = "author", _("Approved comment, to the article's author")
        CONFIRMATION = "confirmation", _("Subscription confirmation")
        NEW_COMMENT = "new_comment", _("New comment, to subscribers")
        NEW_POST = "new_post", _("New post, to subscribers")
        ACCOUNT = "account", _("Account (address confirmation, password reset)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    to = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("plain-text part"))
    body_html = models.TextField(_("HTML part"))
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        db_table = "comments_outgoingmail"  # created by the comments app before mail had its own
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class UsedLink(models.Model):
    """The nonce of a single-use signed link (Approve/Spam/Trash in a moderation mail) that
    has been used. Rows older than COMMENTS_LINK_MAX_AGE_DAYS may be deleted: the signature
    has expired by then."""

    nonce = models.CharField(_("nonce"), max_length=32, unique=True)
    used_at = models.DateTimeField(_("used"), auto_now_add=True)

    class Meta:
        db_table = "comments_usedlink"
        ordering = ["-used_at"]
        verbose_name = _("used link")
        verbose_name_plural = _("used links")

    def __str__(self):
        return self.nonce
