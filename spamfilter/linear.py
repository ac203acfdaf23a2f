"""A linear support vector machine over TF-IDF features of a comment's text: what decides a
comment's spam probability (the naive Bayes beside it, spamfilter/classifier.py, explains).
Pure functions on numbers and strings: the weights are rows in the database
(spamfilter/models.py, ``Weight``), the document frequencies are the naive Bayes' counts
(``Token``: spam + legitimate decisions that held a token).

A comment's features, in two blocks (each one a vector of length 1, as scikit-learn's
``TfidfVectorizer`` with ``binary=True`` makes them, and their sum):
- its words (``w:...``: runs of two or more letters or digits, lower-cased) and each pair of
  neighbouring words, every one the model has seen;
- its character 2- to 5-grams (``c:...``, of the lower-cased text, links included, runs of
  blanks folded into one), those seen in two decisions or more.
A feature present has the value idf / norm, idf = ln((1 + n) / (1 + df)) + 1 (n decisions
learnt, df of them with the feature), norm the block's Euclidean length; plus a constant
``bias`` of 1. The margin is Σ weight * value; the probability is sigmoid(SCALE * margin).

The weights are stored multiplied by their feature's idf (``v = w * idf``), so that the margin
is ``bias + Σ_block Σ v / norm``: a moderator's decision then adds one amount to each of its
tokens' weights and the bias (one ``UPDATE … SET weight = weight + step``, taken back exactly
by subtracting it), a passive-aggressive step: the smallest that brings the comment's margin
to ±1 (no step when it is already there). ``fit`` (train_spam_filter) learns the weights from
zero on every decision: the L2-regularised squared-hinge SVM (scikit-learn's ``LinearSVC``,
C = 1, its intercept a regularised feature of 1), solved by dual coordinate descent (Hsieh et
al., ICML 2008), as liblinear does. How it was chosen: README, "Spam filter"."""

import html
import itertools
import math
import random
import re
from collections import Counter

from . import features

WORD, CHAR = "w:", "c:"
BLOCKS = (WORD, CHAR)
# the tokens the naive Bayes does not count (shape: was the logistic regression's, before)
LINEAR_ONLY = (WORD, CHAR, "shape:")
MIN_DF = {WORD: 1, CHAR: 2}  # a feature counts once seen in this many decisions
CHARS = (2, 3, 4, 5)
WORD_RE = re.compile(r"\b\w\w+\b")
BLANKS_RE = re.compile(r"\s\s+")
BIAS = "bias"
C = 1.0
EPOCHS = 100  # at most; the fit stops when no coordinate moves more than TOL
TOL = 1e-3
FIT_SEED = 16
# The probability is sigmoid(SCALE * margin): margin 0 is 0.5, the hold threshold 0.95 a
# margin of 0.22 (the median of the thresholds an inner leave-one-video-out chose on the
# training videos, README), the spam threshold 0.99 a margin of 0.34.
SCALE = 13.4
MAX_STEP = 2.0  # a moderator's decision moves each weight by at most this
EDGE = 1e-9


def text_tokens(body):
    """The words, pairs of words and character n-grams of a comment's text."""
    text = html.unescape(body or "").replace("\ufeff", "").lower()
    words = WORD_RE.findall(text)
    found = {WORD + word for word in words}
    found.update(f"{WORD}{a} {b}" for a, b in itertools.pairwise(words))
    folded = BLANKS_RE.sub(" ", text)
    found.update(
        CHAR + folded[i : i + size] for size in CHARS for i in range(len(folded) - size + 1)
    )
    return found


def tokens(body, name="", email="", website=""):
    """Every token of a comment: the naive Bayes' ones and this model's own."""
    return features.tokens(body, name, email, website) | text_tokens(body)


def bayes_tokens(tokens):
    """The tokens the naive Bayes counts (not this model's words and character n-grams)."""
    return [t for t in tokens if not t.startswith(LINEAR_ONLY)]


def model_tokens(tokens):
    """The tokens this model reads (and whose document frequencies it needs)."""
    return [t for t in tokens if t.startswith(BLOCKS)]


