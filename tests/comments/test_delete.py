"""Delete one's own comment: it leaves the page (a reply awaiting moderation would hang on the
"This comment was removed." placeholder), and stays in the admin's trash until purged."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import actions
from comments.models import Comment, DiscussionSettings
from tests.conftest import comment_data
from tests.factories import CommentFactory


@pytest.fixture
def author(essay):
    rules = DiscussionSettings.load()
    rules.require_previous_approval = False
    rules.save()
    client = Client()
    url = reverse("comments:post", kwargs={"slug": essay.slug})
    assert client.post(url, comment_data(body="Regrettable words.")).status_code == 302
    return client, Comment.objects.latest("pk")


def delete_url(comment):
    return reverse("comments:delete", kwargs={"pk": comment.pk})


def page(client, essay):
    return client.get(essay.get_absolute_url()).content.decode()


def test_the_author_confirms_then_it_disappears(essay, author):
    client, comment = author
    confirm = client.get(delete_url(comment))
    assert confirm.status_code == 200
    assert "Regrettable words." in confirm.content.decode()
    assert "no-store" in confirm["Cache-Control"]
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED  # GET: nothing
    response = client.post(delete_url(comment))
    assert response.status_code == 302
    assert response["Location"] == f"{essay.get_absolute_url()}#comments"
    shown = page(client, essay)
    assert "Your comment was deleted." in shown
    assert f'id="comment-{comment.pk}"' not in shown
    assert "Regrettable words." not in page(Client(), essay)
    assert "This comment was removed." not in shown


def test_it_waits_in_the_trash_until_purged(essay, author, admin_client):
    client, comment = author
    client.post(delete_url(comment))
    comment.refresh_from_db()
    assert comment.status == Comment.Status.TRASH
    assert comment.moderation_reason == "Deleted by its author"
    assert comment.body == "Regrettable words."  # a moderator can still see what was said
    trash = admin_client.get(reverse("admin:comments_comment_changelist"), {"status": "trash"})
    assert "Regrettable words." in trash.content.decode()
    Comment.objects.filter(pk=comment.pk).update(updated_at=timezone.now() - timedelta(days=31))
    call_command("purge_comments", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_with_a_reply_it_becomes_the_placeholder(essay, author):
    client, comment = author
    reply = CommentFactory(article=essay, parent=comment, status=Comment.Status.PENDING)
    assert client.post(delete_url(comment)).status_code == 302
    actions.change_status([reply], Comment.Status.APPROVED, "Set by a test")
    shown = page(Client(), essay)
    assert "This comment was removed." in shown
    assert "Regrettable words." not in shown
    assert reply.body in shown


def test_anybody_else_or_too_late_or_replied_gets_403(essay, author):
    client, comment = author
    for response in (Client().get(delete_url(comment)), Client().post(delete_url(comment))):
        assert response.status_code == 403
        assert "Only the person who wrote a comment can change it" in response.content.decode()
    reply = CommentFactory(article=essay, parent=comment)
    response = client.post(delete_url(comment))
    assert response.status_code == 403
    assert "Someone has replied" in response.content.decode()
    reply.delete()
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=16)  # the default window: 15
    )
    response = client.post(delete_url(comment))
    assert response.status_code == 403
    assert "that time is over" in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED


def test_a_deleted_comment_cannot_be_edited_or_seen_again(essay, author):
    client, comment = author
    client.post(delete_url(comment))
    assert client.post(delete_url(comment)).status_code == 403
    stranger = Client()
    assert stranger.get(delete_url(comment)).status_code == 404  # the trash is not shown
    edit = reverse("comments:edit", kwargs={"pk": comment.pk})
    assert stranger.get(edit).status_code == 404
