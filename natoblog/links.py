"""Django's ``reverse`` and ``static``, each answer worked out once per process.

A page asks for the same twenty-odd addresses every time it is rendered (the article's, its
author's, the feeds', the forms' actions, the style sheets'), and Django works each out again:
``reverse`` walks the URL resolver, ``static`` asks the storage for the file's hashed name.
Their answers depend only on what the key holds (the name and arguments; the URLconf and
script prefix in force; the path), and on settings, so they are kept, per process, until one
of those settings changes (tests override them). The functions take the arguments Django's do.
"""

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.templatetags.static import static as django_static
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse

# settings an answer depends on: a change forgets every answer
DEPENDS_ON = {"ROOT_URLCONF", "STATIC_URL", "STORAGES", "STATICFILES_DIRS", "FORCE_SCRIPT_NAME"}


def reverse(viewname, args=None, kwargs=None):
    """``django.urls.reverse(viewname, args=…, kwargs=…)``, once per process for each address,
    for the URLconf and script prefix in force."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    try:
        key = (tuple(args or ()), tuple(sorted((kwargs or {}).items())))
        return _reversed(viewname, *key, urlconf, get_script_prefix())
    except TypeError:  # an argument that cannot be a key
        return django_reverse(viewname, args=args, kwargs=kwargs)


@lru_cache(maxsize=1024)
def _reversed(viewname, args, kwargs, urlconf, prefix):
    kwargs = dict(kwargs) or None
    return django_reverse(viewname, args=args or None, kwargs=kwargs, urlconf=urlconf)


@lru_cache(maxsize=256)
def static(path):
    """``django.templatetags.static.static(path)``, once per process for each path."""
    return django_static(path)


def _forget(setting, **kwargs):
    if setting in DEPENDS_ON:
        _reversed.cache_clear()
        static.cache_clear()


setting_changed.connect(_forget)
