"""The linear SVM alone (spamfilter/linear.py): its tokens, its TF-IDF blocks, a moderator's
step, the batch fit (against a direct check of its optimality). Pure functions, no database."""

import math

import pytest

from spamfilter import linear

from .conftest import HAM_TEXTS, SPAM_TEXTS


def examples():
    return [(sorted(linear.tokens(text)), True) for text in SPAM_TEXTS] + [
        (sorted(linear.tokens(text)), False) for text in HAM_TEXTS
    ]


def test_its_tokens_are_the_naive_bayes_ones_plus_words_and_characters():
    found = linear.tokens("Check out my CHANNEL!!! http://promo.example/x", name="Promo Bot")
    assert {"check", "check out", "url:promo.example", "name:promo"} <= found
    assert {"w:check", "w:my channel", "w:my", "w:promo", "w:http"} <= found  # links included
    assert {"c:ch", "c:che", "c:chec", "c:check", "c:my c", "c:o.ex"} <= found
    assert not any(t.startswith("c:") and not 4 <= len(t) <= 7 for t in found)  # 2-5 characters
    assert not any(t.startswith("w:") and "bot" in t for t in found)  # the name is not text
    assert linear.bayes_tokens(sorted(found)) == sorted(
        t for t in found if not t.startswith(("w:", "c:"))
    )
    assert "c:a b" in linear.tokens("a \n\t b")  # blanks folded into one


def test_an_unknown_comment_is_even():
    assert linear.probability({}, ["c:abc", "w:word", "word"], {}, 0) == 0.5


def test_each_block_is_a_vector_of_length_one():
    df = {"w:free": 3, "w:money": 1, "w:rare": 0, "c:fr": 1, "c:ee": 5}
    (words, word_norm), (chars, char_norm) = linear.blocks(
        ["w:free", "w:money", "w:rare", "c:fr", "c:ee"], df, 10
    )
    assert words == ["w:free", "w:money"]  # never seen: not a feature
    assert chars == ["c:ee"]  # character n-grams count from two decisions
    assert word_norm == pytest.approx(math.hypot(linear.idf(3, 10), linear.idf(1, 10)))
    assert linear.idf(1, 10) > linear.idf(3, 10)  # rarer weighs more
    weights = {"w:free": 1.0, "w:money": 2.0, "c:ee": 0.5, linear.BIAS: -0.25}
    assert linear.margin(weights, words + chars, df, 10) == pytest.approx(
        -0.25 + 3.0 / word_norm + 0.5 / char_norm
    )


def test_a_step_brings_the_comment_to_its_side_of_the_margin():
    (tokens, _), *_ = examples()
    df = dict.fromkeys(linear.model_tokens(tokens), 2)
    change = linear.step({}, tokens, df, 4, spam=True)
    assert change > 0
    weights = dict.fromkeys((*tokens, linear.BIAS), change)
    assert linear.margin(weights, tokens, df, 4) == pytest.approx(1.0)
    assert linear.probability(weights, tokens, df, 4) > 0.99
    assert linear.step(weights, tokens, df, 4, spam=True) == pytest.approx(0, abs=1e-9)
    assert linear.step(weights, tokens, df, 4, spam=False) < 0
    assert linear.step({}, tokens, {}, 0, spam=False) == -1.0  # nothing known: the bias only


def test_the_fit_learns_both_kinds_and_is_the_same_each_time():
    found = examples()
    weights = linear.fit(found)
    assert linear.fit(found) == weights
    df = linear.frequencies(found)
    for tokens, spam in found:
        assert (linear.margin(weights, tokens, df, len(found)) > 0) == spam
    new_spam = sorted(linear.tokens("subscribe to my channel for free money"))
    assert linear.probability(weights, new_spam, df, len(found)) > 0.5


def test_the_fit_is_the_svm_optimum():
    """The squared-hinge SVM's primal gradient is zero at the fit: w = 2C Σ y max(0, 1 - y w·x) x
    (checked on the stored weights, divided back by each feature's idf)."""
    found = examples()
    weights = linear.fit(found, tol=1e-9, epochs=10_000)
    df, total = linear.frequencies(found), len(found)
    expected = {}
    for tokens, spam in found:
        y = 1.0 if spam else -1.0
        slack = max(0.0, 1.0 - y * linear.margin(weights, tokens, df, total))
        vector = {linear.BIAS: 1.0}
        for block, norm in linear.blocks(tokens, df, total):
            vector.update((t, linear.idf(df[t], total) / norm) for t in block)
        for t, value in vector.items():
            expected[t] = expected.get(t, 0.0) + 2 * linear.C * y * slack * value
    for t, w in expected.items():
        scale = 1.0 if t == linear.BIAS else linear.idf(df[t], total)
        assert weights.get(t, 0.0) / scale == pytest.approx(w, abs=1e-6)


def test_the_heaviest_weights_both_ways():
    weights = {"free": 2.0, "money": 1.0, "alliance": -3.0, "the": 0.0}
    spammy, hammy = linear.pushing(weights, ["free", "money", "alliance", "the"], explain=1)
    assert spammy == (("free", 2.0),)
    assert hammy == (("alliance", -3.0),)
