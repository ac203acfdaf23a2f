"""The pages that links in mails open, and the "Follow this blog" form.

Every signed link opens a page that says what it will do, with a button: only the POST acts,
so a mail scanner that opens links changes nothing. An expired, used or altered link gets a
page saying so, and changes nothing.
"""

from functools import wraps

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import signing, subscriptions
from .forms import FollowForm
from .models import Comment, Subscription
from .moderation import ACTION_LABELS

MODERATION = {
    "approve": (Comment.Status.APPROVED, "Approve", "approved"),
    "spam": (Comment.Status.SPAM, "Mark as spam", "marked as spam"),
    "trash": (Comment.Status.TRASH, "Move to trash", "moved to the trash"),
}


def link_page(view):
    """A page reached through a signed link: GET and POST only, never cached, never indexed,
    and the token in its address is not sent to other sites as a referrer. ("same-origin",
    not "no-referrer": with no-referrer the browser posts the page's form with "Origin: null"
    and Django's CSRF check refuses it.)"""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex"
        return response

    return require_http_methods(["GET", "POST"])(never_cache(wrapper))


def link_error(request, error):
    return render(request, "comments/link_error.html", {"error": error}, status=error.status)


class CommentGone(signing.LinkError):
    status = 404
    title = "This comment no longer exists"
    message = "It was deleted after the e-mail was sent. Nothing was changed."


class SubscriptionGone(signing.LinkError):
    status = 404
    title = "There is no such subscription any more"
    message = (
        "It was ended, or it was never confirmed and has been replaced by a newer request. "
        "Nothing was changed."
    )


# --- Moderation links -----------------------------------------------------------------------


@link_page
def moderate(request, token):
    """Approve, Spam or Trash from a moderation mail: GET shows the comment in context and a
    button, POST acts (once)."""
    try:
        comment_id, action, nonce = signing.read_moderation_token(token)
        comment = Comment.objects.select_related("article", "parent").filter(pk=comment_id).first()
        if comment is None:
            raise CommentGone
    except signing.LinkError as error:
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
                signing.spend(nonce)
                set_status(comment, action, status)
        except signing.LinkError as error:
            return link_error(request, error)
        return render(request, "comments/moderation/done.html", context)
    return render(request, "comments/moderation/confirm.html", context)


def set_status(comment, action, status):
    """What the admin's action does (moderation.apply_action), for a link with no user."""
    removed = (Comment.Status.SPAM, Comment.Status.TRASH)
    if status in removed and comment.status not in removed:
        comment.status_before_removal = comment.status
    comment.status = status
    comment.moderation_reason = f"{ACTION_LABELS[action]} from a moderation e-mail"
    comment.save(
        update_fields=["status", "status_before_removal", "moderation_reason", "updated_at"]
    )


# --- Subscription links ---------------------------------------------------------------------


def subscription_from(purpose, token):
    subscription_id, hash_start = signing.read_subscription_token(purpose, token)
    subscription = (
        Subscription.objects.select_related("article").filter(pk=subscription_id).first()
    )
    if subscription is None:
        raise SubscriptionGone
    if not subscription.email_hash.startswith(hash_start):
        raise signing.LinkError
    return subscription


@link_page
def confirm_subscription(request, token):
    try:
        subscription = subscription_from(signing.CONFIRM, token)
    except signing.LinkError as error:
        return link_error(request, error)
    context = {
        "subscription": subscription,
        "manage_path": subscriptions.manage_path(subscription.email_hash),
    }
    if request.method == "POST":
        subscriptions.confirm(subscription)
        return render(request, "comments/subscriptions/confirmed.html", context)
    return render(request, "comments/subscriptions/confirm.html", context)


# The signed token in the address is what protects this endpoint: RFC 8058 one-click
# unsubscribe means a mail client POSTs "List-Unsubscribe=One-Click" to the List-Unsubscribe
# URL, with no cookie and no CSRF token. This is the only view exempt from CSRF checks.
@csrf_exempt
@link_page
def unsubscribe(request, token):
    try:
        subscription = subscription_from(signing.UNSUBSCRIBE, token)
    except SubscriptionGone:
        subscription = None  # already unsubscribed: say so, it is what they want
    except signing.LinkError as error:
        return link_error(request, error)
    if subscription is None:
        return render(request, "comments/subscriptions/unsubscribed.html", {})
    context = {
        "subscription": subscription,
        "manage_path": subscriptions.manage_path(subscription.email_hash),
    }
    if request.method == "POST":
        subscription.delete()
        return render(request, "comments/subscriptions/unsubscribed.html", context)
    return render(request, "comments/subscriptions/unsubscribe.html", context)


@link_page
def manage_subscriptions(request, token):
    """All the subscriptions of one address, each with a button to end it, and one to end
    them all."""
    try:
        email_hash = signing.read_manage_token(token)
    except signing.LinkError as error:
        return link_error(request, error)
    mine = Subscription.objects.filter(email_hash=email_hash).select_related("article")
    if request.method == "POST":
        if request.POST.get("subscription") == "all":
            count, _ = mine.delete()
        else:
            count, _ = mine.filter(pk=request.POST.get("subscription") or 0).delete()
        if count:
            messages.success(request, "Unsubscribed. You will get no more of those e-mails.")
        return redirect(request.path)
    subscription_list = list(mine.order_by("kind", "article__title"))
    return render(
        request,
        "comments/subscriptions/manage.html",
        {
            "subscriptions": subscription_list,
            "email": subscription_list[0].email if subscription_list else "",
        },
    )


# --- Follow this blog -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def follow(request):
    """New posts by e-mail (double opt-in). The footer's form posts here; errors are shown on
    this page with what was typed."""
    form = FollowForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        context = {"form": form, "hide_follow_form": True}
        return render(request, "comments/subscriptions/follow.html", context)
    email = form.cleaned_data["email"]
    verified = subscriptions.is_verified_address(request.user, email)
    subscriptions.subscribe(email, verified=verified)
    if verified:
        messages.success(request, "Done: new articles will be e-mailed to your address.")
    else:
        messages.success(
            request,
            "Thank you. Unless that address already follows this blog, we have sent it a link: "
            "open it to confirm, and new articles will follow.",
        )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("articles:index")
    return redirect(next_url)
