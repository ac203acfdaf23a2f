from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def subscription_what(context, subscription):
    """What a subscription mails about ("new comments on <a>…</a>"), as markup for a sentence:
    ``{% subscription_what subscription as what %}``, then ``{{ what }}`` in a blocktranslate."""
    return render_to_string(
        "subscriptions/what.html",
        {"subscription": subscription, "SITE_NAME": context.get("SITE_NAME")},
    )
