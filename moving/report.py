"""What an import did, counted as it goes, then told: created, already there, skipped and
why, comments by status, and notes (which post was matched to an article already here, which
comment lost its parent, which thread matched no article)."""

from collections import Counter

from django.utils.translation import gettext as _

NOTES_KEPT = 50


class Report:
    def __init__(self, source, file_name, dry_run=False):
        self.source, self.file_name, self.dry_run = source, file_name, dry_run
        self.created = Counter()
        self.existed = Counter()
        self.skipped = Counter()
        self.statuses = Counter()  # comments created, by status
        self.kinds = Counter()  # comments created, by kind
        self.notes = []
        self.more_notes = 0
        self.article_ids = set()  # articles whose pages change

    def note(self, text):
        if len(self.notes) < NOTES_KEPT:
            self.notes.append(text)
        else:
            self.more_notes += 1

    def as_dict(self):
        return {
            "source": self.source,
            "file": self.file_name,
            "dry_run": self.dry_run,
            "created": dict(self.created),
            "existed": dict(self.existed),
            "skipped": dict(self.skipped),
            "statuses": dict(self.statuses),
            "kinds": dict(self.kinds),
            "notes": self.notes,
            "more_notes": self.more_notes,
        }


def lines(report):
    """The report (``Report.as_dict()``) as lines of text."""

    def counts(counter):
        return ", ".join(f"{key}: {value}" for key, value in sorted(counter.items())) or "-"

    out = []
    if report["dry_run"]:
        out.append(_("Dry run: nothing was written."))
    out += [
        _("Created: %(counts)s") % {"counts": counts(report["created"])},
        _("Already there: %(counts)s") % {"counts": counts(report["existed"])},
        _("Skipped: %(counts)s") % {"counts": counts(report["skipped"])},
        _("Comments by status: %(counts)s") % {"counts": counts(report["statuses"])},
    ]
    if report["kinds"]:
        out.append(_("Comments by kind: %(counts)s") % {"counts": counts(report["kinds"])})
    out += [f"- {note}" for note in report["notes"]]
    if report["more_notes"]:
        out.append(_("… and %(count)d more notes.") % {"count": report["more_notes"]})
    return out
