"""Every new comment and every change of status takes one path (comments.actions), which tells
the other apps once the transaction commits; no other way of saving skips it."""

import pytest
from django.contrib.admin.models import LogEntry

from comments import actions
from comments.models import Comment, DiscussionSettings
from comments.signals import comment_status_changed
from tests.factories import ArticleFactory, CommentFactory


@pytest.fixture
def received():
    calls = []

    def receiver(sender, comment, old_status, **kwargs):
        calls.append((comment.pk, old_status, comment.status))

    comment_status_changed.connect(receiver, dispatch_uid="test-one-path")
    yield calls
    comment_status_changed.disconnect(dispatch_uid="test-one-path")


def change_form(comment, **changes):
    """What the comment's admin page posts, with ``changes``."""
    return {
        "article": comment.article_id,
        "parent": "",
        "body": comment.body,
        "status": comment.status,
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "author_url": "",
        "user": "",
        **changes,
    }


def test_a_new_comment_saved_any_other_way_is_refused(db):
    comment = Comment(article=ArticleFactory(), author_name="A", author_email="a@example.com")
    comment.body = "Saved straight through the ORM."
    with pytest.raises(ValueError, match=r"actions\.post"):
        comment.save()
    assert Comment.objects.count() == 0


def test_the_orm_create_goes_through_the_moderation_decision(db, received):
    rules = DiscussionSettings.load()
    rules.disallowed_keys = "casino"
    rules.save()
    article = ArticleFactory()
    spam = Comment.objects.create(
        article=article, author_name="A", author_email="a@example.com", body="Best casino."
    )
    assert spam.status == Comment.Status.SPAM
    assert spam.moderation_reason == "Disallowed key “casino” in the comment"
    held = Comment.objects.create(
        article=article, author_name="B", author_email="b@example.com", body="Hello."
    )
    assert held.status == Comment.Status.PENDING  # first comment from this author


def test_signals_are_sent_once_the_transaction_commits(
    db, received, django_capture_on_commit_callbacks
):
    comment = CommentFactory(status=Comment.Status.PENDING)
    with django_capture_on_commit_callbacks() as callbacks:
        actions.change_status([comment], Comment.Status.APPROVED, "Approved by a test")
        assert received == []  # not before the commit
    for callback in callbacks:
        callback()
    assert received == [(comment.pk, Comment.Status.PENDING, Comment.Status.APPROVED)]


def test_a_status_already_held_is_no_change(db, received, django_capture_on_commit_callbacks):
    comment = CommentFactory(status=Comment.Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        changed = actions.change_status([comment], Comment.Status.APPROVED, "Again")
    assert changed == []
    assert received == []


def test_a_status_changed_on_the_admin_page_takes_the_one_path(
    admin_client, received, django_capture_on_commit_callbacks
):
    comment = CommentFactory(status=Comment.Status.PENDING, body="Edited and approved.")
    url = f"/admin/comments/comment/{comment.pk}/change/"
    form = change_form(comment, body="Edited, then approved.", status="approved")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.body == "Edited, then approved."
    assert comment.moderation_reason == "Changed by admin in the admin"
    assert received == [(comment.pk, Comment.Status.PENDING, Comment.Status.APPROVED)]
    assert LogEntry.objects.filter(
        object_id=str(comment.pk), change_message__contains="Pending → Approved"
    ).exists()


def test_an_edit_on_the_admin_page_that_keeps_the_status_tells_no_one(
    admin_client, received, django_capture_on_commit_callbacks
):
    comment = CommentFactory(status=Comment.Status.APPROVED)
    form = change_form(comment, body="A typo fixed.")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/comments/comment/{comment.pk}/change/", form)
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "A typo fixed."
    assert received == []
