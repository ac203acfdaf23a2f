"""The earlier versions of a comment its author edited."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Comment


class CommentRevision(models.Model):
    """The text a comment had before its author edited it (comments.actions.edit): moderators
    see every earlier version in the admin."""

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="revisions"
    )
    body = models.TextField(_("earlier text"))
    written_at = models.DateTimeField(_("written at"), help_text=_("When this text was posted."))
    status = models.CharField(_("status then"), max_length=10, choices=Comment.Status.choices)
    replaced_at = models.DateTimeField(_("replaced at"), auto_now_add=True)

    class Meta:
        ordering = ["replaced_at", "id"]  # oldest first
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")

    def __str__(self):
        return gettext("Comment %(id)s as written at %(when)s") % {
            "id": self.comment_id,
            "when": self.written_at,
        }
