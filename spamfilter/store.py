"""The filter's model in the database: learn a decision, take one back, score a comment.

Two models read a comment's tokens: the naive Bayes' counts (``Token``, ``Totals``:
spamfilter/classifier.py), which explain, and the linear SVM's weights (``Weight``:
spamfilter/linear.py), which decide; ``Token`` counts every token, the SVM's too (its
document frequencies). ``learn(tokens, label)`` counts the decision and takes one step on the
weights; ``unlearn(tokens, label, step)`` takes both back (the counts, and the step that was
taken, subtracted). All changes are atomic ``F()`` updates (two app servers learning at once
both count). ``refit()`` re-learns the weights from every decision (train_spam_filter).
``score_tokens(tokens)`` reads a comment's counts and weights in one query each, plus the
totals."""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from . import classifier, linear
from .conf import settings
from .models import Token, Totals, Weight

SPAM, HAM = "spam", "ham"
MAX_TOKEN = Token._meta.get_field("token").max_length
CHUNK = 500  # tokens per query (SQLite's older builds allow 999 parameters)


@dataclass(frozen=True)
class Score:
    """The filter's probability, with what each model made of the comment."""

    probability: float
    bayes: float = 0.5
    linear: float = 0.5
    # the naive Bayes' strongest tokens, as (token, f(w)): towards spam, then towards ham
    spammy: tuple = ()
    hammy: tuple = ()
    # the linear SVM's heaviest weights, as (token, weight), both ways
    heavy_spam: tuple = ()
    heavy_ham: tuple = ()


def comment_tokens(comment):
    """The tokens of a comment (spamfilter/linear.py), each cut to what the tables hold."""
    found = linear.tokens(
        comment.body, comment.author_name, comment.author_email, comment.author_url
    )
    return sorted({token[:MAX_TOKEN] for token in found})


def chunks(tokens):
    tokens = list(tokens)
    for start in range(0, len(tokens), CHUNK):
        yield tokens[start : start + CHUNK]


def weights_of(tokens):
    """The weights of these tokens and of the bias (missing ones weigh nothing)."""
    found = {}
    for part in chunks([*tokens, linear.BIAS]):
        found.update(Weight.objects.filter(token__in=part).values_list("token", "weight"))
    return found


def add_to_weights(tokens, amount):
    """Add ``amount`` to the weight of each token and of the bias, atomically."""
    if not amount:
        return
    for part in chunks([*tokens, linear.BIAS]):
        Weight.objects.bulk_create([Weight(token=t) for t in part], ignore_conflicts=True)
        Weight.objects.filter(token__in=part).update(weight=F("weight") + amount)


def counts_of(tokens):
    """Each token's (spam, legitimate) decisions, for those counted."""
    found = {}
    for part in chunks(tokens):
        found.update(
            (token, (spam, ham))
            for token, spam, ham in Token.objects.filter(token__in=part).values_list(
                "token", "spam", "ham"
            )
        )
    return found


def model_of(tokens):
    """Each token's counts (as ``counts_of``) and the weights of these tokens and of the bias,
    read together: one query per chunk joining the two tables, plus the bias (scoring reads
    some 450 tokens a comment, and this halves the rows it reads)."""
    counts, weights = {}, {}
    table, weight_table = Token._meta.db_table, Weight._meta.db_table
    with connection.cursor() as cursor:
        for part in chunks(tokens):
            cursor.execute(
                f"SELECT t.token, t.spam, t.ham, w.weight FROM {table} t "
                f"LEFT JOIN {weight_table} w ON w.token = t.token "
                f"WHERE t.token IN ({', '.join(['%s'] * len(part))})",
                part,
            )
            for token, spam, ham, weight in cursor.fetchall():
                counts[token] = (spam, ham)
                if weight is not None:
                    weights[token] = weight
    bias = Weight.objects.filter(token=linear.BIAS).values_list("weight", flat=True).first()
    if bias is not None:
        weights[linear.BIAS] = bias
    return counts, weights


def frequencies(counts):
    """The document frequencies (decisions that held each token) from ``counts_of``."""
    return {token: spam + ham for token, (spam, ham) in counts.items()}


