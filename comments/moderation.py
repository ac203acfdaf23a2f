"""The one moderation decision for a new comment.

Every path that creates a comment (the form, the admin, an import, the shell) goes through
``moderate``: ``Comment.save()`` calls it when a comment is created. Rules run in WordPress's
order; the first that decides wins, and the reason is stored on the comment for moderators.
"""

import ipaddress
import re
from dataclasses import dataclass

LINK_RE = re.compile(r"https?://|www\.|<a\s", re.IGNORECASE)


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str


def parse_keys(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _key_pattern(key):
    start = r"(?<!\w)" if re.match(r"\w", key[0]) else ""
    end = r"(?!\w)" if re.match(r"\w", key[-1]) else ""
    return re.compile(start + re.escape(key) + end, re.IGNORECASE)


def _network(key):
    try:
        return ipaddress.ip_network(key, strict=False)
    except ValueError:
        return None


def find_key(keys, comment):
    """The first key that matches the comment, and where: ("viagra", "the comment")."""
    fields = [
        ("the comment", comment.body),
        ("the name", comment.author_name),
        ("the e-mail", comment.author_email),
        ("the website", comment.author_url),
        ("the browser", comment.user_agent),
    ]
    address = ipaddress.ip_address(comment.ip_address) if comment.ip_address else None
    for key in keys:
        network = _network(key)
        if network is not None:
            if address is not None and address.version == network.version and address in network:
                return key, "the IP address"
            continue
        pattern = _key_pattern(key)
        for where, value in fields:
            if value and pattern.search(value):
                return key, where
    return None


def count_links(text):
    return len(LINK_RE.findall(text or ""))


def decide(comment, rules):
    """The status and reason for a new comment under the given DiscussionSettings."""
    from .models import Comment

    Status = Comment.Status
    user = comment.user
    if user is not None and user.is_active and user.is_staff:
        return Decision(Status.APPROVED, "Approved: posted by a staff member")

    match = find_key(parse_keys(rules.disallowed_keys), comment)
    if match:
        key, where = match
        return Decision(rules.disallowed_action, f"Disallowed key “{key}” in {where}")

    if rules.manual_approval:
        return Decision(Status.PENDING, "Held: every comment must be manually approved")

    match = find_key(parse_keys(rules.moderation_keys), comment)
    if match:
        key, where = match
        return Decision(Status.PENDING, f"Held: moderation key “{key}” in {where}")

    links = count_links(comment.body)
    if rules.link_limit and links >= rules.link_limit:
        return Decision(
            Status.PENDING, f"Held: {links} links (the limit is {rules.link_limit - 1})"
        )

    if rules.require_previous_approval:
        if has_verified_email(comment):
            return Decision(Status.APPROVED, "Approved: the author's e-mail address is verified")
        if is_known_author(comment):
            return Decision(Status.APPROVED, "Approved: the author has an approved comment")
        return Decision(Status.PENDING, "Held: first comment from this author")

    return Decision(Status.APPROVED, "Approved: passed every rule")


def is_known_author(comment):
    from .models import Comment

    return Comment.objects.approved().filter(email_hash=comment.email_hash).exists()


def has_verified_email(comment):
    """A logged-in author whose account has verified the comment's e-mail address."""
    if comment.user_id is None or not comment.author_email:
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(
        user_id=comment.user_id, email__iexact=comment.author_email, verified=True
    ).exists()


def moderate(comment, rules=None):
    """Set a new comment's status and the reason, from the site's discussion settings."""
    from .models import DiscussionSettings

    decision = decide(comment, rules or DiscussionSettings.load())
    comment.status = decision.status
    comment.moderation_reason = decision.reason
    return decision


# Moderators' decisions -------------------------------------------------------------------

ACTION_LABELS = {
    "approve": "Approved",
    "unapprove": "Unapproved",
    "spam": "Marked as spam",
    "not_spam": "Marked as not spam",
    "trash": "Moved to trash",
    "restore": "Restored from trash",
}


def target_status(action, comment):
    """The status a moderator's action gives this comment (None: the action does not apply)."""
    from .models import Comment

    Status = Comment.Status
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


def apply_action(comments, action, user):
    """Apply a moderator's action to comments, one save per comment (so every side effect of
    a status change runs) and one admin-log entry per comment. Returns the changed ones."""
    from django.contrib.admin.models import CHANGE, LogEntry

    from .models import Comment

    label = ACTION_LABELS[action]
    changed = []
    for comment in comments:
        status = target_status(action, comment)
        if status is None or status == comment.status:
            continue
        old = comment.get_status_display()
        if status in (Comment.Status.SPAM, Comment.Status.TRASH) and comment.status not in (
            Comment.Status.SPAM,
            Comment.Status.TRASH,
        ):
            comment.status_before_removal = comment.status
        comment.status = status
        comment.moderation_reason = f"{label} by {user.get_username()}"
        comment.save(
            update_fields=["status", "status_before_removal", "moderation_reason", "updated_at"]
        )
        changed.append(comment)
        LogEntry.objects.log_actions(
            user.pk,
            [comment],
            CHANGE,
            f"{label}: {old} → {comment.get_status_display()}",
            single_object=True,
        )
    return changed


def report(comment, reporter, reason=""):
    """Record a reader's report (once per reporter). Past the threshold an approved comment
    goes back to pending. Returns True when this report was new."""
    from .models import Comment, DiscussionSettings, Flag

    _, created = Flag.objects.get_or_create(
        comment=comment, reporter=reporter, defaults={"reason": reason[:200]}
    )
    if not created:
        return False
    threshold = DiscussionSettings.load().report_threshold
    count = comment.flags.count()
    if threshold and count >= threshold and comment.status == Comment.Status.APPROVED:
        comment.status = Comment.Status.PENDING
        comment.moderation_reason = f"Held: reported by {count} readers"
        comment.save(update_fields=["status", "moderation_reason", "updated_at"])
        from .notifications import notify_moderators

        notify_moderators(comment, comment.moderation_reason)
    return True
