"""The filter inside the one moderation decision: after the disallowed keys, before manual
approval and "previously approved author"; deciding nothing until it has learnt enough; off
when switched off; the rules alone when its model cannot be read; imports not scored."""

import logging
import re

import pytest
from django.db import DatabaseError

from comments import actions
from comments.models import Comment, DiscussionSettings
from spamfilter import store
from spamfilter.models import FilterSettings, Verdict
from tests.factories import CommentFactory, UserFactory

from .conftest import HAM_TEXTS, SPAM_TEXTS, teach

S = Comment.Status
SPAM_TEXT = SPAM_TEXTS[0]


def new_comment(article, body, **fields):
    data = {"author_name": "Visitor", "author_email": "visitor@example.com", **fields}
    return Comment.objects.create(article=article, body=body, **data)


def score_of(comment):
    return Verdict.objects.get(comment=comment).score


def test_untrained_it_records_its_score_and_decides_nothing(essay):
    teach(spam=19, ham=40)  # one spam decision short
    comment = new_comment(essay, SPAM_TEXT)
    assert comment.status == S.PENDING
    assert comment.moderation_reason == "Held: first comment from this author"
    assert score_of(comment) > 0.99


def test_at_the_spam_threshold_it_goes_to_spam(essay, trained):
    comment = new_comment(essay, SPAM_TEXT)
    assert comment.status == S.SPAM
    assert re.fullmatch(
        r"Spam: spam probability 0\.\d\d|Spam: spam probability 1\.00", comment.moderation_reason
    )


def test_at_the_hold_threshold_it_waits_with_the_probability(essay, trained):
    FilterSettings.objects.update(spam_threshold=1.0, hold_threshold=0.5)
    rules = DiscussionSettings.load()
    rules.require_previous_approval = False
    rules.save()
    comment = new_comment(essay, SPAM_TEXT)
    assert comment.status == S.PENDING
    assert re.fullmatch(r"Held: spam probability 0\.\d\d", comment.moderation_reason)
    assert comment.moderation_reason.endswith(f"{int(score_of(comment) * 100) / 100:.2f}")


def test_below_the_thresholds_the_other_rules_decide(essay, trained):
    comment = new_comment(essay, HAM_TEXTS[0])
    assert comment.status == S.PENDING
    assert comment.moderation_reason == "Held: first comment from this author"
    assert score_of(comment) < 0.5


def test_it_runs_before_previously_approved_author(essay, trained):
    CommentFactory(article=essay, author_email="known@example.com")  # an approved comment
    comment = new_comment(essay, SPAM_TEXT, author_email="known@example.com")
    assert comment.status == S.SPAM
    ham = new_comment(essay, HAM_TEXTS[1], author_email="known@example.com")
    assert ham.status == S.APPROVED
    assert ham.moderation_reason == "Approved: the author has an approved comment"


def test_it_runs_before_manual_approval(essay, trained):
    rules = DiscussionSettings.load()
    rules.manual_approval = True
    rules.save()
    assert new_comment(essay, SPAM_TEXT).status == S.SPAM
    ham = new_comment(essay, HAM_TEXTS[1])
    assert ham.moderation_reason == "Held: every comment must be manually approved"


def test_the_disallowed_keys_come_first(essay, trained):
    rules = DiscussionSettings.load()
    rules.disallowed_keys = "channel"
    rules.disallowed_action = "trash"
    rules.save()
    comment = new_comment(essay, SPAM_TEXT)
    assert comment.status == S.TRASH
    assert comment.moderation_reason == "Disallowed key “channel” in the comment"
    assert not Verdict.objects.filter(comment=comment).exists()


def test_switched_off_it_neither_scores_nor_decides(essay, trained):
    FilterSettings.objects.update(enabled=False)
    comment = new_comment(essay, SPAM_TEXT)
    assert comment.status == S.PENDING
    assert comment.moderation_reason == "Held: first comment from this author"
    assert not Verdict.objects.filter(comment=comment).exists()


def test_staff_comments_are_approved_unscored(essay, trained):
    staff = UserFactory(is_staff=True)
    comment = new_comment(essay, SPAM_TEXT, user=staff)
    assert comment.status == S.APPROVED
    assert not Verdict.objects.filter(comment=comment).exists()


def test_imported_comments_keep_their_status_and_are_not_scored(essay, trained):
    imported = actions.add_moderated(
        Comment(
            article=essay,
            author_name="Old",
            author_email="o@example.com",
            body=SPAM_TEXT,
            status=S.APPROVED,
            moderation_reason="Imported",
        )
    )
    imported.refresh_from_db()
    assert imported.status == S.APPROVED
    assert not Verdict.objects.filter(comment=imported).exists()


def test_the_form_path_is_scored_and_decided(essay, trained, post_comment):
    response = post_comment(essay, body=SPAM_TEXT)
    assert response.status_code == 302
    comment = Comment.objects.get(body=SPAM_TEXT)
    assert comment.status == S.SPAM
    assert score_of(comment) > 0.99


def test_a_broken_model_leaves_the_rules_to_decide_logged_once(
    essay, trained, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise DatabaseError("no such table: spamfilter_token")

    monkeypatch.setattr(store, "score_tokens", broken)
    with caplog.at_level(logging.ERROR, logger="spamfilter.check"):
        first = new_comment(essay, SPAM_TEXT)
        second = new_comment(essay, SPAM_TEXT, author_email="other@example.com")
    assert first.status == second.status == S.PENDING
    assert first.moderation_reason == "Held: first comment from this author"
    assert Verdict.objects.get(comment=first).score is None
    logged = [r for r in caplog.records if "cannot be read" in r.getMessage()]
    assert len(logged) == 1


def test_a_missing_table_in_a_transaction_leaves_it_usable(essay, trained, monkeypatch):
    """A real failed query (not a stub): the savepoint keeps the comment's transaction."""
    from django.db import connection

    monkeypatch.setattr(store.Token._meta, "db_table", "spamfilter_no_such_table")
    comment = new_comment(essay, SPAM_TEXT)
    assert comment.status == S.PENDING
    with connection.cursor() as cursor:  # the transaction still works
        cursor.execute("SELECT 1")
    assert Comment.objects.filter(pk=comment.pk).exists()


@pytest.mark.parametrize(("spam", "hold", "valid"), [(0.99, 0.9, True), (0.8, 0.9, False)])
def test_the_hold_threshold_must_not_exceed_the_spam_threshold(db, spam, hold, valid):
    from django.core.exceptions import ValidationError

    rules = FilterSettings.load()
    rules.spam_threshold, rules.hold_threshold = spam, hold
    if valid:
        rules.full_clean()
    else:
        with pytest.raises(ValidationError, match="hold threshold"):
            rules.full_clean()
