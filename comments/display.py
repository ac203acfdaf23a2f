"""The list of comments under an article, as HTML, in one pass in Python.

With a thousand comments the template engine spent about 100 ms resolving variables and
formatting dates, and ``format_html`` would still cost some 20 ms (its escaping checks every
argument for lazy strings); this module writes the same markup, byte for byte, in a few
milliseconds, and each process keeps what it wrote for a comment until the comment (or what its
markup depends on) changes. It is the only place that holds the markup of one comment: change
it here.

Every value a visitor wrote goes through ``escape`` (the standard library's ``html.escape``,
which is what ``django.utils.html.escape`` applies) before it is put in the markup; the one
exception is ``body_html``, which was sanitised when the comment was saved.
"""

from html import escape

from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from .models import website

COMMENT = (
    '\n      <li id="comment-{pk}" class="comment depth-{depth}">\n      '
    '\n        <article class="comment-body" aria-labelledby="comment-{pk}-author">'
    '\n          <footer class="comment-meta">'
    '\n            <img class="avatar" src="{avatar}" alt="" width="48" height="48"'
    ' loading="lazy">'
    "\n            <div>"
    '\n              <span class="comment-author" id="comment-{pk}-author">{author}</span>'
    '\n              <a class="comment-permalink" href="#comment-{pk}"><time datetime="{iso}">'
    "{date}</time></a>"
    "\n            </div>"
    "\n          </footer>"
    "\n          {pending}"
    '\n          <div class="comment-content">{body}</div>'
    "\n          {actions}"
    "\n        </article>\n      "
)
AUTHOR_LINK = '<a href="{url}" rel="ugc nofollow noopener">{name}</a>'
PENDING = '<p class="comment-awaiting-moderation">Your comment is awaiting moderation.</p>'
ACTIONS = (  # under an approved comment
    '\n            <p class="comment-actions">'
    "\n              {reply}"
    '\n              <a class="comment-report-link" href="{report_url}?comment={pk}"'
    ' rel="nofollow" aria-label="Report the comment by {author}">Report</a>'
    "\n            </p>\n          "
)
REPLY = (  # while the article takes comments
    '<a class="comment-reply-link" href="{page_url}?replytocom={pk}#respond"'
    ' data-reply-to="{pk}" data-author="{author}" aria-label="Reply to {author}">Reply</a>'
)
REMOVED = (
    '\n      <li id="comment-{pk}" class="comment depth-{depth} comment-removed">\n      '
    '\n        <p class="comment-removed-text">This comment was removed.</p>\n      '
)
OPEN_CHILDREN = '\n      <ol class="children">\n      '
CLOSE_ITEM = "\n      </li>\n      "
CLOSE_LIST = "</ol></li>"
GRAVATAR = "https://www.gravatar.com/avatar/{}?s=96&amp;d=mp"  # {} is a hex digest


class DateFormats:
    """The two dates each comment shows, as the template filters ``date:'c'`` and
    ``date:"F j, Y \\a\\t g:i a"`` write them (escaped) in the current time zone and language,
    without their per-call cost: translations are looked up once per page, not per comment."""

    def __init__(self):
        self.zone = timezone.get_current_timezone()
        self.months = {number: escape(str(name)) for number, name in MONTHS.items()}
        self.am = escape(gettext("a.m."))
        self.pm = escape(gettext("p.m."))

    def __call__(self, value):
        local = value.astimezone(self.zone) if timezone.is_aware(value) else value
        hour, month = local.hour, self.months[local.month]
        time = f"{hour % 12 or 12}:{local.minute:02d} {self.pm if hour > 11 else self.am}"
        return local.isoformat(), f"{month} {local.day}, {local.year:04d} at {time}"


def comment_list_html(nodes, *, replies_open, gravatar, page_url):
    """The inside of ``<ol class="comment-list">`` for the flat list of ``threads.Node``, on
    the page of comments at ``page_url``."""
    if len(_fragments) > FRAGMENTS_KEPT:
        _fragments.clear()
    avatar = escape(static("img/avatar.svg"))
    urls = {"page_url": escape(page_url), "report_url": escape(reverse("comments:report"))}
    # what a comment's markup depends on besides its row and its depth
    context = (
        replies_open,
        gravatar,
        avatar,
        *urls.values(),
        timezone.get_current_timezone_name(),
        translation.get_language(),
    )
    dates = None
    parts = []
    append = parts.append
    for node in nodes:
        c = node.comment
        if c is None:
            append(REMOVED.format(pk=node.pk, depth=node.depth))
        else:
            key = (c, node.depth, context)
            html = _fragments.get(key)
            if html is None:
                dates = dates or DateFormats()
                avatar_url = GRAVATAR.format(escape(c.email_hash)) if gravatar else avatar
                html = _fragments[key] = comment_html(
                    c, node.depth, dates, replies_open, avatar_url, urls
                )
            append(html)
        append(OPEN_CHILDREN if node.children else CLOSE_ITEM)
        append(CLOSE_LIST * len(node.closes))
        append("\n    ")
    return SafeString("".join(parts))


# Rendered comments, kept by each process for as long as what they are made of stays the same:
# the key holds the comment's row (everything shown), its depth and the page's settings.
FRAGMENTS_KEPT = 10_000  # about 1.5 KB each
_fragments = {}


def comment_html(c, depth, dates, replies_open, avatar, urls):
    iso, date = dates(c.created_at)
    name = escape(c.author_name)
    url = website(c.author_url)
    actions = ""
    if c.status == "approved":
        reply = REPLY.format(pk=c.pk, author=name, **urls) if replies_open else ""
        actions = ACTIONS.format(reply=reply, pk=c.pk, author=name, **urls)
    return COMMENT.format(
        pk=c.pk,
        depth=depth,
        avatar=avatar,
        author=AUTHOR_LINK.format(url=escape(url), name=name) if url else name,
        iso=iso,
        date=date,
        pending=PENDING if c.status == "pending" else "",
        body=c.body_html,  # sanitised when the comment was saved
        actions=actions,
    )
