from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        import privacy

        from . import signals  # noqa: F401 (connects the receivers)
        from .privacy import (
            erase_account,
            erase_login_attempts,
            export_account,
            export_login_attempts,
        )

        privacy.register(
            "login_attempts",
            _("Failed log-in attempts"),
            export_login_attempts,
            erase_login_attempts,
            order=20,
        )
        # last: the other erasers find data through the account
        privacy.register("account", _("Account"), export_account, erase_account, order=100)
