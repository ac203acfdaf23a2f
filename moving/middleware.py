"""Old addresses keep working: after an import, a post's WordPress addresses (its ``<link>``
path, such as /2021/10/27/the-future-of-nato/, and /?p=123) answer 301 to the article's
address here. The browser keeps a "#comment-45" fragment across the redirect, and the imported
comment carries that anchor (comments/display.py).

The addresses are rows of ``OldLink``, filled by the import (not django.contrib.redirects: it
needs django.contrib.sites, matches paths only, never "?p=123", and stores the target as a
string that would go stale when the article's slug changes). They are looked up only for an
answer that would be 404, and for "/?p=N": no other page pays a query.
"""

from django.db import DatabaseError
from django.http import HttpResponsePermanentRedirect

from .models import OldLink


def old_link(path):
    """The article's address for an old ``path``, or None."""
    candidates = {path, path.rstrip("/") + "/", path.rstrip("/")} - {""}
    try:
        link = OldLink.objects.select_related("article").filter(path__in=candidates).first()
    except DatabaseError:  # the database is away: the page answers as it would
        return None
    return link.article.get_absolute_url() if link else None


class OldLinksMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        number = request.GET.get("p", "") if request.path == "/" else ""
        if number.isascii() and number.isdigit() and len(number) < 18:
            target = old_link(f"/?p={int(number)}")
            if target:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            target = old_link(request.path)
            if target:
                return HttpResponsePermanentRedirect(target)
        return response
