from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment
from tests.factories import CommentFactory

S = Comment.Status


def age(comment, days):
    Comment.objects.filter(pk=comment.pk).update(updated_at=timezone.now() - timedelta(days=days))


def test_purges_old_spam_and_trash_only(essay):
    old_spam = CommentFactory(article=essay, status=S.SPAM)
    old_trash = CommentFactory(article=essay, status=S.TRASH)
    new_spam = CommentFactory(article=essay, status=S.SPAM)
    old_approved = CommentFactory(article=essay)
    old_pending = CommentFactory(article=essay, status=S.PENDING)
    for comment in [old_spam, old_trash, old_approved, old_pending]:
        age(comment, 31)
    age(new_spam, 29)
    out = StringIO()
    call_command("purge_comments", stdout=out)
    assert "Deleted 2 spam and trash comment(s) older than 30 days" in out.getvalue()
    assert set(Comment.objects.values_list("pk", flat=True)) == {
        new_spam.pk,
        old_approved.pk,
        old_pending.pk,
    }


def test_days_option_and_dry_run(essay):
    spam = CommentFactory(article=essay, status=S.SPAM)
    age(spam, 8)
    out = StringIO()
    call_command("purge_comments", "--days", "7", "--dry-run", stdout=out)
    assert "Would delete 1" in out.getvalue()
    assert Comment.objects.filter(pk=spam.pk).exists()
    call_command("purge_comments", "--days", "7", stdout=StringIO())
    assert not Comment.objects.filter(pk=spam.pk).exists()


def test_a_purged_comment_with_replies_stays_as_an_empty_placeholder(essay, client):
    spam = CommentFactory(
        article=essay, status=S.SPAM, body="Buy now", author_email="s@spam.example"
    )
    reply = CommentFactory(article=essay, parent=spam, body="Do not buy.")
    age(spam, 60)
    out = StringIO()
    call_command("purge_comments", stdout=out)
    assert "(and empty 1 kept as placeholders for their replies)" in out.getvalue()
    spam.refresh_from_db()
    assert (spam.body, spam.author_email, spam.ip_address) == ("", "", None)
    reply.refresh_from_db()
    assert reply.parent == spam
    page = client.get(essay.get_absolute_url()).content.decode()
    assert "This comment was removed." in page
    assert "Do not buy." in page
    assert "Buy now" not in page
