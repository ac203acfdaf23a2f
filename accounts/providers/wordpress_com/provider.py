"""Log in with a WordPress.com account, on allauth's OAuth 2 provider base classes.

WordPress.com's OAuth 2 server (https://developer.wordpress.com/docs/oauth2/) grants, with the
``auth`` scope, access to the ``/me`` endpoint only: the account's id, name, e-mail (and
whether WordPress.com has verified it) and Gravatar.
"""

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider

from .views import WordPressComOAuth2Adapter


class WordPressComAccount(ProviderAccount):
    def get_profile_url(self):
        return self.account.extra_data.get("profile_URL")

    def get_avatar_url(self):
        return self.account.extra_data.get("avatar_URL")

    def to_str(self):
        data = self.account.extra_data
        return data.get("display_name") or data.get("username") or super().to_str()


class WordPressComProvider(OAuth2Provider):
    id = "wordpress_com"
    name = "WordPress.com"
    account_class = WordPressComAccount
    oauth2_adapter_class = WordPressComOAuth2Adapter

    def get_default_scope(self):
        return ["auth"]

    def extract_uid(self, data):
        return str(data["ID"])

    def extract_common_fields(self, data):
        return {
            "email": data.get("email"),
            "email_verified": bool(data.get("email_verified")),
            "username": data.get("username"),
            "name": data.get("display_name"),
        }

    def extract_email_addresses(self, data):
        email = data.get("email")
        if not email:
            return []
        verified = bool(data.get("email_verified"))
        return [EmailAddress(email=email, verified=verified, primary=True)]


provider_classes = [WordPressComProvider]
