from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from privacy import erase_personal_data, export_personal_data


class Command(BaseCommand):
    help = (
        "Erase the personal data held for one e-mail address: comments keep their place in "
        "their threads with the name, e-mail, website, IP address and browser anonymised and "
        "notifications and subscriptions ended; a reader's account is deleted. Asks for --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Really erase.")

    def handle(self, *args, email, yes=False, **options):
        try:
            validate_email(email.strip())
        except ValidationError as error:
            raise CommandError(f"Not an e-mail address: {email!r}") from error
        if not yes:
            groups = export_personal_data(email)["groups"].values()
            for group in groups:
                self.stdout.write(f"{group['label']}: {len(group['items'])}")
            raise CommandError("Nothing was erased: run again with --yes to erase.")
        for name, result in erase_personal_data(email).items():
            line = f"{name}: {result.erased} erased"
            if result.retained:
                line += f", {result.retained} kept"
            self.stdout.write(line)
            for message in result.messages:
                self.stdout.write(f"  {message}")
