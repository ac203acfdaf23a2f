"""A visitor's comment, made into safe HTML once, when it is saved.

Everything typed is escaped (any HTML shows as text), paragraphs and line breaks are kept, and
http(s) addresses become links marked as user-generated content. nh3 then checks the result
against a short list of tags, as a second line of defence.
"""

import nh3
from django.utils.html import linebreaks, urlize

LINK_REL = "ugc nofollow noopener"


def render_comment(text):
    html = linebreaks(urlize(text.strip(), trim_url_limit=60, autoescape=True))
    return nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=LINK_REL,
    )
