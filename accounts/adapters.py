from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base.constants import AuthError
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect


class ProviderNotConfigured(SocialApp.DoesNotExist, Http404):
    """A provider without a client id and secret: allauth's "no such app", answered as a 404
    (not a server error) when someone opens its log-in URL anyway."""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist as error:
            raise ProviderNotConfigured(f"Log-in with {provider} is not configured.") from error

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        """Cancelled at the provider: back where the visitor clicked the icon (the article's
        comment form), not on a page of its own."""
        super().on_authentication_error(
            request, provider, error=error, exception=exception, extra_context=extra_context
        )
        state = (extra_context or {}).get("state") or {}
        if error == AuthError.CANCELLED and state.get("next"):
            messages.info(request, f"You did not log in with {provider.name}.")
            raise ImmediateHttpResponse(HttpResponseRedirect(state["next"]))
