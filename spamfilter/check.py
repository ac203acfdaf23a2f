"""The spam filter's part of the one moderation decision (comments.moderation.decide runs
``spam_check`` after the disallowed keys), and the verdict it leaves on the comment.

Every new comment that reaches it gets a score, stored (``record_verdict``) whether or not it
decides: until the filter has learnt ``SPAMFILTER_MIN_DECISIONS`` moderator decisions of each
kind it decides nothing. At or above the spam threshold a comment goes to spam, at or above
the hold threshold it waits in the queue. Akismet, when configured, is asked too; its "spam"
sends the comment to spam. A model that cannot be read (tables missing, a database error)
leaves the decision to the rules, logged once."""

import logging
import math

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from comments.models import Comment
from comments.moderation import Decision

from . import akismet_check, store

logger = logging.getLogger(__name__)
_broken = False  # logged once until the model reads again


def shown(probability):
    """A probability as moderators read it: two decimals, rounded down (0.996 is "0.99",
    never "1.00" unless it is)."""
    return f"{math.floor(probability * 100) / 100:.2f}"


def probability_of(comment):
    """The filter's spam probability for an unsaved comment, and whether it may decide
    (None, False when the model cannot be read)."""
    global _broken
    try:
        with transaction.atomic():  # a savepoint: a failed query leaves the transaction usable
            result, nspam, nham = store.score_tokens(store.comment_tokens(comment), explain=0)
    except DatabaseError:
        if not _broken:
            logger.exception("The spam filter's model cannot be read; the rules decide alone")
        _broken = True
        return None, False
    _broken = False
    return result.probability, store.is_ready(nspam, nham)


def filter_settings(rules):
    """The filter's switch and thresholds (spamfilter.models.FilterSettings); the defaults if
    the row cannot be read."""
    from .models import FilterSettings

    try:
        with transaction.atomic():
            return FilterSettings.load(rules if rules.pk else None)
    except DatabaseError:
        logger.warning("The spam filter's settings cannot be read; using the defaults")
        return FilterSettings()


def spam_check(comment, rules):
    settings = filter_settings(rules)
    if not settings.enabled:
        return None
    probability, ready = probability_of(comment)
    comment.spam_score = probability
    answer = akismet_check.check(comment)
    comment.akismet_answer = answer
    if answer == akismet_check.SPAM:
        return Decision(Comment.Status.SPAM, _("Spam: Akismet says so"))
    if probability is None or not ready:
        return None
    if probability >= settings.spam_threshold:
        return Decision(
            Comment.Status.SPAM, _("Spam: spam probability %(p)s") % {"p": shown(probability)}
        )
    if probability >= settings.hold_threshold:
        return Decision(
            Comment.Status.PENDING, _("Held: spam probability %(p)s") % {"p": shown(probability)}
        )
    return None


def record_verdict(sender, instance, created, raw=False, **kwargs):
    """Store the score of a comment the filter scored (post_save of a new comment)."""
    if not created or raw or not hasattr(instance, "spam_score"):
        return
    from .models import Verdict

    try:
        with transaction.atomic():
            Verdict.objects.create(
                comment=instance,
                score=instance.spam_score,
                akismet=getattr(instance, "akismet_answer", "") or "",
            )
    except DatabaseError:
        logger.exception("Could not store the spam score of comment %s", instance.pk)
