from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

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
            "Failed log-in attempts",
            export_login_attempts,
            erase_login_attempts,
            order=20,
        )
        # last: the other erasers find data through the account
        privacy.register("account", "Account", export_account, erase_account, order=100)
