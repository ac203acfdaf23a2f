"""Settings from the environment (``env``, ``env_bool``, ``env_int``, ``env_list``: what
natoblog/settings.py reads), and the settings of one app, with their defaults kept in the app
(``<app>/conf.py``).

An app lists its settings and their defaults once; ``natoblog/settings.py`` sets a setting only
when the environment names it (``from_environment``); anything else falls back to the
default. Reading goes through Django's settings each time, so tests that override a setting
see the new value.
"""

import os

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured


class AppSettings:
    def __init__(self, defaults):
        self._defaults = defaults

    def __getattr__(self, name):
        try:
            default = self._defaults[name]
        except KeyError:
            raise AttributeError(f"No setting {name!r} in this app") from None
        return getattr(django_settings, name, default)

    def __dir__(self):
        return list(self._defaults)


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default):
    value = os.environ.get(name, "")
    return parse(value, True) if value != "" else default


def env_int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value != "" else default


def env_list(name, default=""):
    return parse(env(name, default), [])


def parse(value, default):
    """An environment variable's text as the type of the setting's default."""
    if isinstance(default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    if isinstance(default, list | tuple):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def from_environment(defaults, environ=os.environ):
    """{name: value} for the settings in ``defaults`` that the environment sets (not empty)."""
    return {
        name: parse(environ[name], default)
        for name, default in defaults.items()
        if environ.get(name, "") != ""
    }


DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"


def secret_key_and_hosts(debug):
    """DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS. In development, defaults (a key that says it
    is one, loopback); with ``debug`` off, a random key of 50 characters or more and the
    site's own hosts, or ImproperlyConfigured: production never starts on a guessable key."""
    secret_key, allowed_hosts = env("DJANGO_SECRET_KEY"), env_list("DJANGO_ALLOWED_HOSTS")
    if debug:
        return secret_key or DEV_SECRET_KEY, allowed_hosts or ["127.0.0.1", "localhost", "[::1]"]
    if not secret_key or secret_key == DEV_SECRET_KEY or len(secret_key) < 50:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random string of at least 50 characters "
            "when DJANGO_DEBUG is off."
        )
    if not allowed_hosts:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
    if "*" in allowed_hosts:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the site's hosts, not '*'.")
    return secret_key, allowed_hosts
