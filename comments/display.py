"""The list of comments under an article, as HTML: comments/jinja2/comments/comment.html is the
markup of one comment, in one place, a Jinja2 template (Django's own Jinja2 backend: it
compiles to Python and costs a fraction of what the Django template language does per
comment); ``comment_list_html`` puts the comments of the page's threads one after the other,
each followed by its replies' ``<ol class="children">`` or the end of its ``<li>``.

Each process also keeps the markup it wrote for a comment (``_fragments``), keyed by
everything the markup is made of (the comment's row, its depth, the page's address and
settings, the language and time zone), so a page of a thousand comments is mostly made of
strings already written. make bench's "uncached" column measures the whole. Threads
(gunicorn's gthread workers) share it safely without a lock: it is only read, written and
cleared one dict operation at a time (each atomic), and a key always maps to the same markup,
so two threads writing the same comment at once at worst both write it.
"""

from django.template import engines
from django.utils import timezone, translation
from django.utils.dateformat import format as django_date_format
from django.utils.dateformat import re_formatchars
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from markupsafe import Markup

from natoblog.links import reverse, static
from natoblog.templatetags.html_dates import DATE_AT_TIME

from .models import website

GRAVATAR = "https://www.gravatar.com/avatar/{}?s=96&d=mp"  # {} is a hex digest
OPEN_REPLIES = '\n<ol class="children">'
CLOSE_COMMENT = "\n</li>"
CLOSE_REPLIES = "</ol></li>"
FRAGMENTS_KEPT = 10_000  # comments' markup kept per process, about 1.5 KB each
_fragments = {}


def _template(name):
    return engines["jinja2"].env.get_template(name)


AM_PM = ("a.m.", "p.m.")  # what the date format's "a" writes, in Django's own translations
# The characters of Django's date formats that DateFormats writes itself, as str.format fields.
DATE_FIELDS = {
    "F": "{month}",
    "j": "{d.day}",
    "d": "{d.day:02d}",
    "n": "{d.month}",
    "m": "{d.month:02d}",
    "Y": "{d.year:04d}",
    "G": "{d.hour}",
    "H": "{d.hour:02d}",
    "g": "{hour12}",
    "h": "{hour12:02d}",
    "i": "{d.minute:02d}",
    "a": "{ampm}",
}


def compile_date_format(django_format):
    """A str.format template that writes what Django's ``date`` filter writes with this
    format, or None if the format uses a character DateFormats does not write."""
    out, escaped = [], False
    for char in django_format:
        if not escaped and char == "\\":
            escaped = True
            continue
        if not escaped and re_formatchars.fullmatch(char):
            if char not in DATE_FIELDS:
                return None
            out.append(DATE_FIELDS[char])
        else:
            out.append(char.replace("{", "{{").replace("}", "}}"))
        escaped = False
    return "".join(out)


class DateFormats:
    """The two dates each comment shows, as the template filters ``html_datetime`` and
    ``date_at_time`` write them (the language's format: "December 1, 2026 at 10:57 a.m.",
    "1 décembre 2026 à 10:57"), in the current time zone and language, with the format and
    the translations looked up once per page, not per comment."""

    def __init__(self):
        self.zone = timezone.get_current_timezone()
        self.format = gettext(DATE_AT_TIME)
        self.template = compile_date_format(self.format)
        self.months = {number: str(name) for number, name in MONTHS.items()}
        self.am, self.pm = (gettext(text) for text in AM_PM)

    def __call__(self, value):
        local = value.astimezone(self.zone) if timezone.is_aware(value) else value
        if self.template is None:  # a format with more than DATE_FIELDS: Django writes it
            return local.isoformat(timespec="seconds"), django_date_format(local, self.format)
        hour = local.hour
        return local.isoformat(timespec="seconds"), self.template.format(
            d=local,
            month=self.months[local.month],
            hour12=hour % 12 or 12,
            ampm=self.pm if hour > 11 else self.am,
        )