@transaction.atomic
def learn(tokens, label, *, delta=1, step=None):
    """Count one decision (``label`` "spam" or "ham") for these tokens and take one step on
    their weights (``step``: that amount instead; 0: none). ``delta=-1`` takes one back: the
    counts (never below zero) and ``step`` subtracted. Returns the step taken."""
    field = {SPAM: "spam", HAM: "ham"}[label]
    counted = list(tokens)
    if delta > 0:
        if step is None:
            nspam, nham = totals()
            df = frequencies(counts_of(linear.model_tokens(tokens)))
            step = linear.step(weights_of(tokens), tokens, df, nspam + nham, label == SPAM)
        # the rows first (a row another server inserts meanwhile is left as it is), then one
        # atomic increment for all
        for part in chunks(counted):
            Token.objects.bulk_create([Token(token=t) for t in part], ignore_conflicts=True)
        change = F(field) + delta
        add_to_weights(tokens, step)
    else:
        change = Greatest(F(field) + delta, 0)
        add_to_weights(tokens, -(step or 0.0))
    for part in chunks(counted):
        Token.objects.filter(token__in=part).update(**{field: change})
    Totals.objects.get_or_create(pk=1)
    Totals.objects.filter(pk=1).update(**{field: change})
    return step or 0.0


def unlearn(tokens, label, step=0.0):
    learn(tokens, label, delta=-1, step=step)


def totals():
    row = Totals.objects.filter(pk=1).values_list("spam", "ham").first()
    return row or (0, 0)


def is_ready(nspam, nham):
    """Whether the filter has learnt enough decisions of each kind to decide."""
    least = settings.SPAMFILTER_MIN_DECISIONS
    return nspam >= least and nham >= least


def score_tokens(tokens, explain=5):
    """The filter's Score for these tokens, and the totals it was computed from."""
    nspam, nham = totals()
    counts, weights = model_of(tokens)
    bayes_counts = {t: counts[t] for t in linear.bayes_tokens(tokens) if t in counts}
    bayes = classifier.score(bayes_counts, nspam, nham, explain=explain)
    p = linear.probability(weights, tokens, frequencies(counts), nspam + nham)
    heavy_spam, heavy_ham = linear.pushing(weights, tokens, explain) if explain else ((), ())
    result = Score(
        p,
        bayes.probability,
        p,
        bayes.spammy,
        bayes.hammy,
        heavy_spam,
        heavy_ham,
    )
    return result, nspam, nham


@transaction.atomic
def refit():
    """Learn the weights again, from zero, from every decision learnt (the labelled rows and
    the moderators' decisions) (spamfilter/linear.py, ``fit``). The steps
    the verdicts recorded are cleared: the fit carries their decisions now."""
    from .models import Seed, Verdict

    # in one order whatever the database's (the fit shuffles with a fixed seed: the same
    # decisions give the same weights on SQLite and PostgreSQL)
    examples = [
        (tokens, learnt_as == SPAM)
        for model in (Seed, Verdict)
        for _, tokens, learnt_as in sorted(
            model.objects.exclude(learnt_as="").values_list("pk", "tokens", "learnt_as")
        )
        if tokens
    ]
    weights = linear.fit(examples)
    Weight.objects.all().delete()
    Weight.objects.bulk_create(
        [Weight(token=t, weight=w) for t, w in weights.items() if w], batch_size=500
    )
    Verdict.objects.exclude(step=0).update(step=0)
    if connection.vendor == "postgresql":
        # the planner's statistics for the new rows: without them PostgreSQL scanned the
        # whole table for each comment's weights (3.6 ms instead of 0.7 ms, measured)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Weight._meta.db_table}")
    return len(examples)


@transaction.atomic
def reset():
    """Forget everything learnt."""
    from .models import Seed, Verdict

    Token.objects.all().delete()
    Weight.objects.all().delete()
    Seed.objects.all().delete()
    Verdict.objects.exclude(learnt_as="").update(learnt_as="", tokens=[], step=0)
    Totals.objects.update_or_create(pk=1, defaults={"spam": 0, "ham": 0})
