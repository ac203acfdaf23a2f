"""``{% comment_feed_links article %}``: the article's comment feeds, in the page's head.

``{% comment_section article %}``: the comment section under an article, for the page that
hosts it (articles' detail template), as django-contrib-comments hands its form to the host
page. The host passes nothing but the article; the tag reads from the page's context:

- ``request`` and ``user`` (context processors), ``csrf_token`` (the page's own, or "" on the
  page every anonymous reader shares, which holds no token);
- ``comment_page_number``: which page of comments the address asked for (1 by default);
- ``comment_form``: a form bound with what the visitor typed, when the comments app renders
  the article page again to show its errors;
- ``comment_preview``: the Preview button's rendering of the text, shown above the form;
- ``shared_page``: True when the page is rendered for every anonymous reader (page cache).
"""

from django import template

from comments.feeds import feed_links
from comments.section import section_context

register = template.Library()


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, article):
    request = context["request"]
    section = section_context(
        request,
        article,
        cpage=context.get("comment_page_number", 1),
        form=context.get("comment_form"),
        shared=bool(context.get("shared_page")),
    )
    return {
        **section,
        "request": request,
        "user": context.get("user"),
        "shared_page": bool(context.get("shared_page")),
        "comment_preview": context.get("comment_preview"),
    }


@register.inclusion_tag("comments/feed_links.html")
def comment_feed_links(article):
    """``<link rel="alternate">`` to the article's comment feeds, for the page's head."""
    return {"feeds": feed_links(article)}
