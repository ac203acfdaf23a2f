"""What the Jinja2 templates (natoblog/jinja.py) get from this app: ``follow_form()``, the
small "Follow this blog" form of every page's footer."""

from functools import cache

from crispy_forms.utils import render_crispy_form
from django.template import engines
from django.utils import translation
from jinja2 import pass_context
from markupsafe import Markup

from .forms import FollowForm


@cache
def empty_fields(language=None):
    """The fields of an empty follow form: the same on every page in one language, so rendered
    once per process and language (crispy's templates cost more than the rest of the footer:
    see make bench)."""
    return Markup(render_crispy_form(FollowForm()))


@pass_context
def follow_form(context):
    """The form, left out on the follow page itself (``hide_follow_form``) and on pages
    rendered without a request, which could not carry a CSRF token (``csrf()``: none on the
    page every anonymous reader shares)."""
    request = context.get("request")
    if request is None or context.get("hide_follow_form"):
        return ""
    template = engines["jinja2"].env.get_template("subscriptions/follow_form.html")
    return Markup(
        template.render(
            {
                **context.get_all(),
                "fields": empty_fields(translation.get_language()),
                "next": request.get_full_path(),
            }
        )
    )


GLOBALS = {"follow_form": follow_form}