def comment_list_html(nodes, *, replies_open, gravatar, page_url, changeable=frozenset()):
    """The inside of ``<ol class="comment-list">`` for the flat list of ``threads.Node``, on
    the page of comments at ``page_url``; ``changeable``: the ids of the comments whose author
    is this reader and may still edit or delete them (comments.ownership)."""
    if len(_fragments) > FRAGMENTS_KEPT:
        _fragments.clear()
    page = {
        "replies_open": replies_open,
        "page_url": page_url,
        "report_url": reverse("comments:report"),
        "default_avatar": static("img/avatar.svg"),
        "gravatar": gravatar,
        # what comment.html writes, in the current language
        "reply_text": gettext("Reply"),
        "report_text": gettext("Report"),
        "awaiting_text": gettext("Your comment is awaiting moderation."),
        "removed_text": gettext("This comment was removed."),
        "notice_texts": {
            "pingback": gettext("Pingback:"),
            "trackback": gettext("Trackback:"),
        },
        "edit_text": gettext("Edit"),
        "delete_text": gettext("Delete"),
        "edit_label": gettext("Edit your comment"),
        "delete_label": gettext("Delete your comment"),
        "edited_text": gettext("edited"),
    }
    # what a comment's markup depends on besides its row and its depth
    context = (
        *(value for value in page.values() if not isinstance(value, dict)),
        *page["notice_texts"].values(),
        timezone.get_current_timezone_name(),
        translation.get_language(),
    )
    one = _template("comments/comment.html")
    dates = []  # made on the first comment that is not kept yet

    # an imported comment's old anchor ("comment-45"), unless a comment here has that one
    anchors = {f"comment-{node.pk}" for node in nodes}

    def comment(node):
        mine = node.pk in changeable
        key = (node.comment, node.pk, node.depth, mine, context)
        old = node.comment.legacy_anchor if node.comment is not None else ""
        if old:
            key = (*key, old in anchors)
        html = _fragments.get(key)
        if html is None:
            if not dates:
                dates.append(DateFormats())
            html = _fragments[key] = Markup(
                one.render(values(node, page, dates[0], old not in anchors, mine))
            )
        return html

    # The nesting around comment.html's markup: each comment is followed by its replies' list,
    # or by the end of its <li>, then by the ends of the lists its last reply closes. (In
    # Python rather than a template loop: a thousand comments cost the loop more than the
    # rest of the list; make bench's "render ms" column.)
    parts = []
    for node in nodes:
        parts.append(comment(node))
        parts.append(OPEN_REPLIES if node.children else CLOSE_COMMENT)
        parts.append(CLOSE_REPLIES * len(node.closes))
    return SafeString("".join(parts))


def values(node, page, dates, legacy_anchor=True, changeable=False):
    """What comment.html shows of one node (``legacy_anchor``: whether its old anchor is
    free on this page; ``changeable``: with Edit and Delete)."""
    c = node.comment
    if c is None:
        return {
            "c": None,
            "pk": node.pk,
            "depth": node.depth,
            "removed_text": page["removed_text"],
        }
    iso, date = dates(c.created_at)
    name = {"name": c.author_name}
    return {
        **page,
        "c": c,
        "depth": node.depth,
        "reply_label": gettext("Reply to %(name)s") % name,
        "report_label": gettext("Report the comment by %(name)s") % name,
        "avatar": GRAVATAR.format(c.email_hash) if page["gravatar"] else page["default_avatar"],
        "website": website(c.author_url),
        "iso": iso,
        "date": date,
        "body": Markup(c.body_html),  # sanitised when the comment was saved
        "legacy_anchor": c.legacy_anchor if legacy_anchor else "",
        "notice": page["notice_texts"].get(c.kind, ""),
        "edited": dates(c.edited_at) if c.edited_at else None,
        "changeable": changeable,
        "edit_url": reverse("comments:edit", kwargs={"pk": c.pk}) if changeable else "",
        "delete_url": reverse("comments:delete", kwargs={"pk": c.pk}) if changeable else "",
    }
