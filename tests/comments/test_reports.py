"""Readers report a comment; past the threshold it goes back to the queue."""

from django.test import Client

from comments.models import Comment, DiscussionSettings, Flag
from tests.factories import CommentFactory, FlagFactory


def report(comment, ip, reason=""):
    client = Client(REMOTE_ADDR=ip)
    return client.post("/comments/report/", {"comment": comment.pk, "reason": reason})


def test_report_link_under_each_approved_comment(client, essay):
    comment = CommentFactory(article=essay)
    page = client.get(essay.get_absolute_url()).content.decode()
    assert f'href="/comments/report/?comment={comment.pk}"' in page


def test_report_page_asks_before_acting(client, essay):
    comment = CommentFactory(article=essay, body="Questionable words.")
    response = client.get(f"/comments/report/?comment={comment.pk}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Report a comment" in page
    assert "Questionable words." in page
    assert "Report this comment" in page
    assert Flag.objects.count() == 0


def test_report_records_a_flag_and_thanks(essay):
    comment = CommentFactory(article=essay)
    response = report(comment, "192.0.2.1", "spam link")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    flag = Flag.objects.get()
    assert flag.reason == "spam link"
    assert flag.comment == comment


def test_one_report_per_visitor(essay):
    comment = CommentFactory(article=essay)
    client = Client(REMOTE_ADDR="192.0.2.1")
    client.post("/comments/report/", {"comment": comment.pk})
    response = client.post("/comments/report/", {"comment": comment.pk}, follow=True)
    assert "You have already reported this comment." in response.content.decode()
    assert Flag.objects.count() == 1


def test_threshold_sends_the_comment_back_to_pending(essay):
    comment = CommentFactory(article=essay, body="Reported words.")
    for i in range(2):
        report(comment, f"192.0.2.{i}")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    report(comment, "192.0.2.99")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.moderation_reason == "Held: reported by 3 readers"
    assert "Reported words." not in Client().get(essay.get_absolute_url()).content.decode()


def test_threshold_is_a_setting(essay):
    rules = DiscussionSettings.load()
    rules.report_threshold = 1
    rules.save()
    comment = CommentFactory(article=essay)
    report(comment, "192.0.2.1")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_only_approved_comments_can_be_reported(client, essay):
    pending = CommentFactory(article=essay, status=Comment.Status.PENDING)
    assert client.get(f"/comments/report/?comment={pending.pk}").status_code == 404
    assert client.get("/comments/report/?comment=nope").status_code == 404
    assert report(pending, "192.0.2.1").status_code == 404


def test_moderators_see_flag_counts(moderator_client, essay):
    comment = CommentFactory(article=essay)
    FlagFactory.create_batch(2, comment=comment)
    page = moderator_client.get("/admin/comments/comment/").content.decode()
    assert '<td class="field-flag_count">2</td>' in page
    change = moderator_client.get(f"/admin/comments/comment/{comment.pk}/change/")
    assert "Reported by readers (2)" in change.content.decode()
