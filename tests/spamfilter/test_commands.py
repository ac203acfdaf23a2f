"""train_spam_filter (from the site's history, or seeded from a labelled file: safe twice,
all or nothing) and spam_report (scores a labelled file, stores and teaches nothing), on the
real files in ../shared/data/spam/."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comments.models import Comment
from spamfilter import store
from spamfilter.models import Seed, Token, Verdict
from tests.factories import CommentFactory
from tests.shared_data import shared_files

S = Comment.Status


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def spam_files():
    return shared_files("spam", "*.csv")


def test_seeding_from_a_file_learns_every_row_once(db, spam_files):
    psy = spam_files[0]
    out = run("train_spam_filter", "--from-csv", str(psy))
    assert "Learnt 175 spam and 175 legitimate comment(s); 0 already learnt" in out
    assert "The filter now knows 175 spam and 175 legitimate decisions." in out
    assert store.totals() == (175, 175)
    tokens = dict(Token.objects.values_list("token", "spam"))
    again = run("train_spam_filter", "--from-csv", str(psy))  # safe twice
    assert "Learnt 0 spam and 0 legitimate comment(s); 350 already learnt" in again
    assert store.totals() == (175, 175)
    assert dict(Token.objects.values_list("token", "spam")) == tokens


def test_reset_forgets_everything_first(db, spam_files):
    run("train_spam_filter", "--from-csv", str(spam_files[0]))
    out = run("train_spam_filter", "--reset", "--from-csv", str(spam_files[1]))
    assert "Learnt 175 spam and 175 legitimate" in out
    assert store.totals() == (175, 175)
    assert Seed.objects.count() == 350


def test_a_bad_file_changes_nothing(db, spam_files, tmp_path):
    run("train_spam_filter", "--from-csv", str(spam_files[0]))
    before = store.totals()
    bad = tmp_path / "bad.csv"
    bad.write_text("COMMENT_ID,AUTHOR,DATE,CONTENT,label\n1,A,,free money,1\n2,B,,hello,maybe\n")
    with pytest.raises(CommandError, match=r"line 3: the label must be 0 or 1, not “maybe”"):
        call_command("train_spam_filter", "--reset", "--from-csv", str(bad))
    assert store.totals() == before  # not reset, nothing learnt
    missing = tmp_path / "missing.csv"
    missing.write_text("AUTHOR,TEXT\nA,b\n")
    with pytest.raises(CommandError, match="missing column"):
        call_command("train_spam_filter", "--from-csv", str(missing))
    with pytest.raises(CommandError, match="No such file"):
        call_command("train_spam_filter", "--from-csv", str(tmp_path / "absent.csv"))


def test_a_failure_midway_rolls_everything_back(db, spam_files, monkeypatch):
    run("train_spam_filter", "--from-csv", str(spam_files[0]))
    learn = store.learn
    calls = []

    def failing(tokens, label, **kwargs):
        calls.append(1)
        if len(calls) == 100:
            raise RuntimeError("disk full")
        return learn(tokens, label, **kwargs)

    monkeypatch.setattr(store, "learn", failing)
    with pytest.raises(RuntimeError):
        call_command("train_spam_filter", "--reset", "--from-csv", str(spam_files[1]))
    assert store.totals() == (175, 175)
    assert Seed.objects.count() == 350


def test_retraining_from_the_site_history(essay):
    spam = CommentFactory.create_batch(2, article=essay, status=S.SPAM, body="buy pills now")
    CommentFactory.create_batch(3, article=essay, body="a fine essay on the alliance")
    CommentFactory(article=essay, status=S.PENDING, body="undecided")
    CommentFactory(article=essay, status=S.TRASH, body="off topic")
    out = run("train_spam_filter")
    assert "Learnt 2 spam and 3 legitimate comment(s); 0 already learnt" in out
    assert "It decides nothing yet: it needs 20 of each." in out
    assert store.totals() == (2, 3)
    assert Verdict.objects.get(comment=spam[0]).learnt_as == "spam"
    again = run("train_spam_filter")
    assert "Learnt 0 spam and 0 legitimate comment(s); 5 already learnt" in again
    assert store.totals() == (2, 3)
    rebuilt = run("train_spam_filter", "--reset")
    assert "Learnt 2 spam and 3 legitimate" in rebuilt
    assert store.totals() == (2, 3)


def test_spam_report_scores_a_file_and_stores_nothing(db, spam_files):
    for path in spam_files[:3]:
        run("train_spam_filter", "--from-csv", str(path))
    tokens, comments = Token.objects.count(), Comment.objects.count()
    before = store.totals()
    figures = json.loads(run("spam_report", "--csv", str(spam_files[3]), "--json"))
    assert {"precision", "recall", "f1", "false_positive_rate"} <= set(figures)
    assert figures["rows"] == 448
    assert figures["spam"] == 245
    # what the README's table reports for this file (make bench-spam)
    assert figures["f1"] > 0.9
    assert figures["false_positive_rate"] < 0.05
    assert figures["sent_to_spam"]["false_positive_rate"] < 0.02
    assert (Token.objects.count(), Comment.objects.count(), store.totals()) == (
        tokens,
        comments,
        before,
    )
    text = run("spam_report", "--csv", str(spam_files[3]))
    assert "448 comments (245 spam), scored as new comments" in text
    assert "Held or sent to spam (probability ≥ 0.95): precision" in text
    assert "Sent to spam (probability ≥ 0.99)" in text


def test_spam_report_says_when_the_filter_does_not_decide_yet(db, spam_files):
    out = run("spam_report", "--csv", str(spam_files[0]))
    assert "knows 0 spam and 0 legitimate decisions and decides nothing yet." in out


def test_spam_report_refuses_a_bad_file(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("AUTHOR,CONTENT\nA,b\n")
    with pytest.raises(CommandError, match="missing column"):
        call_command("spam_report", "--csv", str(bad))