def idf(df, total):
    return math.log((1 + total) / (1 + df)) + 1.0


def blocks(tokens, df, total):
    """Each block's tokens that count (seen often enough) and the block's norm."""
    out = []
    for prefix in BLOCKS:
        least = MIN_DF[prefix]
        block = [t for t in tokens if t.startswith(prefix) and df.get(t, 0) >= least]
        if block:
            out.append((block, math.sqrt(sum(idf(df[t], total) ** 2 for t in block))))
    return out


def margin(weights, tokens, df, total):
    """The SVM's margin from ``weights`` (token → weight * idf), ``df`` (token → decisions
    that held it) and ``total`` (decisions learnt); missing tokens weigh 0."""
    found = weights.get(BIAS, 0.0)
    for block, norm in blocks(tokens, df, total):
        found += sum(weights.get(t, 0.0) for t in block) / norm
    return found


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def probability(weights, tokens, df, total):
    """sigmoid(SCALE * margin), never quite 0 or 1 (a threshold of 1 sends nothing)."""
    p = sigmoid(SCALE * margin(weights, tokens, df, total))
    return min(max(p, EDGE), 1.0 - EDGE)


def step(weights, tokens, df, total, spam):
    """What a moderator's decision adds to each of the comment's weights and the bias: the
    smallest amount that brings its margin to +1 (spam) or -1 (at most MAX_STEP); 0 when the
    margin is there already."""
    sign = 1.0 if spam else -1.0
    short = 1.0 - sign * margin(weights, tokens, df, total)
    if short <= 0:
        return 0.0
    per_unit = 1.0 + sum(len(block) / norm for block, norm in blocks(tokens, df, total))
    return sign * min(short / per_unit, MAX_STEP)


def frequencies(examples):
    """Each model token's document frequency in ``examples`` (a list of (tokens, spam))."""
    df = Counter()
    for found, _spam in examples:
        df.update(model_tokens(found))
    return df


def fit(examples, c=C, epochs=EPOCHS, tol=TOL, seed=FIT_SEED):
    """Weights (token → weight * idf) learnt from ``examples`` (a list of (tokens, spam)) from
    zero, with the document frequencies of the examples themselves; a fixed seed for the order
    of the coordinates: the same decisions give the same model."""
    df, total = frequencies(examples), len(examples)
    index, rows = {BIAS: 0}, []
    for found, spam in examples:
        columns, values = [0], [1.0]
        for block, norm in blocks(found, df, total):
            for token in block:
                columns.append(index.setdefault(token, len(index)))
                values.append(idf(df[token], total) / norm)
        rows.append((columns, values, 1.0 if spam else -1.0))
    w = [0.0] * len(index)
    alpha = [0.0] * len(rows)
    diagonal = 1.0 / (2.0 * c)
    curvature = [sum(v * v for v in values) + diagonal for _, values, _ in rows]
    order = list(range(len(rows)))
    shuffle = random.Random(seed).shuffle
    for _ in range(epochs):
        shuffle(order)
        moved = 0.0
        for i in order:
            columns, values, y = rows[i]
            gradient = (
                y * sum(w[j] * v for j, v in zip(columns, values, strict=True))
                - 1.0
                + diagonal * alpha[i]
            )
            projected = gradient if alpha[i] > 0 else min(gradient, 0.0)
            if not projected:
                continue
            moved = max(moved, abs(projected))
            new = max(alpha[i] - gradient / curvature[i], 0.0)
            change = (new - alpha[i]) * y
            alpha[i] = new
            for j, v in zip(columns, values, strict=True):
                w[j] += change * v
        if moved < tol:
            break
    return {
        token: w[j] * (1.0 if token == BIAS else idf(df[token], total))
        for token, j in index.items()
        if w[j]
    }


def pushing(weights, tokens, explain=5):
    """The tokens that pushed most towards spam and towards legitimate, as (token, weight)."""
    found = sorted(((weights.get(t, 0.0), t) for t in tokens), reverse=True)
    spammy = tuple((t, w) for w, t in found if w > 0)[:explain]
    hammy = tuple((t, w) for w, t in reversed(found) if w < 0)[:explain]
    return spammy, hammy
