"""Everything that creates a comment or changes its status goes through here.

- ``post(comment)``: a new comment from a commenter (the form, a moderator's reply in the
  admin, the shell): the one moderation decision (comments/moderation.py) sets its status,
  then it is saved.
- ``add_moderated(comment)``: a new comment whose status is already decided (fixtures, the
  benchmark, an import): saved as it is.
- ``change_status(comments, status, reason, ...)``: the one status change, for moderators'
  actions in the admin, the links in moderation mails, readers' reports and account deletion.
- ``moderate_action(comments, action, ...)``: a moderator's action by name ("approve", "spam",
  ...), as the admin and the mail links offer them.
- ``report(comment, reporter, reason)`` and ``empty(comments, ...)``.
- ``import_comments(comments, reason)``: comments brought from another site (moving/), their
  status taken from the file: bulk-created, no moderation, no signal (importing is not
  posting: nobody is mailed); the caller refreshes the pages once, at the end.
- ``edit(comment, body)``: its author's new text, moderated again by the same rules (a change
  of status goes through ``change_status``); ``delete_own(comment)``: its author removes it
  (to the trash, where moderators still see it until purged).

Each sends its signal (comments/signals.py) once the transaction commits; the receivers in
subscriptions decide what is mailed. ``Comment.save()`` only derives fields, and a status set
by ``QuerySet.update()`` is refused, so no change of status can skip this module.
"""

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from natoblog.addresses import email_hash

from .conf import settings as conf
from .models import Comment, DiscussionSettings, Flag
from .moderation import decide, moderate
from .rendering import render_body
from .revisions import CommentRevision
from .signals import comment_needs_moderator, comment_status_changed, send_on_commit

Status = Comment.Status
REMOVED = (Status.SPAM, Status.TRASH)
ACTION_LABELS = {
    "approve": _("Approved"),
    "unapprove": _("Unapproved"),
    "spam": _("Marked as spam"),
    "not_spam": _("Marked as not spam"),
    "trash": _("Moved to trash"),
    "restore": _("Restored from trash"),
}
# What an emptied comment keeps of its author (see ``empty``; privacy's erasure keeps the text).
ANONYMISED = {
    "author_name": _("Anonymous"),
    "author_email": "",
    "email_hash": "",  # matches no address: the moderation rules know no one by it
    "author_url": "",
    "ip_address": None,
    "user_agent": "",
    "user": None,
    "notify_comments": False,
    "notify_posts": False,
}


def post(comment):
    """Moderate and save a new comment; its signal goes once the transaction commits."""
    moderate(comment)
    return add_moderated(comment)


def add_moderated(comment):
    """Save a new comment whose status (and reason) is already decided."""
    comment.decided = True
    comment.save()
    send_on_commit(comment_status_changed, comment, old_status=None, moderator=False)
    return comment


def change_status(comments, status, reason, *, user=None, label=None, moderator=None):
    """Give each comment ``status`` with ``reason`` (one save per comment), remembering where
    "Restore from trash" puts a removed one back, and logging the change in the admin's
    history when a ``user`` made it. Comments already in that status are left alone.
    ``moderator``: whether a moderator decided (default: when a ``user`` made it; readers'
    reports and account deletion are not moderators' decisions). Returns the comments that
    changed."""
    if moderator is None:
        moderator = user is not None
    changed = []
    for comment in comments:
        if status == comment.status:
            continue
        old = comment.status
        if status in REMOVED and old not in REMOVED:
            comment.status_before_removal = old
        comment.status = status
        comment.moderation_reason = reason
        comment.decided = True
        comment.save(
            update_fields=["status", "status_before_removal", "moderation_reason", "updated_at"]
        )
        changed.append(comment)
        if user is not None:
            LogEntry.objects.log_actions(
                user.pk,
                [comment],
                CHANGE,
                f"{label or reason}: {Status(old).label} → {comment.get_status_display()}",
                single_object=True,
            )
        send_on_commit(comment_status_changed, comment, old_status=old, moderator=moderator)
    return changed


def target_status(action, comment):
    """The status a moderator's action gives this comment (None: the action does not apply)."""
    current = comment.status
    if action == "approve":
        return Status.APPROVED
    if action == "unapprove":
        return Status.PENDING if current == Status.APPROVED else None
    if action == "spam":
        return Status.SPAM
    if action == "not_spam":
        return Status.PENDING if current == Status.SPAM else None
    if action == "trash":
        return Status.TRASH
    if action == "restore":
        if current != Status.TRASH:
            return None
        return comment.status_before_removal or Status.PENDING
    raise ValueError(f"unknown moderation action {action!r}")


def moderate_action(comments, action, *, user=None, via=None):
    """A moderator's action on comments: by ``user`` in the admin, or ``via`` a moderation
    mail's link. Returns the comments that changed."""
    label = ACTION_LABELS[action]
    if user is not None:
        reason = gettext("%(action)s by %(user)s") % {"action": label, "user": user.get_username()}
    else:
        reason = gettext("%(action)s %(via)s") % {"action": label, "via": via}
    changed = []
    for comment in comments:
        status = target_status(action, comment)
        if status is not None:
            changed += change_status(
                [comment], status, reason, user=user, label=label, moderator=True
            )
    return changed


