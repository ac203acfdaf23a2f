"""Delivery: every mail goes through the task queue and the worker, never the web request; a
mail server that is down delays mail without losing or doubling it; what fails for good is
shown to staff, who can retry it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from mail import delivery
from mail.models import OutgoingMail
from tests.factories import ArticleFactory
from tests.mailbox import DOWN_BACKEND, LOCMEM_BACKEND, html_part, run_worker, time_passes


def queue_one(to="reader@example.com"):
    return delivery.queue_mail(
        OutgoingMail.Kind.CONFIRMATION,
        to,
        "subscriptions/email/confirm",
        {"article": None, "confirm_url": "http://testserver/x/", "max_age_days": 7},
    )


def test_the_request_sends_nothing_the_worker_does(
    post_comment,
    essay,
    mailoutbox,
    moderator_emails,
    django_capture_on_commit_callbacks,
    run_tasks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment(essay, notify_comments="on")
    assert response.status_code == 302
    assert mailoutbox == []
    assert DBTaskResult.objects.ready().exists()

    run_tasks()
    assert sorted(m.to[0] for m in mailoutbox) == ["ann@example.com", "mods@example.com"]
    assert set(OutgoingMail.objects.values_list("state", flat=True)) == {"sent"}


def test_the_visitor_is_answered_when_the_mail_server_is_down(
    post_comment,
    essay,
    settings,
    mailoutbox,
    moderator_emails,
    django_capture_on_commit_callbacks,
    run_tasks,
):
    settings.EMAIL_BACKEND = DOWN_BACKEND
    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment(essay, body="Still here.")
    assert response.status_code == 302
    assert Comment.objects.get().body == "Still here."

    run_tasks()
    queued = OutgoingMail.objects.get()
    assert queued.state == OutgoingMail.State.QUEUED
    assert queued.attempts == 1
    assert "SMTPServerDisconnected" in queued.last_error
    assert queued.next_attempt_at > timezone.now()
    assert mailoutbox == []


def test_back_off_doubles_up_to_an_hour(settings):
    settings.MAIL_RETRY_BACKOFF_SECONDS = 60
    assert [delivery.backoff(n) for n in (1, 2, 3)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]
    assert delivery.backoff(20) == timedelta(hours=1)


def test_a_task_that_runs_twice_sends_once(db, mailoutbox):
    queued = queue_one()
    assert delivery.deliver_mail.call(queued.pk) == "sent"
    assert delivery.deliver_mail.call(queued.pk).startswith("skipped")
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("state", "due_in"),
    [("sending", 0), ("sent", 0), ("failed", 0), ("queued", 60)],
)
def test_only_a_queued_mail_that_is_due_is_sent(db, mailoutbox, state, due_in):
    queued = queue_one()
    OutgoingMail.objects.filter(pk=queued.pk).update(
        state=state, next_attempt_at=timezone.now() + timedelta(seconds=due_in)
    )
    assert delivery.deliver_mail.call(queued.pk).startswith("skipped")
    assert mailoutbox == []


def test_every_mail_has_text_and_html_and_the_site_name(db, mailoutbox):
    delivery.deliver_mail.call(queue_one().pk)
    (message,) = mailoutbox
    assert message.subject.startswith("[natoblog] ")
    assert "natoblog" in message.body
    assert "natoblog" in html_part(message)
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "List-Unsubscribe" not in message.extra_headers  # not a subscription mail


def test_a_mail_that_keeps_failing_is_shown_to_staff_who_can_retry_it(
    db, settings, admin_client, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    settings.EMAIL_BACKEND = DOWN_BACKEND
    settings.MAIL_MAX_ATTEMPTS = 3
    settings.MAIL_RETRY_BACKOFF_SECONDS = 0  # every retry is due at once
    with django_capture_on_commit_callbacks(execute=True):
        queued = queue_one("lost@example.com")
    run_tasks()
    queued.refresh_from_db()
    assert queued.state == OutgoingMail.State.FAILED
    assert queued.attempts == 3
    assert queued.next_attempt_at is None

    page = admin_client.get("/admin/mail/outgoingmail/", {"state__exact": "failed"})
    text = page.content.decode()
    assert "lost@example.com" in text
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in text
    detail = admin_client.get(f"/admin/mail/outgoingmail/{queued.pk}/change/")
    assert "SMTPServerDisconnected" in detail.content.decode()

    settings.EMAIL_BACKEND = LOCMEM_BACKEND
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/mail/outgoingmail/",
            {"action": "retry_now", "_selected_action": [queued.pk]},
            follow=True,
        )
    assert "1 mail(s) queued to be sent again." in response.content.decode()
    run_tasks()
    queued.refresh_from_db()
    assert queued.state == OutgoingMail.State.SENT
    assert [m.to for m in mailoutbox] == [["lost@example.com"]]


def test_retry_leaves_sent_mail_alone(db, mailoutbox, django_capture_on_commit_callbacks):
    queued = queue_one()
    delivery.deliver_mail.call(queued.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.retry(OutgoingMail.objects.all()) == 0
    assert len(mailoutbox) == 1


def test_an_interrupted_send_can_be_retried_once_stale(db):
    queued = queue_one()
    OutgoingMail.objects.filter(pk=queued.pk).update(
        state="sending", last_attempt_at=timezone.now()
    )
    assert delivery.retry(OutgoingMail.objects.all()) == 0  # may still be on its way
    OutgoingMail.objects.filter(pk=queued.pk).update(
        last_attempt_at=timezone.now() - timedelta(hours=1)
    )
    assert delivery.retry(OutgoingMail.objects.all()) == 1


def test_moderators_may_retry_mail(moderator_client):
    queue_one()
    page = moderator_client.get("/admin/mail/outgoingmail/")
    assert page.status_code == 200
    assert "Retry now" in page.content.decode()


# --- With the real worker (`manage.py db_worker --batch`), on SQLite and on PostgreSQL -------


@pytest.mark.django_db(transaction=True)
def test_worker_delivers_every_mail_exactly_once_after_an_outage(settings, client):
    from tests.conftest import comment_data

    settings.COMMENTS_MODERATOR_EMAILS = ["mods@example.com", "chief@example.com"]
    settings.EMAIL_BACKEND = DOWN_BACKEND
    article = ArticleFactory()
    response = client.post(
        f"/comments/post/{article.slug}/", comment_data(notify_comments="on", notify_posts="on")
    )
    assert response.status_code == 302
    assert mail.outbox == []  # nothing in the request

    run_worker()  # the mail server is down
    assert mail.outbox == []
    waiting = OutgoingMail.objects.all()
    assert waiting.count() == 4  # two moderators, two confirmations
    assert {m.state for m in waiting} == {"queued"}
    assert {m.attempts for m in waiting} == {1}
    run_worker()  # nothing is due yet: the back-off holds
    assert set(OutgoingMail.objects.values_list("attempts", flat=True)) == {1}

    settings.EMAIL_BACKEND = LOCMEM_BACKEND  # the server is back
    time_passes()
    run_worker()
    run_worker()
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        (m.to, m.subject) for m in OutgoingMail.objects.all()
    )
    assert len(mail.outbox) == 4
    assert set(OutgoingMail.objects.values_list("state", flat=True)) == {"sent"}
    assert not DBTaskResult.objects.failed().exists()


@pytest.mark.django_db(transaction=True)
def test_worker_marks_a_mail_failed_after_the_last_attempt(settings):
    settings.EMAIL_BACKEND = DOWN_BACKEND
    settings.MAIL_MAX_ATTEMPTS = 2
    queued = queue_one("nobody@example.com")
    run_worker()
    time_passes()
    run_worker()
    queued.refresh_from_db()
    assert queued.state == OutgoingMail.State.FAILED
    assert queued.attempts == 2
    assert "SMTPServerDisconnected" in queued.last_error
    assert mail.outbox == []


def test_account_mails_from_allauth_go_through_the_queue(
    client, db, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {
                "name": "Ann",
                "email": "ann@example.com",
                "password1": "a-long-pass-phrase",
                "password2": "a-long-pass-phrase",
            },
        )
    assert mailoutbox == []
    queued = OutgoingMail.objects.get()
    assert (queued.kind, queued.to) == ("account", "ann@example.com")
    run_tasks()
    (message,) = mailoutbox
    assert message.subject.startswith("[natoblog] ")
    assert "/accounts/confirm-email/" in message.body
    html = html_part(message)
    assert 'href="http://testserver/accounts/confirm-email/' in html  # made from the text
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
