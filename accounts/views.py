from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.generic import ListView

from natoblog.addresses import email_hash
from subscriptions.optin import manage_path

from .deletion import delete_account, subscriptions_of
from .forms import DeleteAccountForm
from .identity import describe, display_name


class ProfileView(LoginRequiredMixin, ListView):
    """The commenter's own page: their comments, whatever their status, newest first."""

    template_name = "accounts/profile.html"
    context_object_name = "comments"
    paginate_by = 20

    def get_queryset(self):
        return self.request.user.comments.select_related("article").order_by("-created_at")

    def get_context_data(self, **kwargs):
        user = self.request.user
        addresses = list(user.emailaddress_set.order_by("-primary", "email"))
        return super().get_context_data(
            display_name=display_name(user),
            email_addresses=addresses,
            subscriptions=subscriptions_of(user),
            manage_links=[
                (address.email, manage_path(email_hash(address.email)))
                for address in addresses
                if address.verified
            ],
            social_accounts=[describe(account) for account in user.socialaccount_set.all()],
            **kwargs,
        )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request):
    """Confirm, then delete the account; the commenter chooses what becomes of their
    comments. Nothing is deleted on GET."""
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        keep = form.cleaned_data["comments"] == "anonymise"
        logout(request)
        delete_account(user, keep_comments=keep)
        messages.success(
            request,
            _("Your account was deleted. Your comments stay, anonymised.")
            if keep
            else _("Your account was deleted. Your comments were removed."),
        )
        return redirect("articles:index")
    return render(request, "accounts/delete.html", {"form": form})
