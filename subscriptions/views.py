"""The pages that links in subscription mails open, and the "Follow this blog" form.

Every signed link opens a page that says what it will do, with a button: only the POST acts,
so a mail scanner that opens links changes nothing. An expired, used or altered link gets a
page saying so, and changes nothing.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from comments.moderation import is_verified_address
from mail.links import LinkError, link_error, link_page
from natoblog.csrf import csrf_unless_anonymous

from . import optin, tokens
from .forms import FollowForm
from .models import Subscription


class SubscriptionGone(LinkError):
    status = 404
    title = _("There is no such subscription any more")
    message = _(
        "It was ended, or it was never confirmed and has been replaced by a newer request. "
        "Nothing was changed."
    )


# --- Subscription links ---------------------------------------------------------------------


def subscription_from(purpose, token):
    subscription_id, hash_start = tokens.read_subscription_token(purpose, token)
    subscription = (
        Subscription.objects.select_related("article").filter(pk=subscription_id).first()
    )
    if subscription is None:
        raise SubscriptionGone
    if not subscription.email_hash.startswith(hash_start):
        raise LinkError
    return subscription


@link_page
def confirm_subscription(request, token):
    try:
        subscription = subscription_from(tokens.CONFIRM, token)
    except LinkError as error:
        return link_error(request, error)
    context = {
        "subscription": subscription,
        "manage_path": optin.manage_path(subscription.email_hash),
    }
    if request.method == "POST":
        optin.confirm(subscription)
        return render(request, "subscriptions/confirmed.html", context)
    return render(request, "subscriptions/confirm.html", context)


# The signed token in the address is what protects this endpoint: RFC 8058 one-click
# unsubscribe means a mail client POSTs "List-Unsubscribe=One-Click" to the List-Unsubscribe
# URL, with no cookie and no CSRF token. This is the only view exempt from CSRF checks.
@csrf_exempt
@link_page
def unsubscribe(request, token):
    try:
        subscription = subscription_from(tokens.UNSUBSCRIBE, token)
    except SubscriptionGone:
        subscription = None  # already unsubscribed: say so, it is what they want
    except LinkError as error:
        return link_error(request, error)
    if subscription is None:
        return render(request, "subscriptions/unsubscribed.html", {})
    context = {
        "subscription": subscription,
        "manage_path": optin.manage_path(subscription.email_hash),
    }
    if request.method == "POST":
        subscription.delete()
        return render(request, "subscriptions/unsubscribed.html", context)
    return render(request, "subscriptions/unsubscribe.html", context)


@link_page
def manage_subscriptions(request, token):
    """All the subscriptions of one address, each with a button to end it, and one to end
    them all."""
    try:
        email_hash = tokens.read_manage_token(token)
    except LinkError as error:
        return link_error(request, error)
    mine = Subscription.objects.filter(email_hash=email_hash).select_related("article")
    if request.method == "POST":
        if request.POST.get("subscription") == "all":
            count = mine.delete()[0]
        else:
            count = mine.filter(pk=request.POST.get("subscription") or 0).delete()[0]
        if count:
            messages.success(request, _("Unsubscribed. You will get no more of those e-mails."))
        return redirect(request.path)
    subscription_list = list(mine.order_by("kind", "article__title"))
    return render(
        request,
        "subscriptions/manage.html",
        {
            "subscriptions": subscription_list,
            "email": subscription_list[0].email if subscription_list else "",
        },
    )


# --- Follow this blog -----------------------------------------------------------------------


@csrf_unless_anonymous  # the shared page's footer form holds no token (natoblog/csrf.py)
@require_http_methods(["GET", "POST"])
def follow(request):
    """New posts by e-mail (double opt-in). The footer's form posts here; errors are shown on
    this page with what was typed."""
    form = FollowForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        context = {"form": form, "hide_follow_form": True}
        return render(request, "subscriptions/follow.html", context)
    email = form.cleaned_data["email"]
    verified = is_verified_address(request.user, email)
    optin.subscribe(email, verified=verified)
    if verified:
        messages.success(request, _("Done: new articles will be e-mailed to your address."))
    else:
        messages.success(
            request,
            _(
                "Thank you. Unless that address already follows this blog, we have sent it a "
                "link: open it to confirm, and new articles will follow."
            ),
        )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("articles:index")
    # HttpResponseRedirect, not redirect(): redirect() would take a bare word as a URL name.
    return HttpResponseRedirect(next_url)
