"""A commenter's second look at their comment: Edit and Delete (for its author, within the
editing window: comments.ownership), and Preview (of a new comment, or of an edit)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from articles.models import Article
from articles.views import render_article
from natoblog.csrf import csrf_unless_anonymous
from natoblog.http import client_ip

from . import actions, ownership
from .conf import settings
from .forms import CommentEditForm
from .models import Comment
from .rendering import render_comment
from .section import page_url
from .spam import check_edit, check_preview_rate
from .threads import page_of


def never_cached(response):
    add_never_cache_headers(response)
    return response


def own_comment(request, pk):
    """The comment, and why this request may not change it (None: it may)."""
    comment = get_object_or_404(
        Comment.objects.select_related("article", "thread"),
        pk=pk,
        article__in=Article.objects.published(),
    )
    # only its author learns that a comment not shown to readers exists
    if comment.status != Comment.Status.APPROVED and not ownership.is_author(
        request, comment.user_id, comment.pk
    ):
        raise Http404("No such comment.")
    return comment, ownership.refusal(request, comment)


def back_url(comment):
    return f"{page_url(comment.article, page_of(comment))}#{comment.anchor}"


def back_to(request, location):
    """A redirect; for the form opened in place (static/js/comments.js, which fetches with
    ``X-Requested-With: fetch``) a 204 naming the address, so that the browser itself goes
    there and sees the message (a redirect fetch followed would use it up)."""
    if request.headers.get("X-Requested-With") == "fetch":
        response = HttpResponse(status=204)
        response["X-Location"] = location
        return response
    return redirect(location)


def cannot_change(request, comment, reason):
    """403, saying why; nothing is changed."""
    context = {"comment": comment, "reason": reason, "back_url": back_url(comment)}
    return never_cached(render(request, "comments/cannot_change.html", context, status=403))


def preview_of(request, body):
    """(html, refusal) for a preview of ``body``: rendered as it would be saved, stored
    nowhere, sent to no one, counted against the preview rate limit."""
    refusal = check_preview_rate(client_ip(request))
    if refusal is not None:
        return "", refusal
    return render_comment(body), None


def preview_page(request, article, form):
    """The Preview button without JavaScript: the article's page, the comment rendered above
    the form, everything typed kept (the form's clock too: a preview is not a new form)."""
    html, refusal = preview_of(request, form.cleaned_data["body"])
    form.fields["timestamp"].widget.keep = form.cleaned_data.get("timestamp")
    status = 200
    if refusal is not None:
        form.add_error(None, refusal.message)
        status = refusal.status
    context = {"comment_form": form, "comment_preview": html if refusal is None else None}
    response = render_article(request, article, context, status=status)
    if refusal is not None:
        response["Retry-After"] = str(refusal.retry_after)
    return never_cached(response)


def edit_comment(request, pk):
    """The Edit page (the form filled in), and its post: the new text through the moderation
    rules again (comments.actions.edit), back at the comment's anchor."""
    comment, reason = own_comment(request, pk)
    if reason is not None:
        return cannot_change(request, comment, reason)
    preview, status, retry_after = None, 200, None
    if request.method == "POST":
        form = CommentEditForm(request.POST)
        if form.is_valid():
            body = form.cleaned_data["body"]
            refusal = None
            if "preview" in request.POST:
                preview, refusal = preview_of(request, body)
            else:
                refusal = check_edit(request, comment)
                if refusal is None:
                    actions.edit(comment, body)
                    if comment.status in ownership.CHANGEABLE:
                        messages.success(request, _("Your comment was updated."))
                    else:
                        messages.warning(request, _("Your comment was updated, and is held."))
                    return back_to(request, back_url(comment))
            if refusal is not None:
                form.add_error(None, refusal.message)
                status, retry_after = refusal.status, refusal.retry_after
    else:
        form = CommentEditForm(initial={"body": comment.body})
    context = {
        "comment": comment,
        "form": form,
        "preview": preview,
        "back_url": back_url(comment),
        "window_minutes": settings.COMMENTS_EDIT_WINDOW_MINUTES,
    }
    response = render(request, "comments/edit.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return never_cached(response)


def delete_comment(request, pk):
    """A page that asks to confirm, then the comment leaves the page (to the trash)."""
    comment, reason = own_comment(request, pk)
    if reason is not None:
        return cannot_change(request, comment, reason)
    if request.method == "POST":
        back = f"{page_url(comment.article, page_of(comment))}#comments"
        actions.delete_own(comment)
        messages.success(request, _("Your comment was deleted."))
        return redirect(back)
    context = {"comment": comment, "back_url": back_url(comment)}
    return never_cached(render(request, "comments/delete.html", context))


@csrf_unless_anonymous  # the shared page's form holds no token (natoblog/csrf.py)
@require_POST
def preview_comment(request):
    """The Preview button with JavaScript: the rendered text, as a fragment for the page."""
    form = CommentEditForm(request.POST)
    if not form.is_valid():
        context = {"preview_error": form.errors["body"][0]}
        return never_cached(render(request, "comments/preview.html", context, status=400))
    html, refusal = preview_of(request, form.cleaned_data["body"])
    if refusal is not None:
        context = {"preview_error": refusal.message}
        response = render(request, "comments/preview.html", context, status=refusal.status)
        response["Retry-After"] = str(refusal.retry_after)
        return never_cached(response)
    return never_cached(render(request, "comments/preview.html", {"preview": html}))
