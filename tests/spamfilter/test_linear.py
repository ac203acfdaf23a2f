"""The logistic regression alone (spamfilter/linear.py): its tokens, a gradient step, the
batch fit, and its combining with the naive Bayes. Pure functions, no database."""

import pytest

from spamfilter import linear

from .conftest import HAM_TEXTS, SPAM_TEXTS


def test_its_tokens_are_the_naive_bayes_ones_plus_characters_and_shape():
    found = linear.tokens("Check out my CHANNEL!!! http://promo.example/x", name="Promo Bot")
    assert {"check", "check out", "url:promo.example", "name:promo"} <= found
    assert {"c:chec", "c:heck", "c:my c"} <= found
    assert not any(t.startswith("c:") and len(t) != 6 for t in found)  # 4 characters
    assert not any("promo.ex" in t for t in found if t.startswith("c:"))  # links left out
    assert {"shape:excl3", "shape:len6"} <= found
    assert linear.bayes_tokens(sorted(found)) == sorted(
        t for t in found if not t.startswith(("c:", "shape:"))
    )


def test_an_unknown_comment_is_even():
    assert linear.probability({}, ["c:abc", "word"]) == 0.5


def test_a_step_adds_the_same_to_each_weight_and_moves_the_comment_its_way():
    tokens = sorted(linear.tokens(SPAM_TEXTS[0]))
    change = linear.step(0.5, True, tokens, rate=1.0)
    assert change == pytest.approx(0.5 / len([*tokens, linear.BIAS]) ** 0.5)
    weights = dict.fromkeys((*tokens, linear.BIAS), change)
    assert linear.probability(weights, tokens) > 0.6
    assert linear.step(0.9, False, tokens) < 0 < linear.step(0.1, True, tokens)


def test_the_fit_learns_both_kinds_and_is_the_same_each_time():
    examples = [(sorted(linear.tokens(text)), True) for text in SPAM_TEXTS] + [
        (sorted(linear.tokens(text)), False) for text in HAM_TEXTS
    ]
    weights = linear.fit(examples)
    assert linear.fit(examples) == weights
    for tokens, spam in examples:
        assert (linear.probability(weights, tokens) > 0.5) == spam
    new_spam = sorted(linear.tokens("subscribe to my channel for free money"))
    assert linear.probability(weights, new_spam) > 0.5


def test_the_combining_adds_the_evidence():
    assert linear.combine(0.5, 0.5) == pytest.approx(0.5)
    assert linear.combine(0.9, 0.5) == pytest.approx(0.9)
    assert linear.combine(0.9, 0.9) > 0.98
    assert linear.combine(0.99, 0.1) == pytest.approx(0.9167, abs=1e-3)
    assert 0 < linear.combine(0.0, 1.0) < 1  # certain both ways: no division by zero


def test_the_heaviest_weights_both_ways():
    weights = {"free": 2.0, "money": 1.0, "alliance": -3.0, "the": 0.0}
    spammy, hammy = linear.pushing(weights, ["free", "money", "alliance", "the"], explain=1)
    assert spammy == (("free", 2.0),)
    assert hammy == (("alliance", -3.0),)
