"""``{{ value|html_datetime }}``: a time for ``<time datetime>`` and ``content`` attributes, as
HTML allows it (ISO 8601 to the second, with the offset; HTML accepts at most three digits of
fractions of a second, and ``|date:'c'`` writes six), in the current time zone.

``{{ value|date_at_time }}``: a comment's date and time as readers see it ("December 1, 2026 at
10:57 a.m."), in the current time zone, with the format of the site's language (a template
cannot give ``date`` a translated format with backslashes in it: makemessages would read them
as Python escapes)."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

register = template.Library()

# Django's date format of a comment's date and time (comments/display.py writes the same).
# Translators: a date format for Django's date filter; "\a\t" writes "at".
DATE_AT_TIME = gettext_noop("F j, Y \\a\\t g:i a")


@register.filter
def html_datetime(value):
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.isoformat(timespec="seconds")


@register.filter(expects_localtime=True)
def date_at_time(value):
    if not value:
        return ""
    return date_format(value, gettext(DATE_AT_TIME))
