"""The comment section under an article: what ``{% comment_section article %}`` shows (a page
of threads, its pagination and the "Leave a Reply" form), and the addresses of its pages."""

from urllib.parse import unquote

from natoblog.links import reverse
from natoblog.splice import defer
from pagecache.cache import expires

from .conf import settings
from .display import comment_list_html
from .forms import BlankCommentForm, CommentForm
from .models import Comment, comments_close_at, comments_open
from .ownership import changeable_ids
from .threads import comment_page, own_comment_ids

REMEMBER_COOKIES = {
    "author_name": "comment_author_name",
    "author_email": "comment_author_email",
    "author_url": "comment_author_url",
}


def page_url(article, number):
    if number == 1:
        return article.get_absolute_url()
    return reverse("articles:detail-page", kwargs={"slug": article.slug, "cpage": number})


def page_links(article, page):
    """(number, address) of each page of comments. One reverse() serves them all (a page's
    address differs from another's only by its number), not one per page."""
    if not page.has_other_pages:
        return []
    marker = str(page.num_pages + 1)  # a number no page has; the last one in the address
    head, _, tail = page_url(article, page.num_pages + 1).rpartition(marker)
    return [(1, article.get_absolute_url())] + [
        (number, f"{head}{number}{tail}") for number in range(2, page.num_pages + 1)
    ]


def remembered_details(request):
    """Name, e-mail and website from the consent cookies, if the visitor ticked the box."""
    details = {
        field: unquote(request.COOKIES[cookie])
        for field, cookie in REMEMBER_COOKIES.items()
        if request.COOKIES.get(cookie)
    }
    if details:
        details["remember"] = True
    return details


def comment_pk(value):
    """A comment id from a query string or a form, or None: never an error, whatever was
    sent ("²".isdigit() is true, but int("²") fails; 10**30 overflows the column)."""
    value = str(value or "")
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        return None
    return int(value)


def approved_comment(article, value):
    """The approved comment (not a pingback) of this article with the given id, or None."""
    pk = comment_pk(value)
    if pk is None:
        return None
    return Comment.objects.approved().thoughts().filter(article=article, pk=pk).first()


def section_context(request, article, cpage=1, form=None, shared=False):
    """The context of the comment section under an article: a page of threads and the form
    (new, or bound with what the visitor typed; ``shared`` when the page is rendered for every
    anonymous reader, see CommentForm)."""
    is_open = comments_open(article)
    if form is None:
        # ?replytocom=N: the reply link without JavaScript
        reply_to = approved_comment(article, request.GET.get("replytocom"))
        initial = {} if request.user.is_authenticated else remembered_details(request)
        if reply_to is not None:
            initial["parent"] = reply_to.pk
        form = None
        if is_open and initial:
            form = CommentForm(article=article, user=request.user, initial=initial, shared=shared)
        elif is_open:  # nothing filled in: its markup kept per process
            form = BlankCommentForm(article=article, user=request.user, shared=shared)
    else:
        reply_to = approved_comment(article, form["parent"].value())
    if is_open:
        expires(request, comments_close_at(article))  # the page changes when the form goes
    page = comment_page(article, cpage, own_comment_ids(request), request=request)
    url = page_url(article, page.number)
    return {
        "article": article,
        "comment_page": page,
        # put in the page by natoblog.splice once the page is rendered (a large fragment)
        "comment_list": defer(
            request,
            comment_list_html(
                page.nodes,
                replies_open=is_open,
                gravatar=settings.COMMENTS_GRAVATAR,
                page_url=url,
                changeable=changeable_ids(request, page.nodes, shared=shared),
            ),
        ),
        "comment_form": form,
        "comments_open": is_open,
        "reply_to": reply_to,
        "comment_page_url": url,
        "comment_page_links": page_links(article, page),
    }
