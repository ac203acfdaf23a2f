"""The linear SVM's weights in the database: a moderator's decision takes one step at once
and records it, a change of mind subtracts it (the opposite update), train_spam_filter
fits the weights again from every decision, --reset forgets them, the admin shows the heaviest
ones, and a long comment is learnt in parts and scored."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from comments.models import Comment
from spamfilter import linear, store
from spamfilter.models import Seed, Verdict, Weight
from tests.shared_data import shared_files

from .conftest import HAM_TEXTS, SPAM_TEXTS, teach

CHANGELIST = "/admin/comments/comment/"


def weight(token):
    row = Weight.objects.filter(token=token).first()
    return row.weight if row else 0.0


def test_a_decision_takes_one_step_at_once_and_records_it(moderator_client, held, on_commit):
    with on_commit():
        moderator_client.post(CHANGELIST, {"action": "spam", "_selected_action": [held.pk]})
    verdict = Verdict.objects.get(comment=held)
    tokens = verdict.tokens
    # from nothing learnt: the step that brings the comment to the margin, on the bias alone
    assert verdict.step == pytest.approx(linear.step({}, tokens, {}, 0, spam=True))
    assert verdict.step > 0
    for token in ("channel", "c:chan", "url:promo.example", linear.BIAS):
        assert weight(token) == pytest.approx(verdict.step)
    result, _, _ = store.score_tokens(tokens)
    assert result.linear > 0.5


def test_a_change_of_mind_subtracts_the_step(moderator_client, held, on_commit):
    with on_commit():
        moderator_client.post(CHANGELIST, {"action": "spam", "_selected_action": [held.pk]})
    with on_commit():
        moderator_client.post(CHANGELIST, {"action": "not_spam", "_selected_action": [held.pk]})
    verdict = Verdict.objects.get(comment=held)
    assert verdict.learnt_as == "ham"
    # the spam step is gone: what is left is the legitimate step, taken from zero
    assert verdict.step == pytest.approx(linear.step({}, verdict.tokens, {}, 0, spam=False))
    assert weight("c:chan") == pytest.approx(verdict.step)
    assert store.score_tokens(verdict.tokens)[0].linear < 0.5


def test_seeding_fits_the_weights_from_every_decision(db, moderator_client, held, on_commit):
    with on_commit():
        moderator_client.post(CHANGELIST, {"action": "spam", "_selected_action": [held.pk]})
    psy = shared_files("spam", "*.csv")[0]
    out = StringIO()
    call_command("train_spam_filter", "--from-csv", str(psy), stdout=out)
    assert "Its weights were fitted again from 351 decisions." in out.getvalue()
    assert Seed.objects.exclude(tokens=[]).count() == 350
    assert Verdict.objects.get(comment=held).step == 0  # the fit carries it now
    fitted = dict(Weight.objects.values_list("token", "weight"))
    examples = [(s.tokens, s.learnt_as == "spam") for s in Seed.objects.all()]
    examples.append((Verdict.objects.get(comment=held).tokens, True))
    assert fitted["c:chan"] > 0
    assert fitted.keys() <= {t for tokens, _ in examples for t in tokens} | {linear.BIAS}
    call_command("train_spam_filter", "--reset", stdout=StringIO())
    assert Verdict.objects.get(comment=held).learnt_as == "spam"  # the history learnt again
    call_command("train_spam_filter", "--reset", "--from-csv", str(psy), stdout=StringIO())
    assert Weight.objects.filter(token="c:chan").exists()


def test_reset_forgets_the_weights(db):
    teach(spam=2, ham=2)
    assert Weight.objects.exists()
    store.reset()
    assert not Weight.objects.exists()


def test_the_comment_page_shows_the_heaviest_weights(moderator_client, essay):
    teach()
    comment = Comment.objects.create(
        article=essay,
        body=SPAM_TEXTS[0] + " " + HAM_TEXTS[0],
        author_name="Promo Bot",
        author_email="v@example.com",
    )
    page = moderator_client.get(
        reverse("admin:comments_comment_change", args=[comment.pk])
    ).content.decode()
    assert "Naive Bayes (how often each token was in spam):" in page
    heavy_spam = page.split("Heaviest weights towards spam:")[1].split("</ul>")[0]
    heavy_ham = page.split("Heaviest weights towards legitimate:")[1].split("</ul>")[0]
    assert re.search(r"<code>[^<]+</code> \+[0-9.]+", heavy_spam)
    assert re.search(r"<code>[^<]+</code> -[0-9.]+", heavy_ham)


def test_a_long_comment_is_learnt_in_parts_and_scored(db):
    long = Comment(body=" ".join(f"word{n} and more text" for n in range(300)), author_name="L")
    tokens = store.comment_tokens(long)
    assert len(tokens) > 2 * store.CHUNK
    step = store.learn(tokens, store.SPAM)
    assert Weight.objects.count() == len(tokens) + 1
    assert store.score_tokens(tokens)[0].linear > 0.5
    store.unlearn(tokens, store.SPAM, step)
    assert store.score_tokens(tokens)[0].linear == pytest.approx(0.5)
