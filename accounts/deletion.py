"""Deleting a commenter's account, with their choice for their comments.

"anonymise": every comment stays where it is, with its status, under the name "Anonymous";
the e-mail address, website, IP address and browser are cleared and the account link removed.

"remove": the comments are deleted. A comment that has replies cannot vanish without tearing
its thread apart, so it is emptied instead (no text, no personal data) and moved to the trash:
the thread shows "This comment was removed." where it stood.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from comments import actions
from comments.models import Comment
from natoblog.addresses import email_hash
from subscriptions.models import Subscription

ANONYMOUS = actions.ANONYMISED["author_name"]
REMOVED_REASON = _("Removed: its author deleted their account")


def anonymise_comments(comments):
    return comments.update(**actions.ANONYMISED)


def remove_comments(comments):
    """Delete the comments; empty and trash those that have replies. Deepest first, so a
    reply that is removed too no longer holds its parent in place."""
    emptied = deleted = 0
    for comment in comments.order_by("-depth", "-created_at", "-pk"):
        if Comment.objects.filter(parent=comment).exists():
            actions.empty(
                [comment],
                author_name=ANONYMOUS,
                status=Comment.Status.TRASH,
                reason=REMOVED_REASON,
            )
            emptied += 1
        else:
            comment.delete()
            deleted += 1
    return deleted, emptied


def subscriptions_of(user):
    """The subscriptions of the addresses this account has verified (an unverified address
    could be someone else's)."""
    hashes = [email_hash(address.email) for address in user.emailaddress_set.filter(verified=True)]
    return Subscription.objects.filter(email_hash__in=hashes).select_related("article")


@transaction.atomic
def delete_account(user, *, keep_comments):
    """Delete the user (their e-mail addresses and social accounts go with it) and the
    subscriptions of their verified addresses, after anonymising or removing their
    comments."""
    subscriptions_of(user).delete()
    comments = Comment.objects.filter(user=user)
    if keep_comments:
        anonymise_comments(comments)
    else:
        remove_comments(comments)
    user.delete()
