"""The list of comments under an article, as HTML: comments/jinja2/comments/list.html walks the
page's threads, and comments/jinja2/comments/comment.html is the markup of one comment, in
one place. Both are Jinja2 templates (Django's own Jinja2 backend): they compile to Python
and cost a fraction of what the Django template language does per comment.

Each process also keeps the markup it wrote for a comment (``_fragments``), keyed by
everything the markup is made of (the comment's row, its depth, the page's address and
settings, the language and time zone), so a page of a thousand comments is mostly made of
strings already written. make bench's "uncached" column measures the whole.
"""

from django.template import engines
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from markupsafe import Markup

from .models import website

GRAVATAR = "https://www.gravatar.com/avatar/{}?s=96&d=mp"  # {} is a hex digest
FRAGMENTS_KEPT = 10_000  # comments' markup kept per process, about 1.5 KB each
_fragments = {}


def _template(name):
    return engines["jinja2"].env.get_template(name)


class DateFormats:
    """The two dates each comment shows, as the template filters ``html_datetime`` and
    ``date:"F j, Y \\a\\t g:i a"`` write them, in the current time zone and language, with
    the translations looked up once per page, not per comment."""

    def __init__(self):
        self.zone = timezone.get_current_timezone()
        self.months = {number: str(name) for number, name in MONTHS.items()}
        self.am = gettext("a.m.")
        self.pm = gettext("p.m.")

    def __call__(self, value):
        local = value.astimezone(self.zone) if timezone.is_aware(value) else value
        hour, month = local.hour, self.months[local.month]
        time = f"{hour % 12 or 12}:{local.minute:02d} {self.pm if hour > 11 else self.am}"
        return local.isoformat(
            timespec="seconds"
        ), f"{month} {local.day}, {local.year:04d} at {time}"


def comment_list_html(nodes, *, replies_open, gravatar, page_url):
    """The inside of ``<ol class="comment-list">`` for the flat list of ``threads.Node``, on
    the page of comments at ``page_url``."""
    if len(_fragments) > FRAGMENTS_KEPT:
        _fragments.clear()
    page = {
        "replies_open": replies_open,
        "page_url": page_url,
        "report_url": reverse("comments:report"),
        "default_avatar": static("img/avatar.svg"),
        "gravatar": gravatar,
    }
    # what a comment's markup depends on besides its row and its depth
    context = (
        *page.values(),
        timezone.get_current_timezone_name(),
        translation.get_language(),
    )
    one = _template("comments/comment.html")
    dates = []  # made on the first comment that is not kept yet

    def comment(node):
        key = (node.comment, node.pk, node.depth, context)
        html = _fragments.get(key)
        if html is None:
            if not dates:
                dates.append(DateFormats())
            html = _fragments[key] = Markup(one.render(values(node, page, dates[0])))
        return html

    comments = [(comment(node), bool(node.children), node.closes) for node in nodes]
    return SafeString(_template("comments/list.html").render(comments=comments))


def values(node, page, dates):
    """What comment.html shows of one node."""
    c = node.comment
    if c is None:
        return {"c": None, "pk": node.pk, "depth": node.depth}
    iso, date = dates(c.created_at)
    return {
        **page,
        "c": c,
        "depth": node.depth,
        "avatar": GRAVATAR.format(c.email_hash) if page["gravatar"] else page["default_avatar"],
        "website": website(c.author_url),
        "iso": iso,
        "date": date,
        "body": Markup(c.body_html),  # sanitised when the comment was saved
    }
