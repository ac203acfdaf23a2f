from functools import partial

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.manage_email import assess_unique_email
from allauth.account.internal.flows.signup import prevent_enumeration
from allauth.account.utils import user_email
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base.constants import AuthError
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _

from mail.delivery import queue_message
from mail.models import OutgoingMail


def saved_unless_address_taken(request, user, save):
    """Run save() (which inserts the new account) in a savepoint. If the database refuses it
    because another sign-up took the address a moment ago (two at once both passed allauth's
    check; accounts/migrations/0001 makes the second insert fail), answer as allauth answers a
    sign-up with a taken address: "verification sent", and a mail to the address saying it
    already has an account (ACCOUNT_PREVENT_ENUMERATION with mandatory verification)."""
    try:
        with transaction.atomic():
            return save()
    except IntegrityError:
        email = user_email(user)
        if email and assess_unique_email(email) is None:
            raise ImmediateHttpResponse(prevent_enumeration(request, email=email)) from None
        raise  # not the address (or allauth would show an error): a real error


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """A sign-up that loses the race for its address: see saved_unless_address_taken."""
        save = partial(super().save_user, request, user, form, commit)
        return saved_unless_address_taken(request, user, save)

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
    def save_user(self, request, sociallogin, form=None):
        """The same for a sign-up through a provider (its address is the account's)."""
        save = partial(super().save_user, request, sociallogin, form)
        return saved_unless_address_taken(request, sociallogin.user, save)

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
