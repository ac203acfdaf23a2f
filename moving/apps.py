from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MovingConfig(AppConfig):
    """Moving a site in and out: WordPress and Disqus imports, the WordPress export, the old
    addresses that keep working, the admin's import page."""

    name = "moving"
    verbose_name = _("Moving in and out")
    default_auto_field = "django.db.models.BigAutoField"
