from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base.constants import AuthError
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _

from mail.delivery import queue_message
from mail.models import OutgoingMail


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context_):
        """allauth's mails (confirm your address, reset your password ...) go into the site's
        mail queue like every other: rendered here, sent by the worker, retried if the mail
        server is down. (The same context as allauth's own send_mail.)"""
        request = context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context_)
        queue_message(OutgoingMail.Kind.ACCOUNT, self.render_mail(template_prefix, email, ctx))


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
            messages.info(
                request, _("You did not log in with %(provider)s.") % {"provider": provider.name}
            )
            raise ImmediateHttpResponse(HttpResponseRedirect(state["next"]))
