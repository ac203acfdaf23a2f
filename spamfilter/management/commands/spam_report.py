import json

from django.core.management.base import BaseCommand, CommandError

from spamfilter.labelled import LabelledFileError, read
from spamfilter.report import report


class Command(BaseCommand):
    help = (
        "Score every row of a labelled CSV file as a new comment would be scored (nothing is "
        "stored or learnt) and print precision, recall, F1 and the false-positive rate at the "
        "Discussion settings' thresholds."
    )

    def add_arguments(self, parser):
        parser.add_argument("--csv", metavar="FILE", required=True, help="The labelled file.")
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")

    def handle(self, *args, csv, json=False, **options):
        try:
            rows = read(csv)
        except LabelledFileError as error:
            raise CommandError(str(error)) from error
        figures = report(rows)
        if json:
            self.stdout.write(_json(figures))
            return
        self.stdout.write(
            f"{figures['rows']} comments ({figures['spam']} spam), scored as new comments; "
            f"the filter knows {figures['learnt']['spam']} spam and "
            f"{figures['learnt']['ham']} legitimate decisions"
            + ("." if figures["deciding"] else " and decides nothing yet.")
        )
        for title, part, threshold in [
            ("Held or sent to spam", figures, figures["hold_threshold"]),
            ("Sent to spam", figures["sent_to_spam"], figures["spam_threshold"]),
        ]:
            self.stdout.write(
                f"{title} (probability ≥ {threshold:.2f}): precision {part['precision']:.3f}, "
                f"recall {part['recall']:.3f}, F1 {part['f1']:.3f}, false-positive rate "
                f"{part['false_positive_rate']:.3f} ({part['legitimate_caught']} of "
                f"{part['legitimate']} legitimate comments)"
            )
        self.stdout.write(f"Scoring: {figures['ms_per_comment']:.2f} ms per comment.")


def _json(figures):
    return json.dumps(figures, indent=2, sort_keys=True)
