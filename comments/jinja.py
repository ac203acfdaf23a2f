"""What the Jinja2 templates (natoblog/jinja.py) get from this app, for the article page that
hosts the comments (articles' detail template), as django-contrib-comments hands its form to
the host page:

- ``comment_feed_links(article)``: ``<link rel="alternate">`` to the article's comment feeds;
- ``comment_section(article)``: the comment section under it (a page of threads, its
  pagination and the "Leave a Reply" form). The host passes nothing but the article; the
  section reads from the page's context: ``request`` and ``user``; ``comment_page_number``
  (which page of comments the address asked for, 1 by default); ``comment_form`` (a form
  bound with what the visitor typed, when the comments app renders the article page again to
  show its errors); ``comment_preview`` (the Preview button's rendering of the text, shown
  above the form); ``shared_page`` (True when the page is rendered for every anonymous
  reader: the page cache; then it holds no CSRF token, natoblog/csrf.py).
"""

from django.template import engines
from django.template.loader import render_to_string
from django.utils.translation import gettext, ngettext
from jinja2 import pass_context
from markupsafe import Markup

from .feeds import feed_links
from .section import section_context


def _render(name, context=None, **values):
    """A template of this app, with the calling template's context and ``values``."""
    values = {**context.get_all(), **values} if context is not None else values
    return Markup(engines["jinja2"].env.get_template(name).render(values))


def comment_feed_links(article):
    return _render("comments/feed_links.html", feeds=feed_links(article))


def comments_title(count, title):
    """The section's heading, as WordPress words it."""
    if count == 0:
        return gettext("No thoughts yet on “%(title)s”") % {"title": title}
    text = ngettext("One thought on “%(title)s”", "%(count)s thoughts on “%(title)s”", count)
    return text % {"count": count, "title": title}


@pass_context
def comment_section(context, article):
    request = context["request"]
    shared = bool(context.get("shared_page"))
    section = section_context(
        request,
        article,
        cpage=context.get("comment_page_number", 1),
        form=context.get("comment_form"),
        shared=shared,
    )
    preview = context.get("comment_preview")
    return _render(
        "comments/section.html",
        context,
        **section,
        shared_page=shared,
        comments_title=comments_title(section["comment_page"].count, article.title),
        # the Preview button's answer without JavaScript (the Django template language's, as
        # the edit page shows it too)
        preview=None
        if preview is None
        else Markup(render_to_string("comments/preview.html", {"preview": preview})),
    )


GLOBALS = {"comment_feed_links": comment_feed_links, "comment_section": comment_section}
