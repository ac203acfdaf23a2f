from functools import cache

from crispy_forms.utils import render_crispy_form
from django import template
from django.utils.safestring import mark_safe

from subscriptions.forms import FollowForm

register = template.Library()


@cache
def empty_fields():
    """The fields of an empty follow form: the same on every page, so rendered once per process
    (crispy's templates cost more than the rest of the footer: see make bench)."""
    return mark_safe(render_crispy_form(FollowForm()))


@register.inclusion_tag("subscriptions/follow_form.html", takes_context=True)
def follow_form(context):
    """The small "Follow this blog" form of the footer (left out on the follow page itself,
    and on pages rendered without a request, which could not carry a CSRF token)."""
    request = context.get("request")
    if context.get("hide_follow_form"):
        request = None
    return {
        "fields": empty_fields() if request is not None else None,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "",
    }
