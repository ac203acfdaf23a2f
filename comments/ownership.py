"""Who may still change a comment: its author, for COMMENTS_EDIT_WINDOW_MINUTES after posting,
while nobody has an approved reply to it.

The author is the account that wrote it (logged in), or the browser that posted it: the
session that already shows the visitor their own comments awaiting moderation
(``comments.threads.own_comment_ids``). A session, not a cookie of its own: it is held on the
server (nothing to forge or to copy out of a page), it ends with the browser's session or a
log-out, and a request that carries it is never a plain one, so the page cache and nginx never
store or serve a page with anybody's Edit links (pagecache.is_plain)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .conf import settings
from .models import Comment, comments_open
from .threads import own_comment_ids

CHANGEABLE = (Comment.Status.APPROVED, Comment.Status.PENDING)

OFF = _("Comments cannot be edited or deleted on this site.")
NOT_YOURS = _(
    "Only the person who wrote a comment can change it, from the account or the browser "
    "they wrote it with."
)
GONE = _("This comment can no longer be changed.")
CLOSED = _("Comments are closed on this article, so its comments can no longer be changed.")
REPLIED = _("Someone has replied to this comment, so it can no longer be changed.")


def window():
    minutes = settings.COMMENTS_EDIT_WINDOW_MINUTES
    return timedelta(minutes=minutes) if minutes > 0 else None


def within_window(created_at, now=None):
    span = window()
    return span is not None and (now or timezone.now()) <= created_at + span


def is_author(request, user_id, pk, own_ids=None):
    user = request.user
    if user_id is not None and user.is_authenticated and user_id == user.pk:
        return True
    return pk in (own_comment_ids(request) if own_ids is None else own_ids)


def refusal(request, comment):
    """Why this request may not edit or delete ``comment`` (a message for the visitor), or
    None when it may."""
    if window() is None:
        return OFF
    if not is_author(request, comment.user_id, comment.pk):
        return NOT_YOURS
    if comment.status not in CHANGEABLE:
        return GONE
    if not within_window(comment.created_at):
        minutes = settings.COMMENTS_EDIT_WINDOW_MINUTES
        return _(
            "A comment can be changed for %(minutes)d minutes after it was posted; that time "
            "is over for this one."
        ) % {"minutes": minutes}
    if not comments_open(comment.article):
        return CLOSED
    if comment.replies.approved().exists():
        return REPLIED
    return None


def changeable_ids(request, nodes, *, shared):
    """The comments of a page (``threads.Node``) whose author is this request and may still
    change them: none on a page shared by every anonymous reader. No query: the page's rows
    hold the author's account, and a comment's approved replies are on the same page."""
    if shared or window() is None:
        return frozenset()
    own = own_comment_ids(request)
    if not own and not request.user.is_authenticated:
        return frozenset()
    now = timezone.now()
    ids = set()
    for node in nodes:
        c = node.comment
        if (
            c is not None
            and c.status in CHANGEABLE
            and is_author(request, c.user_id, c.pk, own)
            and within_window(c.created_at, now)
            and not any(
                child.comment is not None and child.comment.status == Comment.Status.APPROVED
                for child in node.children
            )
        ):
            ids.add(c.pk)
    return frozenset(ids)