def report(comment, reporter, reason=""):
    """Record a reader's report (once per reporter). Past the threshold an approved comment
    goes back to pending and the moderators are told. Returns True when this report was new."""
    _, created = Flag.objects.get_or_create(
        comment=comment, reporter=reporter, defaults={"reason": reason[:200]}
    )
    if not created:
        return False
    threshold = DiscussionSettings.load().report_threshold
    count = comment.flags.count()
    if threshold and count >= threshold and comment.status == Status.APPROVED:
        reason = ngettext(
            "Held: reported by %(count)d reader", "Held: reported by %(count)d readers", count
        ) % {"count": count}
        change_status([comment], Status.PENDING, reason)
        send_on_commit(comment_needs_moderator, comment, reason=reason)
    return True


@transaction.atomic
def empty(comments, *, author_name, status=None, reason=None):
    """Empty comments that must keep their place in a thread (replies hang on them): no text,
    no personal data; readers see "This comment was removed.". With ``status``, they also
    move there (account deletion trashes them). Returns how many were emptied."""
    comments = list(comments)
    ids = [comment.pk for comment in comments]
    Comment.objects.filter(pk__in=ids).update(
        **{**ANONYMISED, "author_name": author_name},
        body="",
        body_html="",
        updated_at=timezone.now(),
    )
    CommentRevision.objects.filter(comment_id__in=ids).delete()  # its earlier texts go too
    if status is not None:
        change_status(Comment.objects.filter(pk__in=ids), status, reason)
        # nothing is left to restore: "Restore from trash" would give an empty comment back
        Comment.objects.filter(pk__in=ids).update(status_before_removal="")
    return len(ids)


def import_comments(comments, reason, *, batch_size=1000):
    """Create comments whose status comes from another site's export, in bulk: the fields
    ``Comment.save()`` derives are set here the same way (the text rendered in its format,
    the address's hash, the place in the thread: a reply deeper than COMMENTS_THREAD_DEPTH
    attaches at the deepest level), ``moderation_reason`` is ``reason``, and no signal is
    sent: importing is not posting, so no moderation rule, no spam check, no mail. Pages are
    not refreshed per batch: the caller calls articles.models.article_changed once.

    ``parent`` may be another comment of ``comments`` (unsaved: it is created first) or a
    saved one. Returns the comments, with their ids."""
    comments = list(comments)
    max_depth = max(conf.COMMENTS_THREAD_DEPTH, 1)
    levels = {}  # id(comment) -> depth in the file (unbounded)

    def level(comment):
        chain = []
        while comment is not None and id(comment) not in levels:
            if comment.pk is not None:  # saved: its depth is known
                levels[id(comment)] = comment.depth
                break
            chain.append(comment)
            comment = comment.parent
        depth = levels[id(comment)] if comment is not None else -1
        for link in reversed(chain):
            depth += 1
            levels[id(link)] = depth
        return levels[id(chain[0])] if chain else depth

    for comment in comments:
        level(comment)
    by_level = {}
    for comment in comments:
        by_level.setdefault(levels[id(comment)], []).append(comment)
    for depth in sorted(by_level):
        batch = by_level[depth]
        for comment in batch:
            parent = comment.parent
            while parent is not None and parent.depth + 1 >= max_depth:
                parent = parent.parent  # at the deepest level: attach beside it
            comment.parent = parent
            if parent is not None:
                comment.depth = parent.depth + 1
                comment.thread_id = parent.thread_id or parent.pk
            else:
                comment.depth, comment.thread_id = 0, None
            comment.body_html = render_body(comment.body, comment.body_format)
            comment.email_hash = email_hash(comment.author_email) if comment.author_email else ""
            comment.moderation_reason = reason
        Comment.objects.bulk_create(batch, batch_size=batch_size, invalidate=False)
    return comments


@transaction.atomic
def edit(comment, body):
    """Replace a comment's text with its author's new ``body``: the earlier text is kept in its
    history, and the moderation rules decide again (an approved comment that now holds a
    disallowed word goes to spam, one with too many links back to pending, with the reason).
    Subscribers are not mailed again: they were told of this comment when it was first
    approved (subscriptions records that once per comment). Returns the comment."""
    CommentRevision.objects.create(
        comment=comment,
        body=comment.body,
        written_at=comment.edited_at or comment.created_at,
        status=comment.status,
    )
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at", "updated_at"])
    decision = decide(comment, DiscussionSettings.load())
    if decision.status != comment.status:
        reason = gettext("After an edit: %(reason)s") % {"reason": decision.reason}
        change_status([comment], decision.status, reason)
        if decision.status == Status.PENDING:
            send_on_commit(comment_needs_moderator, comment, reason=reason)
    return comment


def delete_own(comment):
    """Its author deletes a comment: it leaves the page (a reply still waiting for a moderator
    would hang on "This comment was removed.", see comments.threads) and waits in the trash,
    text and all, until purged."""
    change_status([comment], Status.TRASH, gettext("Deleted by its author"))
