from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from comments.models import Comment
from spamfilter import store
from spamfilter.labelled import LabelledFileError, read
from spamfilter.learning import learn_from
from spamfilter.models import Seed
from spamfilter.progress import progress


class Command(BaseCommand):
    help = (
        "Teach the spam filter the site's whole history (spam comments as spam, approved ones "
        "as legitimate), or seed it from a labelled CSV file (columns COMMENT_ID, AUTHOR, "
        "CONTENT, label: 1 spam, 0 legitimate). Each comment or row is learnt once, however "
        "often this runs; all or nothing. Then the linear SVM's weights are fitted again from "
        "every decision learnt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from-csv", metavar="FILE", help="Learn the rows of this file.")
        parser.add_argument("--reset", action="store_true", help="Forget everything learnt first.")
        parser.add_argument(
            "--limit", type=int, help="Learn at most this many rows of the file (benchmark)."
        )

    def handle(self, *args, from_csv=None, reset=False, limit=None, **options):
        rows = None
        if from_csv:
            try:
                rows = read(from_csv)[:limit]
            except LabelledFileError as error:
                raise CommandError(str(error)) from error
        with transaction.atomic():
            if reset:
                store.reset()
            if rows is None:
                learnt, skipped = self.learn_history()
            else:
                learnt, skipped = self.learn_rows(rows)
            fitted = store.refit()
        nspam, nham = store.totals()
        self.stdout.write(
            f"Learnt {learnt['spam']} spam and {learnt['ham']} legitimate comment(s); "
            f"{skipped} already learnt, left as they were."
        )
        self.stdout.write(f"The filter now knows {nspam} spam and {nham} legitimate decisions.")
        self.stdout.write(f"Its weights were fitted again from {fitted} decisions.")
        if not store.is_ready(nspam, nham):
            self.stdout.write(
                self.style.WARNING(
                    "It decides nothing yet: it needs "
                    f"{store.settings.SPAMFILTER_MIN_DECISIONS} of each."
                )
            )

    def learn_history(self):
        decided = Comment.objects.filter(status__in=[Comment.Status.SPAM, Comment.Status.APPROVED])
        learnt, skipped = {"spam": 0, "ham": 0}, 0
        with progress(self.stdout, decided.count(), "Learning the site's comments") as advance:
            for comment in decided.iterator(chunk_size=500):
                label = store.SPAM if comment.status == Comment.Status.SPAM else store.HAM
                if learn_from(comment, label):
                    learnt[label] += 1
                else:
                    skipped += 1
                advance()
        return learnt, skipped

    def learn_rows(self, rows):
        known = set(Seed.objects.values_list("key", flat=True))
        learnt, skipped = {"spam": 0, "ham": 0}, 0
        with progress(self.stdout, len(rows), "Learning the file") as advance:
            for row in rows:
                if row.key in known:
                    skipped += 1
                else:
                    label = store.SPAM if row.spam else store.HAM
                    tokens = store.comment_tokens(row.comment)
                    # the counts now, the weights in the re-fit that follows (no step)
                    store.learn(tokens, label, step=0)
                    Seed.objects.create(key=row.key[:200], learnt_as=label, tokens=tokens)
                    known.add(row.key)
                    learnt[label] += 1
                advance()
        return learnt, skipped
