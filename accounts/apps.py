from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from comments import privacy as personal_data

        from . import privacy, signals  # noqa: F401 (connects the receivers)

        personal_data.register("account", "Account", privacy.export_account, privacy.erase_account)
