"""What the Jinja2 templates (natoblog/jinja.py) get from this app:
``commenting_identity(request)``, the name, provider and avatar of the logged-in commenter
(the comment form's "You are commenting using your account"), and ``login_providers()``, the
switched-on social log-in providers (accounts/jinja2/accounts/includes/provider_buttons.html)."""

from .identity import identity
from .social import login_providers

GLOBALS = {"commenting_identity": identity, "login_providers": login_providers}
