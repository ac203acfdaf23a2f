"""Large fragments put into a rendered page as bytes, after the template engine is done.

The Django template language joins the output of every enclosing block, include and tag into
a new string, level after level, and then the page is encoded: for the list of a thousand
comments (1.5 MB) that costs more than writing the list itself (make bench's "render ms" and
"uncached" columns measure the page with and without it). So a template tag that produces a
large fragment hands it to ``defer`` and puts the marker it returns in the page; the view that
renders the page calls ``fill`` on the response (a post-render callback of a
TemplateResponse), which puts each fragment, encoded once, where its marker is.

Markers are made of characters no visitor's text can produce in a page (every "<" a visitor
writes is escaped), and each is used once.
"""

import secrets

from django.utils.safestring import mark_safe

ATTRIBUTE = "_spliced_fragments"


def defer(request, html):
    """A marker for ``html`` in the page being rendered for ``request``."""
    fragments = request.__dict__.setdefault(ATTRIBUTE, {})
    marker = f"<!--fragment-{secrets.token_hex(8)}-->"
    fragments[marker] = html
    return mark_safe(marker)


def fill(response, request=None):
    """Put the deferred fragments of ``request`` (default: the response's own) in place."""
    request = request if request is not None else getattr(response, "_request", None)
    fragments = request.__dict__.pop(ATTRIBUTE, {}) if request is not None else {}
    content = response.content
    for marker, html in fragments.items():
        content = content.replace(marker.encode(), html.encode(response.charset), 1)
    if fragments:
        response.content = content
    return response
