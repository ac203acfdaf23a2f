"""What the Jinja2 templates (natoblog/jinja.py) get from this app:
``commenting_identity(request)``, the name, provider and avatar of the logged-in commenter
(the comment form's "You are commenting using your account"), and ``login_providers()``, the
switched-on social log-in providers (accounts/jinja2/accounts/includes/provider_buttons.html)."""

from pagecache.data import kept

from .identity import identity
from .social import login_providers


def providers(group=None, request=None):
    """``login_providers()``; on an article's page (``group``: its slug) kept with the page's
    data (pagecache.data): switching a provider on or off changes every article's pages
    (accounts.signals)."""
    if group is None:
        return login_providers()
    return kept(group, ("login-providers",), login_providers, request)


GLOBALS = {"commenting_identity": identity, "login_providers": providers}
