"""The Approve / Spam / Trash links of a moderation mail: signed for one comment and one action,
expiring, and single-use (made and checked with mail.links; the salt is unchanged since
these lived in comments/signing.py, so links in mails already sent keep working)."""

from mail import links

MODERATE = "comments.moderate"
MODERATION_ACTIONS = ("approve", "spam", "trash")


def moderation_token(comment, action):
    if action not in MODERATION_ACTIONS:
        raise ValueError(f"Unknown moderation action {action!r}")
    return links.make(MODERATE, {"c": comment.pk, "a": action, "n": links.new_nonce()})


def read_moderation_token(token):
    """(comment id, action, nonce) of a valid, unused moderation link."""
    payload = links.read(MODERATE, token, links.short_max_age())
    try:
        comment_id, action, nonce = int(payload["c"]), payload["a"], str(payload["n"])
    except (KeyError, TypeError, ValueError) as exc:
        raise links.LinkError from exc
    if action not in MODERATION_ACTIONS:
        raise links.LinkError
    links.check_unused(nonce)
    return comment_id, action, nonce
