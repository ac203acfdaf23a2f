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


def created(comment, days):
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_ip_addresses_and_browsers_of_old_comments_are_removed(essay, settings):
    settings.COMMENTS_ANONYMISE_IP_AFTER_DAYS = 60
    old = CommentFactory(article=essay, ip_address="192.0.2.1", user_agent="Firefox/140")
    recent = CommentFactory(article=essay, ip_address="192.0.2.2", user_agent="Lynx/2.9")
    created(old, 61)
    created(recent, 59)
    out = StringIO()
    call_command("purge_comments", stdout=out)
    assert "Removed the IP address and browser of 1 comment(s) older than 60 days." in (
        out.getvalue()
    )
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (recent.ip_address, recent.user_agent) == ("192.0.2.2", "Lynx/2.9")
    # the rest of the comment is untouched, and it stays where it was
    assert old.status == S.APPROVED
    assert old.author_name.startswith("Reader")


def test_anonymising_dry_run_override_and_off(essay, settings):
    settings.COMMENTS_ANONYMISE_IP_AFTER_DAYS = 60
    comment = CommentFactory(article=essay, ip_address="192.0.2.1")
    created(comment, 10)
    out = StringIO()
    call_command("purge_comments", "--anonymise-after", "7", "--dry-run", stdout=out)
    assert "Would remove the IP address and browser of 1 comment(s) older than 7 days." in (
        out.getvalue()
    )
    comment.refresh_from_db()
    assert comment.ip_address == "192.0.2.1"

    settings.COMMENTS_ANONYMISE_IP_AFTER_DAYS = 0
    out = StringIO()
    call_command("purge_comments", stdout=out)
    assert "IP address" not in out.getvalue()
    comment.refresh_from_db()
    assert comment.ip_address == "192.0.2.1"

    call_command("purge_comments", "--anonymise-after", "7", stdout=StringIO())
    comment.refresh_from_db()
    assert comment.ip_address is None


def test_the_setting_comes_from_the_environment():
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from comments.conf import settings as conf; print(conf.COMMENTS_ANONYMISE_IP_AFTER_DAYS)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "natoblog.settings"}
    for value, expected in [(None, "60"), ("14", "14"), ("0", "0")]:
        env.pop("COMMENTS_ANONYMISE_IP_AFTER_DAYS", None)
        if value is not None:
            env["COMMENTS_ANONYMISE_IP_AFTER_DAYS"] = value
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=Path(__file__).resolve().parents[2],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.stdout.strip() == expected, result.stderr
