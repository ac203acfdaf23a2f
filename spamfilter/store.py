"""The filter's model in the database: learn a decision, take one back, score a comment.

``learn(tokens, label)`` / ``unlearn(tokens, label)`` change the counts with atomic
``F()`` updates (two app servers learning at once both count); ``score_tokens(tokens)``
reads the counts of a comment's tokens in one query, plus the totals."""

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest

from . import classifier, features
from .conf import settings
from .models import Token, Totals

SPAM, HAM = "spam", "ham"
MAX_TOKEN = Token._meta.get_field("token").max_length


def comment_tokens(comment):
    """The tokens of a comment (spamfilter/features.py), each cut to what the table holds."""
    found = features.tokens(
        comment.body, comment.author_name, comment.author_email, comment.author_url
    )
    return sorted({token[:MAX_TOKEN] for token in found})


@transaction.atomic
def learn(tokens, label, *, delta=1):
    """Count one decision (``label`` "spam" or "ham") for these tokens; ``delta=-1`` takes
    one back (never below zero)."""
    field = {SPAM: "spam", HAM: "ham"}[label]
    if delta > 0:
        # the rows first (a row another server inserts meanwhile is left as it is), then one
        # atomic increment for all
        Token.objects.bulk_create([Token(token=t) for t in tokens], ignore_conflicts=True)
        change = F(field) + delta
    else:
        change = Greatest(F(field) + delta, 0)
    Token.objects.filter(token__in=tokens).update(**{field: change})
    Totals.objects.get_or_create(pk=1)
    Totals.objects.filter(pk=1).update(**{field: change})


def unlearn(tokens, label):
    learn(tokens, label, delta=-1)


def totals():
    row = Totals.objects.filter(pk=1).values_list("spam", "ham").first()
    return row or (0, 0)


def is_ready(nspam, nham):
    """Whether the filter has learnt enough decisions of each kind to decide."""
    least = settings.SPAMFILTER_MIN_DECISIONS
    return nspam >= least and nham >= least


def score_tokens(tokens, explain=5):
    """The classifier's Score for these tokens, and the totals it was computed from."""
    nspam, nham = totals()
    counts = {
        token: (spam, ham)
        for token, spam, ham in Token.objects.filter(token__in=tokens).values_list(
            "token", "spam", "ham"
        )
    }
    return classifier.score(counts, nspam, nham, explain=explain), nspam, nham


@transaction.atomic
def reset():
    """Forget everything learnt."""
    from .models import Seed, Verdict

    Token.objects.all().delete()
    Seed.objects.all().delete()
    Verdict.objects.exclude(learnt_as="").update(learnt_as="", tokens=[])
    Totals.objects.update_or_create(pk=1, defaults={"spam": 0, "ham": 0})
