"""Scoring a comment reads the model in one query, however long the comment: its tokens'
counts and weights, the bias and the totals, the same figures as the ORM reads them."""

import pytest

from comments.models import Comment
from spamfilter import check, linear, store
from spamfilter.models import Totals

from .conftest import SPAM_TEXTS

SHORT = Comment(body=SPAM_TEXTS[0], author_name="Promo Bot")
# past SQLite's older limit of 999 parameters, and two of the learning's chunks
LONG = Comment(body=" ".join(f"word{n} and more text" for n in range(300)), author_name="L")


def test_the_long_comment_is_long():
    assert len(store.comment_tokens(LONG)) > max(999, 2 * store.CHUNK)


@pytest.mark.parametrize("comment", [SHORT, LONG], ids=["short", "long"])
def test_scoring_reads_the_model_in_one_query(trained, comment, django_assert_num_queries):
    tokens = store.comment_tokens(comment)
    store.learn(tokens, store.SPAM)
    with django_assert_num_queries(1):
        result, nspam, nham = store.score_tokens(tokens, explain=0)
    assert (nspam, nham) == store.totals() == (21, 20)
    assert result.linear > 0.5


@pytest.mark.parametrize("comment", [SHORT, LONG], ids=["short", "long"])
def test_the_decision_reads_the_model_in_one_query(trained, comment, django_assert_num_queries):
    store.learn(store.comment_tokens(comment), store.SPAM)
    # the savepoint around the read (a failed read leaves the comment's transaction usable),
    # the read, the savepoint's release
    with django_assert_num_queries(3):
        probability, ready = check.probability_of(comment)
    assert ready
    assert probability > 0.5


def test_it_reads_what_the_orm_reads(trained):
    tokens = store.comment_tokens(SHORT)
    counts, weights, totals = store.model_of(tokens)
    assert counts == store.counts_of(tokens)
    assert counts  # positive control: the comment's tokens were learnt
    assert weights == store.weights_of(tokens)
    assert linear.BIAS in weights
    assert totals == store.totals()


def test_tokens_json_would_quote_are_read_too(db):
    tokens = ['c:"a', "c:\\b", "c:é ü", "c:🙂x", "w:it's"]
    store.learn(tokens, store.SPAM)
    counts, _weights, _totals = store.model_of([*tokens, "c:never seen"])
    assert counts == dict.fromkeys(tokens, (1, 0))


def test_nothing_learnt_reads_as_nothing(db):
    Totals.objects.all().delete()
    counts, weights, totals = store.model_of(store.comment_tokens(SHORT))
    assert (counts, weights, totals) == ({}, {}, (0, 0))
    assert store.score_tokens([])[0].probability == pytest.approx(0.5)
