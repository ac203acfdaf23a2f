"""The "known author" rule: a logged-in commenter whose account has verified the comment's
e-mail address is known, like an author with an approved comment."""

import pytest
from allauth.account.models import EmailAddress

from comments.models import Comment, DiscussionSettings
from tests.factories import CommentFactory, UserFactory

S = Comment.Status


@pytest.fixture
def user(db):
    return UserFactory(username="ann", email="ann@example.com")


def new_comment(article, user=None, **fields):
    data = {"author_name": "Ann", "author_email": "ann@example.com", "body": "Plain words."}
    data.update(fields)
    return Comment.objects.create(article=article, user=user, **data)


def verify(user, email="ann@example.com", verified=True):
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)


def test_a_verified_address_is_a_known_author(essay, user):
    verify(user)
    comment = new_comment(essay, user)
    assert comment.status == S.APPROVED
    assert comment.moderation_reason == "Approved: the author's e-mail address is verified"


def test_the_match_ignores_case(essay, user):
    verify(user, email="Ann@Example.com")
    assert new_comment(essay, user).status == S.APPROVED


def test_an_unverified_address_is_held(essay, user):
    verify(user, verified=False)
    comment = new_comment(essay, user)
    assert comment.status == S.PENDING
    assert comment.moderation_reason == "Held: first comment from this author"


def test_only_the_address_on_the_comment_counts(essay, user):
    verify(user, email="other@example.com")
    assert new_comment(essay, user).status == S.PENDING


def test_typing_a_verified_members_address_without_logging_in_is_not_enough(essay, user):
    verify(user)
    assert new_comment(essay, user=None).status == S.PENDING


def test_the_rules_before_it_still_apply(essay, user):
    verify(user)
    rules = DiscussionSettings.load()
    rules.moderation_keys = "pills"
    rules.save()
    comment = new_comment(essay, user, body="Cheap pills")
    assert comment.status == S.PENDING
    assert comment.moderation_reason.startswith("Held: moderation key")


def test_the_approved_comment_rule_is_unchanged(essay):
    CommentFactory(article=essay, author_email="pat@example.com")
    comment = new_comment(essay, author_email="pat@example.com")
    assert comment.status == S.APPROVED
    assert comment.moderation_reason == "Approved: the author has an approved comment"


def test_an_anonymised_comment_makes_no_one_known(essay):
    # accounts.deletion clears the address and its hash: no address matches ""
    CommentFactory(article=essay, author_email="gone@example.com")
    Comment.objects.update(author_email="", email_hash="")
    assert new_comment(essay, author_email="gone@example.com").status == S.PENDING
