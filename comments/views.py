import functools
import hashlib
import logging
from urllib.parse import quote, unquote

from django.conf import settings
from django.contrib import messages
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from articles.models import Article

from .display import comment_list_html
from .forms import CommentForm, ReportForm
from .http import client_ip, user_agent
from .models import Comment, comments_open
from .moderation import report
from .spam import check_post
from .subscriptions import is_verified_address
from .threads import comment_page, own_comment_ids, page_of, remember_own_comment

REMEMBER_COOKIES = {
    "author_name": "comment_author_name",
    "author_email": "comment_author_email",
    "author_url": "comment_author_url",
}
REMEMBER_MAX_AGE = 365 * 24 * 3600
# Where the list of comments goes in the page the template renders: see with_comment_list().
COMMENT_LIST = mark_safe("<!--comment-list-->")
DATABASE_RETRY_AFTER = 10

logger = logging.getLogger(__name__)


def page_url(article, number):
    if number == 1:
        return article.get_absolute_url()
    return reverse("articles:detail-page", kwargs={"slug": article.slug, "cpage": number})


def page_links(article, page):
    """(number, address) of each page of comments. One reverse() serves them all (a page's
    address differs from another's only by its number): a reverse() for each of the 140 pages
    of 10,000 comments took 4 ms."""
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
    """The approved comment of this article with the given id, or None."""
    pk = comment_pk(value)
    if pk is None:
        return None
    return Comment.objects.approved().filter(article=article, pk=pk).first()


def comment_section(request, article, cpage=None, form=None, shared=False):
    """The context of the comment section under an article: a page of threads and the form
    (new, or bound with what the visitor typed; ``shared`` when the page is rendered for every
    anonymous reader: see CommentForm)."""
    is_open = comments_open(article)
    if form is None:
        # ?replytocom=N: the reply link without JavaScript
        reply_to = approved_comment(article, request.GET.get("replytocom"))
        initial = {} if request.user.is_authenticated else remembered_details(request)
        if reply_to is not None:
            initial["parent"] = reply_to.pk
        form = (
            CommentForm(article=article, user=request.user, initial=initial, shared=shared)
            if is_open
            else None
        )
    else:
        reply_to = approved_comment(article, form["parent"].value())
    page = comment_page(article, cpage, own_comment_ids(request))
    return {
        "comment_page": page,
        "comment_list": COMMENT_LIST,
        "comment_list_html": comment_list_html(
            page.nodes,
            replies_open=is_open,
            gravatar=settings.COMMENTS_GRAVATAR,
            page_url=page_url(article, page.number),
        ),
        "comment_form": form,
        "comments_open": is_open,
        "reply_to": reply_to,
        "comment_page_url": page_url(article, page.number),
        "comment_page_links": page_links(article, page),
    }


def with_comment_list(response, context):
    """Put the list of comments into the page rendered from ``context``, where the template
    wrote ``COMMENT_LIST``. Passed through the template's nested joins, the 1.5 MB of a
    thousand comments cost about 7 ms; put in as bytes, 0.3 ms."""
    list_html = context["comment_list_html"].encode(response.charset)
    response.content = response.content.replace(COMMENT_LIST.encode(), list_html, 1)
    return response


def render_article(request, article, form, status=200):
    context = {"article": article, "is_preview": False}
    context.update(comment_section(request, article, form=form))
    response = render(request, "articles/article_detail.html", context, status=status)
    return with_comment_list(response, context)


def keeps_text_when_the_database_fails(view):
    """A database that is restarting or unreachable answers 503 with the visitor's text in a
    form to post again (a page that needs no database), never a 500 that loses it."""

    @functools.wraps(view)
    def wrapper(request, slug):
        try:
            return view(request, slug)
        except (OperationalError, InterfaceError):
            logger.exception("Database unavailable while posting a comment on %s", slug)
            return database_unavailable(request, slug)

    return wrapper


def database_unavailable(request, slug):
    try:
        user = request.user if request.user.is_authenticated else None
    except (OperationalError, InterfaceError):
        user = None
    form = CommentForm(
        article=None,
        user=user,
        initial={name: request.POST.get(name) for name in CommentForm.base_fields},
    )
    response = render(
        request,
        "comments/post_again.html",
        {"comment_form": form, "slug": slug},
        status=503,
    )
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


