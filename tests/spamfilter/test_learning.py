"""The filter learns from every moderator decision, at once (tested per action), only from
moderators, and a moderator changing their mind takes back what was learnt."""

import pytest
from django.urls import reverse

from comments import actions
from comments import links as signing
from comments.models import Comment
from spamfilter import store
from spamfilter.models import Token, Verdict
from tests.factories import CommentFactory

from .conftest import SPAM_TEXTS, teach

S = Comment.Status
CHANGELIST = "/admin/comments/comment/"


def learnt(comment):
    verdict = Verdict.objects.filter(comment=comment).first()
    return verdict.learnt_as if verdict else ""


def counts(token):
    row = Token.objects.filter(token=token).first()
    return (row.spam, row.ham) if row else (0, 0)


def test_list_action_spam_teaches_spam(moderator_client, held, on_commit):
    with on_commit():
        moderator_client.post(CHANGELIST, {"action": "spam", "_selected_action": [held.pk]})
    assert learnt(held) == "spam"
    assert counts("channel") == (1, 0)
    assert counts("url:promo.example") == (1, 0)
    assert store.totals() == (1, 0)


def test_list_action_approve_teaches_ham(moderator_client, held, on_commit):
    with on_commit():
        moderator_client.post(CHANGELIST, {"action": "approve", "_selected_action": [held.pk]})
    assert learnt(held) == "ham"
    assert counts("channel") == (0, 1)
    assert store.totals() == (0, 1)


def test_list_action_not_spam_teaches_ham_and_takes_back_spam(moderator_client, held, on_commit):
    with on_commit():
        moderator_client.post(CHANGELIST, {"action": "spam", "_selected_action": [held.pk]})
    with on_commit():
        moderator_client.post(CHANGELIST, {"action": "not_spam", "_selected_action": [held.pk]})
    held.refresh_from_db()
    assert held.status == S.PENDING
    assert learnt(held) == "ham"
    assert counts("channel") == (0, 1)  # counted once, as ham
    assert store.totals() == (0, 1)


def test_the_change_page_teaches(moderator_client, held, on_commit):
    data = {
        "article": held.article_id,
        "parent": "",
        "body": held.body,
        "status": S.SPAM,
        "author_name": held.author_name,
        "author_email": held.author_email,
        "author_url": "",
        "user": "",
        "_save": "Save",
    }
    with on_commit():
        response = moderator_client.post(
            reverse("admin:comments_comment_change", args=[held.pk]), data
        )
    assert response.status_code == 302
    assert learnt(held) == "spam"
    assert counts("channel") == (1, 0)


@pytest.mark.parametrize(("action", "label"), [("spam", "spam"), ("approve", "ham")])
def test_the_links_in_moderation_mails_teach(client, held, on_commit, action, label):
    token = signing.moderation_token(held, action)
    with on_commit():
        response = client.post(f"/comments/moderate/{token}/")
    assert response.status_code == 200
    assert learnt(held) == label
    assert store.totals() == ((1, 0) if label == "spam" else (0, 1))


def test_trust_teaches_ham(moderator_client, held, on_commit):
    with on_commit():
        moderator_client.post(reverse("admin:comments_comment_trust", args=[held.pk]))
    assert learnt(held) == "ham"


def test_block_teaches_spam(moderator_client, held, on_commit):
    with on_commit():
        moderator_client.post(reverse("admin:comments_comment_block", args=[held.pk]))
    assert learnt(held) == "spam"
    assert counts("name:promo") == (1, 0)


def test_trash_and_unapprove_teach_nothing(moderator_client, held, on_commit):
    with on_commit():
        moderator_client.post(CHANGELIST, {"action": "trash", "_selected_action": [held.pk]})
    assert learnt(held) == ""
    assert store.totals() == (0, 0)


def test_the_automatic_status_teaches_nothing(essay, on_commit):
    with on_commit():
        Comment.objects.create(
            article=essay, author_name="A", author_email="a@example.com", body=SPAM_TEXTS[0]
        )
    assert store.totals() == (0, 0)
    assert Token.objects.count() == 0


def test_readers_reports_teach_nothing(essay, on_commit, settings):
    comment = CommentFactory(article=essay)
    with on_commit():
        for n in range(3):
            actions.report(comment, f"{n:064x}")
    comment.refresh_from_db()
    assert comment.status == S.PENDING  # held by the reports
    assert store.totals() == (0, 0)


def test_learning_is_at_once_the_next_comment_is_decided(moderator_client, essay, on_commit):
    teach(spam=19, ham=20)
    first = Comment.objects.create(
        article=essay, author_name="P", author_email="p@example.com", body=SPAM_TEXTS[1]
    )
    assert first.status == S.PENDING  # not decided: 19 spam decisions
    with on_commit():
        moderator_client.post(CHANGELIST, {"action": "spam", "_selected_action": [first.pk]})
    second = Comment.objects.create(
        article=essay, author_name="P", author_email="q@example.com", body=SPAM_TEXTS[1]
    )
    assert second.status == S.SPAM


def test_approving_again_counts_once(moderator_client, held, on_commit):
    with on_commit():
        actions.moderate_action([held], "approve", via="test")
        actions.moderate_action([held], "unapprove", via="test")
        actions.moderate_action([held], "approve", via="test")
    assert store.totals() == (0, 1)
    assert counts("channel") == (0, 1)
