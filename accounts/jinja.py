"""What the Jinja2 templates (natoblog/jinja.py) get from this app:
``commenting_identity(request)``, the name, provider and avatar of the logged-in commenter
(the comment form's "You are commenting using your account")."""

from .identity import identity

GLOBALS = {"commenting_identity": identity}