@require_POST
@keeps_text_when_the_database_fails
def post_comment(request, slug):
    article = get_object_or_404(Article.objects.published().select_related("author"), slug=slug)
    form = CommentForm(request.POST, article=article, user=request.user)
    if not comments_open(article):
        form.is_valid()  # keep what they typed on the page
        form.add_error(None, "Comments are closed on this article; your comment was not posted.")
        return render_article(request, article, form, status=403)
    if not form.is_valid():
        return render_article(request, article, form)

    refusal = check_post(request, form)
    if refusal is not None:
        form.add_error(None, refusal.message)
        response = render_article(request, article, form, status=refusal.status)
        if refusal.retry_after:
            response["Retry-After"] = str(refusal.retry_after)
        return response

    comment = form.save(commit=False)
    comment.ip_address = client_ip(request)
    comment.user_agent = user_agent(request)
    try:
        comment.save()
    except (OperationalError, InterfaceError):
        if comment.pk is None:
            raise  # not stored: the visitor gets their text back to post again
        # Stored (the INSERT is committed), then the database went away while its mail was
        # being queued: the comment stands; the operator learns that a mail may be missing.
        logger.exception("Comment %s stored, but its notifications may not be queued", comment.pk)
    remember_own_comment(request, comment)
    try:
        if asked_for_confirmation(request, comment):
            messages.info(
                request,
                "Unless your address is already subscribed, we are sending it a link: open it "
                "to confirm, and the emails you asked for will follow.",
            )
        location = f"{page_url(article, page_of(comment))}#{comment.anchor}"
    except (OperationalError, InterfaceError):
        # Stored: never answer "not posted" now. The first page will do.
        location = f"{article.get_absolute_url()}#{comment.anchor}"
    response = redirect(location)
    if request.user.is_authenticated:
        return response
    if form.cleaned_data.get("remember"):
        for field, cookie in REMEMBER_COOKIES.items():
            response.set_cookie(
                cookie,
                quote(form.cleaned_data.get(field) or ""),
                max_age=REMEMBER_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
    else:
        for cookie in REMEMBER_COOKIES.values():
            if cookie in request.COOKIES:
                response.delete_cookie(cookie, samesite="Lax")
    return response


def reporter_key(request):
    """Who is reporting: an account, or else the visitor's address (hashed)."""
    if request.user.is_authenticated:
        raw = f"user:{request.user.pk}"
    else:
        raw = f"ip:{client_ip(request)}"
    return hashlib.sha256(raw.encode()).hexdigest()


def report_comment(request):
    """ "Report" under a comment: a page that asks to confirm, then one report per visitor."""
    comment = approved_comment_or_404(request.GET.get("comment") or request.POST.get("comment"))
    back = f"{page_url(comment.article, page_of(comment))}#{comment.anchor}"
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            if report(comment, reporter_key(request), form.cleaned_data["reason"]):
                messages.success(request, "Thank you. Moderators will look at this comment.")
            else:
                messages.info(request, "You have already reported this comment. Thank you.")
            return redirect(back)
    else:
        form = ReportForm(initial={"comment": comment.pk})
    return render(
        request, "comments/report.html", {"comment": comment, "form": form, "back_url": back}
    )


def approved_comment_or_404(value):
    pk = comment_pk(value)
    if pk is None:
        raise Http404("No such comment.")
    return get_object_or_404(
        Comment.objects.approved().select_related("article", "thread"),
        pk=pk,
        article__in=Article.objects.published(),
    )


def asked_for_confirmation(request, comment):
    """Whether ticking a "Notify me" box means a confirmation mail (comments.subscriptions)."""
    return (
        (comment.notify_comments or comment.notify_posts)
        and comment.status in (Comment.Status.PENDING, Comment.Status.APPROVED)
        and not is_verified_address(request.user, comment.author_email)
    )


def permalink(request, pk):
    """/comments/N/ -> the article page that holds comment N, at its anchor."""
    comment = get_object_or_404(
        Comment.objects.approved().select_related("article", "thread"),
        pk=pk,
        article__in=Article.objects.published(),
    )
    return redirect(f"{page_url(comment.article, page_of(comment))}#{comment.anchor}")
