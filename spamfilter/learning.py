"""The filter learns from every moderator decision, at once: comment_status_changed (sent once
the decision has committed) with ``moderator`` True — the admin's list actions and one-click
buttons, its change page, Trust and Block, the links in moderation mails.

Spam → learnt as spam; approved, or "not spam" (spam back to pending) → learnt as ham. A
moderator who changes their mind takes back what was learnt before, so a comment counts once:
the verdict keeps the tokens it learnt and the linear SVM's step; the counts are taken
back exactly and the step subtracted (the opposite update). After train_spam_filter has
re-fitted the weights the recorded steps are zero (the fit carries every decision): a change
of mind then takes back the counts exactly, and the new decision's own step moves the weights
the other way, until the next re-fit. Trash and unapprove teach nothing (trash is not
a judgement of spam). Akismet, when configured, is told spam and not-spam (a task)."""

import logging

from django.db import transaction
from django_tasks import task

from comments.models import Comment

from . import akismet_check, store
from .models import Verdict

logger = logging.getLogger(__name__)
Status = Comment.Status


def label_for(status, old_status):
    """What a moderator's decision teaches: "spam", "ham" or None."""
    if status == Status.SPAM:
        return store.SPAM
    if status == Status.APPROVED or (status == Status.PENDING and old_status == Status.SPAM):
        return store.HAM
    return None


@transaction.atomic
def learn_from(comment, label):
    """Learn ``comment`` as ``label``, once (False: it was already learnt so)."""
    verdict, _ = Verdict.objects.select_for_update().get_or_create(comment=comment)
    if verdict.learnt_as == label:
        return False
    if verdict.learnt_as:
        store.unlearn(verdict.tokens, verdict.learnt_as, verdict.step)
    verdict.tokens = store.comment_tokens(comment)
    verdict.step = store.learn(verdict.tokens, label)
    verdict.learnt_as = label
    verdict.save(update_fields=["tokens", "learnt_as", "step"])
    return True


def moderator_decided(sender, comment, old_status, moderator=False, **kwargs):
    if not moderator or old_status is None:
        return
    label = label_for(comment.status, old_status)
    if label is None:
        return
    try:
        learnt = learn_from(comment, label)
    except Exception:  # the decision has committed: never a 500 for what follows it
        logger.exception("The spam filter could not learn from comment %s", comment.pk)
        return
    if learnt and akismet_check.enabled():
        report_to_akismet.enqueue(comment.pk, label)


@task()
def report_to_akismet(comment_id, label):
    """Tell Akismet a moderator's decision (submit-spam / submit-ham)."""
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is None:
        return "skipped: the comment is gone"
    return "told" if akismet_check.submit(comment, label) else "not told (see the log)"
