"""allauth's Facebook provider, asking the Graph API for the profile picture too, so that the
comment form can show it (allauth's own Facebook account gives no avatar).

Switched in by ``SOCIALACCOUNT_PROVIDERS["facebook"]["provider_class"]``; its URLs and views
stay allauth's.
"""

from allauth.socialaccount.providers.facebook import provider

PICTURE_FIELD = "picture.width(96).height(96)"


class FacebookAccount(provider.FacebookAccount):
    def get_avatar_url(self):
        picture = (self.account.extra_data.get("picture") or {}).get("data") or {}
        if picture.get("is_silhouette"):
            return None  # Facebook's grey placeholder: show no picture
        return picture.get("url")


class FacebookProvider(provider.FacebookProvider):
    package = "allauth.socialaccount.providers.facebook"
    account_class = FacebookAccount

    def get_fields(self):
        fields = super().get_fields()
        if any(field.split(".")[0] == "picture" for field in fields):
            return fields
        return [*fields, PICTURE_FIELD]
