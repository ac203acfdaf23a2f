from django import template
from django.urls import reverse

from comments.models import Comment

register = template.Library()


@register.inclusion_tag("admin/comments/pending_box.html", takes_context=True)
def pending_comments_box(context):
    """The count of comments waiting for a moderator, linked to that view of the queue."""
    user = context["request"].user
    if not user.has_perm("comments.view_comment"):
        return {"show": False}
    return {
        "show": True,
        "count": Comment.objects.pending().count(),
        "url": reverse("admin:comments_comment_changelist") + "?status__exact=pending",
    }
