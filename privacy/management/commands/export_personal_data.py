import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email

from privacy import export_personal_data


class Command(BaseCommand):
    help = (
        "Export as JSON everything the site holds for one e-mail address: comments, failed "
        "log-in records, the user account, and whatever other apps register."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--output", "-o", help="Write to this file instead of stdout.")

    def handle(self, *args, email, output=None, **options):
        try:
            validate_email(email.strip())
        except ValidationError as error:
            raise CommandError(f"Not an e-mail address: {email!r}") from error
        data = export_personal_data(email)
        text = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            counts = ", ".join(
                f"{len(group['items'])} {group['label'].lower()}"
                for group in data["groups"].values()
            )
            self.stderr.write(f"Wrote {output}: {counts}.")
        else:
            self.stdout.write(text)
