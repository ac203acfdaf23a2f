"""Logistic regression over a comment's features, learnt by stochastic gradient descent, and
its combining with the naive Bayes (spamfilter/classifier.py). Pure functions on numbers and
strings: the weights themselves are rows in the database (spamfilter/models.py, ``Weight``).

A comment's features are the naive Bayes tokens (spamfilter/features.py) plus what only this
model reads: its character 4-grams (``c:...``, of the lower-cased text without links),
its shape (``shape:...``: length, upper-case share, digits, exclamation marks) and a constant
``bias``. Each of a comment's n features has the value 1/√n (the vector has length 1: a long
comment does not weigh more than a short one), so a comment's score is
sigmoid(Σ weights / √n), and one gradient step adds the same amount to each of its features'
weights: ``rate * (label - p) / √n`` (label 1 spam, 0 legitimate). That is one atomic
``UPDATE … SET weight = weight + step`` for a moderator's decision, and a decision taken back
is that same step subtracted.

``fit`` is the batch version (train_spam_filter): several shuffled passes over every decision
with a decreasing rate, as measured on real spam (README, "Spam filter": make bench-spam)."""

import html
import math
import random

from . import features

# 4-grams alone did as well as 3- to 5-grams on make bench-spam (F1 0.936 with 1.6% held at
# 0.95, against 0.936 with 2.0%, in memory) with a third of the tokens to read and write.
CHARS = (4,)
LINEAR_ONLY = ("c:", "shape:")  # tokens the naive Bayes does not count
BIAS = "bias"
# One moderator decision's step, and the batch fit's passes and first rate (rate / (1 + pass)).
RATE = 1.0
EPOCHS = 30
FIT_RATE = 2.0
FIT_SEED = 16


def char_grams(text, sizes=CHARS):
    """The character n-grams of a text without its links and tags, lower-cased, blanks
    folded into one space."""
    plain = features.TAG_RE.sub(" ", features.URL_RE.sub(" ", text))
    folded = " ".join(plain.lower().split())
    return {"c:" + folded[i : i + size] for size in sizes for i in range(len(folded) - size + 1)}


def shape(text):
    """Coarse shape tokens: length (powers of two), upper-case share (quarters), digits,
    exclamation marks."""
    found = {f"shape:len{min(len(text).bit_length(), 10)}"}
    letters = [c for c in text if c.isalpha()]
    if letters:
        upper = sum(c.isupper() for c in letters) / len(letters)
        found.add(f"shape:upper{int(upper * 4)}")
    found.add(f"shape:digits{min(sum(c.isdigit() for c in text).bit_length(), 4)}")
    found.add(f"shape:excl{min(text.count('!'), 3)}")
    return found


def tokens(body, name="", email="", website=""):
    """Every token of a comment: the naive Bayes' ones and this model's own."""
    text = html.unescape(body or "").replace("\ufeff", "")
    return features.tokens(body, name, email, website) | char_grams(text) | shape(text)


def bayes_tokens(tokens):
    """The tokens the naive Bayes counts (not the character n-grams or the shape)."""
    return [t for t in tokens if not t.startswith(LINEAR_ONLY)]


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def scale(tokens):
    """Each feature's value: 1/√n for a comment of n tokens (and the bias)."""
    return 1.0 / math.sqrt(len(tokens) + 1)


def probability(weights, tokens):
    """The spam probability from ``weights`` (token → weight; missing tokens weigh 0)."""
    total = weights.get(BIAS, 0.0) + sum(weights.get(t, 0.0) for t in tokens)
    return sigmoid(total * scale(tokens))


def step(p, spam, tokens, rate=RATE):
    """What one gradient step adds to each of the comment's weights (and the bias)."""
    return rate * ((1.0 if spam else 0.0) - p) * scale(tokens)


def fit(examples, epochs=EPOCHS, rate=FIT_RATE, seed=FIT_SEED):
    """Weights learnt from ``examples`` (a list of (tokens, spam)) from zero: ``epochs``
    shuffled passes (a fixed seed: the same decisions give the same model), the rate
    ``rate / (1 + pass)``."""
    weights = {}
    order = list(range(len(examples)))
    shuffle = random.Random(seed).shuffle
    for epoch in range(epochs):
        shuffle(order)
        eta = rate / (1 + epoch)
        for i in order:
            found, spam = examples[i]
            change = step(probability(weights, found), spam, found, eta)
            for token in (*found, BIAS):
                weights[token] = weights.get(token, 0.0) + change
    return weights


def logit(p):
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def combine(bayes, linear):
    """The filter's probability: the two models' log-odds added, as two independent pieces of
    evidence are (on the leave-one-video-out of make bench-spam this beat either model alone
    and their plain mean, max and min)."""
    return sigmoid(logit(bayes) + logit(linear))


def pushing(weights, tokens, explain=5):
    """The tokens that pushed most towards spam and towards legitimate, as (token, weight)."""
    found = sorted(((weights.get(t, 0.0), t) for t in tokens), reverse=True)
    spammy = tuple((t, w) for w, t in found if w > 0)[:explain]
    hammy = tuple((t, w) for w, t in reversed(found) if w < 0)[:explain]
    return spammy, hammy
