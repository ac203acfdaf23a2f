"""``{{ value|html_datetime }}``: a time for ``<time datetime>`` and ``content`` attributes, as
HTML allows it (ISO 8601 to the second, with the offset; HTML accepts at most three digits of
fractions of a second, and ``|date:'c'`` writes six), in the current time zone."""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def html_datetime(value):
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.isoformat(timespec="seconds")
