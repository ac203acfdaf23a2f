from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import ListView

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
        return super().get_context_data(
            display_name=display_name(user),
            email_addresses=list(user.emailaddress_set.order_by("-primary", "email")),
            social_accounts=[describe(account) for account in user.socialaccount_set.all()],
            **kwargs,
        )
