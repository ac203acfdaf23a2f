"""The comments app's pages: posting a comment (its errors shown on the article's page), the
permalink of a comment, "Report", and the page a moderation mail's link opens."""

import hashlib
import logging
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.db import InterfaceError, OperationalError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from articles.models import Article
from articles.views import render_article
from mail.links import LinkError, link_error, link_page, spend
from natoblog.csrf import csrf_unless_anonymous
from natoblog.http import client_ip, user_agent

from . import actions
from .forms import CommentForm, ReportForm
from .links import read_moderation_token
from .models import Comment, comments_open
from .moderation import is_verified_address
from .own_views import preview_page
from .section import REMEMBER_COOKIES, comment_pk, page_url
from .spam import check_post, form_token
from .threads import page_of, remember_own_comment

REMEMBER_MAX_AGE = 365 * 24 * 3600
DATABASE_RETRY_AFTER = 10

logger = logging.getLogger(__name__)


def show_form_again(request, article, form, status=200):
    """The article's page with the form as the visitor sent it, errors shown, text kept."""
    return render_article(request, article, {"comment_form": form}, status=status)


def keeps_text_when_the_database_fails(view):
    """A database that is restarting or unreachable answers 503 with the visitor's text in a
    form to post again (a page that needs no database), never a 500 that loses it."""

    def wrapper(request, slug):
        try:
            return view(request, slug)
        except (OperationalError, InterfaceError):
            logger.exception("Database unavailable while posting a comment on %s", slug)
            return database_unavailable(request, slug)

    wrapper.__name__ = wrapper.__qualname__ = view.__name__
    wrapper.__doc__ = view.__doc__
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


@csrf_unless_anonymous  # the shared page's form holds no token (natoblog/csrf.py)
@require_POST
@keeps_text_when_the_database_fails
def post_comment(request, slug):
    article = get_object_or_404(Article.objects.published().select_related("author"), slug=slug)
    form = CommentForm(request.POST, article=article, user=request.user)
    if not comments_open(article):
        form.is_valid()  # keep what they typed on the page
        form.add_error(
            None, _("Comments are closed on this article; your comment was not posted.")
        )
        return show_form_again(request, article, form, status=403)
    if not form.is_valid():
        return show_form_again(request, article, form)
    if "preview" in request.POST:
        return preview_page(request, article, form)

    refusal = check_post(request, form)
    if refusal is not None:
        form.add_error(None, refusal.message)
        response = show_form_again(request, article, form, status=refusal.status)
        if refusal.retry_after:
            response["Retry-After"] = str(refusal.retry_after)
        return response

    comment = form.save(commit=False)
    comment.ip_address = client_ip(request)
    comment.user_agent = user_agent(request)
    try:
        actions.post(comment)
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
                _(
                    "Unless your address is already subscribed, we are sending it a link: open it "
                    "to confirm, and the emails you asked for will follow."
                ),
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


def form_timestamp(request):
    """A fresh signed timestamp for the comment form of the shared page, which holds none
    (static/js/form-timestamp.js asks for it when the visitor starts on the form)."""
    response = HttpResponse(form_token(), content_type="text/plain; charset=utf-8")
    add_never_cache_headers(response)
    return response


def asked_for_confirmation(request, comment):
    """Whether ticking a "Notify me" box means a confirmation mail (see subscriptions)."""
    return (
        (comment.notify_comments or comment.notify_posts)
        and comment.status in (Comment.Status.PENDING, Comment.Status.APPROVED)
        and not is_verified_address(request.user, comment.author_email)
    )


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
            if actions.report(comment, reporter_key(request), form.cleaned_data["reason"]):
                messages.success(request, _("Thank you. Moderators will look at this comment."))
            else:
                messages.info(request, _("You have already reported this comment. Thank you."))
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
    return permalink_target(pk)


def permalink_target(pk):
    return get_object_or_404(
        Comment.objects.approved().select_related("article", "thread"),
        pk=pk,
        article__in=Article.objects.published(),
    )


def permalink(request, pk):
    """/comments/N/ -> the article page that holds comment N, at its anchor."""
    comment = permalink_target(pk)
    return redirect(f"{page_url(comment.article, page_of(comment))}#{comment.anchor}")


def find_anchor(request, slug, number):
    """/comments/find/<slug>/comment-N/: where an old link's "#comment-N" lands when that
    comment is not on the page the link opened (an imported comment on page 3 of today's
    comments; browsers never send the fragment, so static/js/comments.js asks here). The
    imported comment whose old anchor that was, else the site's own comment N, of that
    article; else the article's comments, never a 404 page."""
    approved = Comment.objects.approved().filter(
        article__slug=slug, article__in=Article.objects.published()
    )
    approved = approved.select_related("article", "thread")
    comment = approved.filter(legacy_anchor=f"comment-{number}").first()
    comment = comment or approved.filter(pk=number).first()
    if comment is None:
        article = get_object_or_404(Article.objects.published(), slug=slug)
        return redirect(f"{article.get_absolute_url()}#comments")
    return redirect(f"{page_url(comment.article, page_of(comment))}#{comment.anchor}")


# --- The Approve / Spam / Trash links of moderation mails --------------------------------------

MODERATION = {
    "approve": (Comment.Status.APPROVED, _("Approve"), _("approved")),
    "spam": (Comment.Status.SPAM, _("Mark as spam"), _("marked as spam")),
    "trash": (Comment.Status.TRASH, _("Move to trash"), _("moved to the trash")),
}


class CommentGone(LinkError):
    status = 404
    title = _("This comment no longer exists")
    message = _("It was deleted after the e-mail was sent. Nothing was changed.")


@link_page
def moderate(request, token):
    """Approve, Spam or Trash from a moderation mail: GET shows the comment in context and a
    button, POST acts (once)."""
    try:
        comment_id, action, nonce = read_moderation_token(token)
        comment = Comment.objects.select_related("article", "parent").filter(pk=comment_id).first()
        if comment is None:
            raise CommentGone
    except LinkError as error:
        return link_error(request, error)
    status, button, done = MODERATION[action]
    context = {
        "comment": comment,
        "article": comment.article,
        "parent": comment.parent,
        "action": action,
        "button": button,
        "done": done,
        "already": comment.status == status,
    }
    if request.method == "POST" and not context["already"]:
        try:
            with transaction.atomic():
                spend(nonce)
                actions.moderate_action([comment], action, via=_("from a moderation e-mail"))
        except LinkError as error:
            return link_error(request, error)
        return render(request, "comments/moderation/done.html", context)
    return render(request, "comments/moderation/confirm.html", context)
