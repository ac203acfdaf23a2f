"""``{% jinja "includes/header.html" name=value … %}``: a template of the Jinja2 engine
(natoblog/jinja.py) rendered in a page of the Django template language, with that page's
context and the values given: the header, the messages, the footer and the social log-in
buttons are written once, for both engines."""

from django import template
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from markupsafe import Markup

from natoblog.context_processors import site

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context, name, **values):
    values, request = {**context.flatten(), **values}, context.get("request")
    if request is None:  # (no context processors: what the shell's templates read)
        values = {"user": AnonymousUser(), "messages": (), **site(None), **values}
    return Markup(engines["jinja2"].get_template(name).render(values, request))
