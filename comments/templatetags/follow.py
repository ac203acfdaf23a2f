from django import template

from comments.forms import FollowForm

register = template.Library()


@register.inclusion_tag("comments/subscriptions/follow_form.html", takes_context=True)
def follow_form(context):
    """The small "Follow this blog" form of the footer (left out on the follow page itself,
    and on pages rendered without a request, which could not carry a CSRF token)."""
    request = context.get("request")
    if context.get("hide_follow_form"):
        request = None
    return {
        "form": FollowForm() if request is not None else None,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "",
    }
