"""Helpers for tests about e-mail: mail backends that fail, running the real worker, and
reading links out of mails."""

import re
import signal
from datetime import timedelta
from smtplib import SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone

DOWN_BACKEND = "tests.mailbox.DownBackend"
LOCMEM_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


class DownBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


def run_worker():
    """`manage.py db_worker --batch`: the real worker, until the queue holds nothing due.
    (It installs signal handlers for a graceful stop; put pytest's back afterwards.)"""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {number: signal.getsignal(number) for number in signals}
    try:
        call_command(
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval=0",
            verbosity=0,
        )
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def time_passes():
    """Jump ahead: mail waiting for its next attempt, and tasks deferred to later, are due."""
    from django_tasks_db.models import DBTaskResult

    from mail.models import OutgoingMail

    past = timezone.now() - timedelta(seconds=1)
    OutgoingMail.objects.filter(state=OutgoingMail.State.QUEUED).update(next_attempt_at=past)
    DBTaskResult.objects.filter(status="READY").update(run_after=past)


def html_part(message):
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return html


def links(text):
    return re.findall(r"https?://[^\s<>\"]+", text)


def link_to(message, name):
    """The path of the first link in the plain-text part whose URL contains ``name``
    (e.g. "/moderate/", "/unsubscribe/"); the link must be absolute, on SITE_URL."""
    from django.conf import settings

    for url in links(message.body):
        if name in url:
            assert url.startswith(settings.SITE_URL + "/")
            return url.removeprefix(settings.SITE_URL)
    raise AssertionError(f"no link with {name!r} in:\n{message.body}")


def sent_to(outbox, address):
    return [message for message in outbox if message.to == [address]]
