"""The comments app's signals, and the receivers that keep the article pages fresh.

Other apps learn what happens to comments from two signals, always sent once the transaction
that made the change has committed (so a receiver never acts on a change that was rolled
back), by the functions in comments/actions.py:

- ``comment_status_changed(sender=Comment, comment, old_status, moderator)``: a comment was
  created (``old_status`` None) or its status changed; ``moderator`` is True when a
  moderator decided it (the admin, a moderation mail's link), not a rule, a reader's reports
  or an account's deletion. subscriptions mails on it; spamfilter learns from it.
- ``comment_needs_moderator(sender=Comment, comment, reason)``: a comment needs a moderator
  for another reason (readers reported it).

Whatever changes a comment row also changes its article's page: ``post_save`` and
``post_delete`` refresh the page cache here, and CommentQuerySet's bulk methods do the same.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from articles.models import article_changed

comment_status_changed = Signal()
comment_needs_moderator = Signal()


def send_on_commit(signal, comment, **kwargs):
    """Send ``signal`` for ``comment`` once the current transaction commits."""
    transaction.on_commit(partial(signal.send, sender=type(comment), comment=comment, **kwargs))


@receiver(post_save, sender="comments.Comment", dispatch_uid="comments-page-saved")
def comment_saved(sender, instance, created, raw=False, **kwargs):
    # A new comment held back changes no page; any other save may.
    if not created or instance.status == instance.Status.APPROVED:
        article_changed(instance.article_id)


@receiver(post_delete, sender="comments.Comment", dispatch_uid="comments-page-deleted")
def comment_deleted(sender, instance, **kwargs):
    article_changed(instance.article_id)
