"""The filter's model in the database: learn a decision, take one back, score a comment.

Two models read a comment's tokens: the naive Bayes' counts (``Token``, ``Totals``:
spamfilter/classifier.py), which explain, and the linear SVM's weights (``Weight``:
spamfilter/linear.py), which decide; ``Token`` counts every token, the SVM's too (its
document frequencies). ``learn(tokens, label)`` counts the decision and takes one step on the
weights; ``unlearn(tokens, label, step)`` takes both back (the counts, and the step that was
taken, subtracted). All changes are atomic ``F()`` updates (two app servers learning at once
both count). ``refit()`` re-learns the weights from every decision (train_spam_filter).
``score_tokens(tokens)`` reads a comment's counts, weights and the totals in one query."""

import json
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


# Scoring passes a comment's tokens as one parameter, a JSON array, on SQLite and PostgreSQL
# (elsewhere, one parameter a token). Binding hundreds of parameters is slow: one JSON
# parameter instead took about a third off SQLite's scoring time (the same single query
# either way; make bench-spam's four folds timed with a scratch script), and on PostgreSQL
# the query took about a third less than with `= ANY(array)` (a scratch script on one fold);
# and one parameter has no limit (SQLite's older builds allow 999: a long comment took
# several queries).
TOKEN_LIST = {
    "sqlite": "IN (SELECT value FROM json_each(%s))",
    "postgresql": "IN (SELECT json_array_elements_text(%s::json))",
}


def token_list(tokens):
    """The SQL condition on ``token`` that matches these tokens, and its parameters."""
    if connection.vendor in TOKEN_LIST:
        return TOKEN_LIST[connection.vendor], [json.dumps(tokens)]
    return f"IN ({', '.join(['%s'] * len(tokens)) or 'NULL'})", tokens


def model_of(tokens):
    """What scoring reads, in one query whatever the comment's length: each token's counts
    (as ``counts_of``), the weights of these tokens and of the bias, and the totals, as
    (counts, weights, (nspam, nham)). One statement, so one snapshot: the totals and the
    weights are never read on either side of a decision."""
    condition, params = token_list(list(tokens))
    table, weight_table = Token._meta.db_table, Weight._meta.db_table
    totals_table, totals_pk = Totals._meta.db_table, Totals._meta.pk.column
    counts, weights, found_totals = {}, {}, (0, 0)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.token, t.spam, t.ham, w.weight FROM {table} t "
            f"LEFT JOIN {weight_table} w ON w.token = t.token WHERE t.token {condition} "
            # one more row, its token NULL: the totals and the bias's weight
            f"UNION ALL SELECT NULL, "
            f"(SELECT spam FROM {totals_table} WHERE {totals_pk} = 1), "
            f"(SELECT ham FROM {totals_table} WHERE {totals_pk} = 1), "
            f"(SELECT weight FROM {weight_table} WHERE token = %s)",
            [*params, linear.BIAS],
        )
        for token, spam, ham, weight in cursor.fetchall():
            if token is None:
                found_totals = (spam or 0, ham or 0)
                token = linear.BIAS
            else:
                counts[token] = (spam, ham)
            if weight is not None:
                weights[token] = weight
    return counts, weights, found_totals


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
    counts, weights, (nspam, nham) = model_of(tokens)
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
