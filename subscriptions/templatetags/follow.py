from functools import cache

from crispy_forms.utils import render_crispy_form
from django import template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from subscriptions.forms import FollowForm

register = template.Library()


@cache
def empty_fields(language=None):
    """The fields of an empty follow form: the same on every page in one language, so rendered
    once per process and language (crispy's templates cost more than the rest of the footer:
    see make bench)."""
    return mark_safe(render_crispy_form(FollowForm()))


@register.inclusion_tag("subscriptions/follow_form.html", takes_context=True)
def follow_form(context):
    """The small "Follow this blog" form of the footer (left out on the follow page itself,
    and on pages rendered without a request, which could not carry a CSRF token)."""
    request = context.get("request")
    if context.get("hide_follow_form"):
        request = None
    return {
        "fields": empty_fields(translation.get_language()) if request is not None else None,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "",
    }


@register.simple_tag(takes_context=True)
def subscription_what(context, subscription):
    """What a subscription mails about ("new comments on <a>…</a>"), as markup for a sentence:
    ``{% subscription_what subscription as what %}``, then ``{{ what }}`` in a blocktranslate."""
    return render_to_string(
        "subscriptions/what.html",
        {"subscription": subscription, "SITE_NAME": context.get("SITE_NAME")},
    )
