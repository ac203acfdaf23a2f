"""What comments hold for an e-mail address (registered with privacy in CommentsConfig.ready).
Erasing keeps each comment in its thread with the author anonymised."""

from django.conf import settings
from django.db.models import Q
from django.utils.translation import ngettext

from natoblog.addresses import email_hash
from privacy import Erasure, users_with_email

from .actions import ANONYMISED
from .models import Comment


def comments_of(email):
    return Comment.objects.filter(
        Q(email_hash=email_hash(email)) | Q(user__in=users_with_email(email))
    )


def export_comments(email):
    return [
        {
            "id": c.pk,
            "article": c.article.title,
            "article_url": settings.SITE_URL + c.article.get_absolute_url(),
            "in_reply_to": c.parent_id,
            "created_at": c.created_at.isoformat(),
            "status": c.status,
            "author_name": c.author_name,
            "author_email": c.author_email,
            "author_url": c.author_url,
            "ip_address": c.ip_address,
            "user_agent": c.user_agent,
            "comment": c.body,
            "edited_at": c.edited_at.isoformat() if c.edited_at else None,
            "earlier_versions": [
                {"written_at": r.written_at.isoformat(), "comment": r.body}
                for r in c.revisions.all()
            ],
            "notify_comments": c.notify_comments,
            "notify_posts": c.notify_posts,
        }
        for c in comments_of(email)
        .select_related("article")
        .prefetch_related("revisions")
        .order_by("created_at", "pk")
    ]


def strip_network_data(comments):
    """Remove the IP address and browser from comments (the purge's anonymisation).
    Returns how many comments changed."""
    return comments.filter(~Q(ip_address=None) | ~Q(user_agent="")).update(
        ip_address=None, user_agent=""
    )


def erase_comments(email):
    """Name, e-mail, website, IP address and browser anonymised, notifications ended; the
    comments themselves stay where they are, so the threads keep their shape."""
    count = comments_of(email).update(**ANONYMISED)
    messages = []
    if count:
        messages.append(
            ngettext(
                "%(count)d comment kept with the author anonymised; delete it from the admin "
                "if its text itself is personal.",
                "%(count)d comments kept with the author anonymised; delete any whose text "
                "itself is personal from the admin.",
                count,
            )
            % {"count": count}
        )
    return Erasure(erased=count, messages=messages)
