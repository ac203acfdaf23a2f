"""Which social log-in providers are switched on, for the icons under "Leave a Reply".

A provider is on when it has a client id and secret: in the settings (from the environment)
or as a Social application in the admin. The admin's apps are read once and cached, so the
article page costs no extra query; saving or deleting one forgets the cache.
"""

from dataclasses import dataclass

from allauth.socialaccount import app_settings
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers import registry
from django.core.cache import cache
from django.templatetags.static import static
from django.urls import reverse

# The seed's order: the blog platform's own accounts, then Twitter, then Facebook.
ORDER = ["wordpress_com", "twitter_oauth2", "facebook"]
ADMIN_APPS_CACHE_KEY = "accounts:admin-social-apps"
ADMIN_APPS_CACHE_SECONDS = 300


@dataclass(frozen=True)
class LoginProvider:
    id: str
    name: str
    login_url: str
    icon_url: str


def _visible(app_settings_dict):
    return not (app_settings_dict or {}).get("hidden")


def providers_in_settings():
    """Providers with an app in SOCIALACCOUNT_PROVIDERS (environment variables)."""
    found = set()
    for provider, config in app_settings.PROVIDERS.items():
        apps = config.get("APPS") or ([config["APP"]] if config.get("APP") else [])
        if any(app.get("client_id") and _visible(app.get("settings")) for app in apps):
            found.add(provider)
    return found


def providers_in_admin():
    """Providers with a Social application in the admin (cached)."""
    found = cache.get(ADMIN_APPS_CACHE_KEY)
    if found is None:
        found = sorted(
            {
                app.provider
                for app in SocialApp.objects.only("provider", "client_id", "settings")
                if app.client_id and _visible(app.settings)
            }
        )
        cache.set(ADMIN_APPS_CACHE_KEY, found, ADMIN_APPS_CACHE_SECONDS)
    return set(found)


def forget_admin_apps():
    cache.delete(ADMIN_APPS_CACHE_KEY)


def login_providers():
    """The switched-on providers, in the seed's order, each with its log-in URL and icon."""
    registry.load()
    configured = providers_in_settings() | providers_in_admin()
    found = []
    ordered = [p for p in ORDER if p in configured] + sorted(configured - set(ORDER))
    for provider_id in ordered:
        provider_class = registry.get_class(provider_id)
        if provider_class is None:
            continue  # an app for a provider that is not installed
        found.append(
            LoginProvider(
                id=provider_id,
                name=provider_class.name,
                login_url=reverse(f"{provider_id}_login"),
                icon_url=static(f"img/providers/{provider_id}.svg"),
            )
        )
    return found
