"""The classifier alone: the tokens of a comment, and the probability their counts give."""

import pytest

from spamfilter import classifier, features


def test_tokens_of_a_comment_name_links_email_and_website():
    found = features.tokens(
        "Check out my CHANNEL: https://www.promo.example/x and www.other.example!",
        name="Promo Bot",
        email="bot@Spammer.example",
        website="https://www.bot.example/home",
    )
    assert {"check", "out", "channel", "check out", "out channel"} <= found
    assert {"url:promo.example", "url:other.example", "links:2+"} <= found
    assert {"name:promo", "name:bot", "email:spammer.example", "site:bot.example"} <= found
    assert "my" not in found  # shorter than 3 letters: not a word token


def test_html_entities_and_tags_are_read_as_text():
    found = features.tokens('I &#39;d say <a href="http://x.example/">this</a> &amp; more\ufeff')
    assert "url:x.example" in found
    assert "links:1" in found
    assert "this" in found
    assert "href" not in found
    assert "amp" not in found


def test_no_link_is_a_token_too():
    assert "links:0" in features.tokens("plain words only")


def test_a_very_long_word_becomes_its_length():
    assert "long:40" in features.tokens("a" * 45)


def test_token_probability_moves_with_the_counts():
    assert classifier.token_probability(10, 0, 10, 10) > 0.9
    assert classifier.token_probability(0, 10, 10, 10) < 0.1
    # seen once: pulled towards the prior, not certain
    assert 0.5 < classifier.token_probability(1, 0, 10, 10) < 0.9


def counts(spam_tokens, ham_tokens, n=20):
    return {**dict.fromkeys(spam_tokens, (n, 0)), **dict.fromkeys(ham_tokens, (0, n))}


def test_score_spam_and_ham_and_explains_both_ways():
    table = counts(["subscribe", "channel", "url:promo.example"], ["alliance", "deterrence"])
    spam = classifier.score(
        {t: table[t] for t in ["subscribe", "channel", "url:promo.example"]}, 20, 20
    )
    ham = classifier.score({t: table[t] for t in ["alliance", "deterrence"]}, 20, 20)
    assert spam.probability > 0.99
    assert ham.probability < 0.01
    assert {t for t, _ in spam.spammy} == {"subscribe", "channel", "url:promo.example"}
    assert {t for t, _ in ham.hammy} == {"alliance", "deterrence"}
    mixed = classifier.score({"subscribe": (20, 0), "alliance": (0, 20)}, 20, 20)
    assert [t for t, _ in mixed.spammy] == ["subscribe"]
    assert [t for t, _ in mixed.hammy] == ["alliance"]


def test_nothing_known_is_a_half():
    assert classifier.score({}, 0, 0).probability == 0.5
    assert classifier.score({"never": (0, 0)}, 10, 10).probability == 0.5


@pytest.mark.parametrize(("x2", "v"), [(0.0, 2), (10.0, 4), (100.0, 20)])
def test_chi2q_is_a_probability(x2, v):
    assert 0.0 <= classifier.chi2q(x2, v) <= 1.0
