from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    """The outbox: every e-mail the site sends, queued in the database and delivered by the
    task worker with retries; and the signed single-use links those mails carry. It knows no
    other app of the site: they hand it rendered mails and link payloads."""

    name = "mail"
    verbose_name = _("Mail")
