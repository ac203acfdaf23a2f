"""A comment's text, made into safe HTML once, when it is saved (``render_body`` dispatches
on the comment's body format).

The site's own comments (``render_comment``): everything typed is escaped (any HTML shows as
text), paragraphs and line breaks are kept, and http(s) addresses become links marked as
user-generated content. nh3 then checks the result against a short list of tags, as a second
line of defence.

Imported comments (``render_imported_html``): WordPress and Disqus store comment text as HTML.
It is sanitised as HTML: the entities are decoded once (by the HTML parser), the tags below
are kept, every other tag is removed (its text kept; script and style with their content),
never escaped into visible markup; paragraphs come from blank lines, as WordPress shows them.
"""

import nh3
from django.utils.html import linebreaks, urlize

from articles.rendering import autop

LINK_REL = "ugc nofollow noopener"
# What WordPress allows in a comment ($allowedtags), with paragraphs, line breaks and lists.
IMPORTED_TAGS = {
    "p",
    "br",
    "a",
    "abbr",
    "acronym",
    "b",
    "blockquote",
    "cite",
    "code",
    "del",
    "em",
    "i",
    "q",
    "s",
    "strike",
    "strong",
    "pre",
    "ul",
    "ol",
    "li",
}


def render_comment(text):
    html = linebreaks(urlize(text.strip(), trim_url_limit=60, autoescape=True))
    return nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=LINK_REL,
    )


def render_imported_html(html):
    return nh3.clean(
        autop(html),
        tags=IMPORTED_TAGS,
        attributes={"a": {"href"}, "abbr": {"title"}, "acronym": {"title"}, "q": {"cite"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
    )


def render_body(text, body_format="text"):
    """The HTML of a comment's text in its format ("html": imported)."""
    if body_format == "html":
        return render_imported_html(text)
    return render_comment(text)
