"""Outgoing mail: rendered and stored in the database, sent by the task worker, retried with
back-off, never sent inside a web request. A mail the server refuses for good (a 5xx reply
such as "550 no such user") is marked failed at once, with the server's words.

``queue_mail`` renders a mail (plain text and HTML) into an ``OutgoingMail`` row and, once the
transaction commits, enqueues the ``deliver_mail`` task for it. ``deliver_mail`` claims the row
with one conditional UPDATE (queued -> sending) before it talks to the mail server, so a task
that runs twice, or two workers that pick the same mail, send it once. The claim is committed
before the send rather than held as a row lock during it: on SQLite a lock held for an SMTP
round trip would block every comment being posted. A worker killed in the middle of a send
leaves the mail in "sending", where staff see it and can retry it (it may or may not have
left).
"""

import logging
import smtplib
from datetime import timedelta
from email.utils import make_msgid
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from .conf import settings as mail_settings
from .models import OutgoingMail

logger = logging.getLogger(__name__)

# A mail left in "sending" this long ago was interrupted: staff may retry it.
STALE_SENDING = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=1)


def absolute(path):
    """An absolute URL for a mail: SITE_URL + a path from reverse() or get_absolute_url()."""
    return settings.SITE_URL + path


def render_mail(template, context):
    """(subject, text, html) from the templates ``<template>_subject.txt``, ``.txt`` and
    ``.html`` (``template`` is a path prefix such as "subscriptions/email/new_post")."""
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "home_url": absolute(reverse("articles:index")),
        **context,
    }
    subject = render_to_string(f"{template}_subject.txt", context)
    subject = " ".join(subject.split())  # one line: a header never holds a line break
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    return subject, text, html


def queue_mail(kind, to, template, context, unsubscribe_url=None):
    """Store one mail to one address and have the worker send it after commit.

    ``unsubscribe_url`` (subscription mails) adds RFC 8058 one-click unsubscribe headers."""
    subject, text, html = render_mail(template, context)
    headers = {}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return store(kind, to, subject, text, html, headers)


def queue_message(kind, message):
    """Queue a message built elsewhere (allauth's account mails), one mail per recipient. A
    plain-text message gets an HTML part made from its text."""
    html = next((body for body, mimetype in message.alternatives if mimetype == "text/html"), "")
    if not html:
        html = render_to_string(
            "mail/plain.html",
            {
                "SITE_NAME": settings.SITE_NAME,
                "home_url": absolute(reverse("articles:index")),
                "text": message.body,
            },
        )
    return [
        store(kind, to, message.subject, message.body, html, dict(message.extra_headers))
        for to in message.to
    ]


def message_id():
    """A new Message-ID on the site's domain (the host of SITE_URL), not the machine's name."""
    host = urlsplit(settings.SITE_URL).hostname
    return make_msgid(domain=host.encode("idna").decode("ascii") if host else DNS_NAME)


def store(kind, to, subject, text, html, headers):
    # The Message-ID is chosen once, here: every attempt sends the same one, so a mail that
    # left twice (a retried send that had in fact gone) can be recognised as one.
    mail = OutgoingMail.objects.create(
        kind=kind,
        to=to,
        subject=subject[:255],
        body_text=text,
        body_html=html,
        headers={"Auto-Submitted": "auto-generated", "Message-ID": message_id(), **headers},
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(partial(deliver_mail.enqueue, mail.pk))
    return mail


def as_message(mail):
    headers = dict(mail.headers)
    if not any(name.lower() == "message-id" for name in headers):
        headers["Message-ID"] = message_id()  # a mail queued before Message-IDs were stored
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
        headers=headers,
    )
    message.attach_alternative(mail.body_html, "text/html")
    return message


def backoff(attempts):
    """The wait after the n-th failed attempt: base, 2 x base, 4 x base ... at most an hour."""
    seconds = mail_settings.MAIL_RETRY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


@task()
def deliver_mail(mail_id):
    """Send one queued mail. Returns what happened (kept in the task's result)."""
    now = timezone.now()
    claimed = (
        OutgoingMail.objects.filter(pk=mail_id, state=OutgoingMail.State.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(state=OutgoingMail.State.SENDING, attempts=F("attempts") + 1, last_attempt_at=now)
    )
    if not claimed:
        return "skipped: not due, or already sent or being sent"
    mail = OutgoingMail.objects.get(pk=mail_id)
    try:
        as_message(mail).send()
    except Exception as exc:  # a permanent refusal fails at once; anything else is retried
        return record_failure(mail, exc)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        state=OutgoingMail.State.SENT, sent_at=timezone.now(), next_attempt_at=None
    )
    return "sent"


# Refusals of the site's own session (the greeting, HELO, the log-in), not of this mail: every
# mail would get the same answer until the configuration or the server is fixed, so they are
# retried (and logged as errors) rather than failing the whole queue at once.
SESSION_REFUSALS = (
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
)


def smtp_codes(exc):
    """The SMTP reply codes of a refusal: one per refused recipient, or the one reply."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return [code for code, _ in exc.recipients.values()]
    if isinstance(exc, smtplib.SMTPResponseException):
        return [exc.smtp_code]
    return []


def is_permanent(exc):
    """Whether the mail server refused this mail for good: a 5xx reply to its sender, its
    recipient or its content ("550 no such user"). A 4xx reply ("451 try again later"), a
    connection that failed, and the refusal of the site's own session are temporary."""
    if isinstance(exc, SESSION_REFUSALS):
        return False
    codes = smtp_codes(exc)
    return bool(codes) and all(500 <= code < 600 for code in codes)


def reply(code, message):
    """An SMTP reply as the server wrote it: "550 no such user"."""
    text = message.decode(errors="replace") if isinstance(message, bytes) else message
    return f"{code} {text}"


def describe(exc):
    """The error as staff read it, with the server's own words: "SMTPRecipientsRefused:
    nobody@example.com: 550 no such user" rather than a repr of bytes."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(f"{to}: {reply(*answer)}" for to, answer in exc.recipients.items())
    elif isinstance(exc, smtplib.SMTPResponseException):
        detail = reply(exc.smtp_code, exc.smtp_error)
    else:
        detail = str(exc)
    return f"{type(exc).__name__}: {detail}"


def record_failure(mail, exc):
    mail.last_error = describe(exc)[:2000]
    if is_permanent(exc):
        mail.state = OutgoingMail.State.FAILED
        mail.next_attempt_at = None
        logger.error(
            "Mail %s to %s refused for good by the mail server, not retried: %s",
            mail.pk,
            mail.to,
            mail.last_error,
        )
    elif mail.attempts >= mail_settings.MAIL_MAX_ATTEMPTS:
        mail.state = OutgoingMail.State.FAILED
        mail.next_attempt_at = None
        logger.error("Mail %s to %s failed for good: %s", mail.pk, mail.to, mail.last_error)
    else:
        mail.state = OutgoingMail.State.QUEUED
        mail.next_attempt_at = timezone.now() + backoff(mail.attempts)
        # The server refusing the site's log-in is a configuration error: say it loudly.
        level = logging.ERROR if isinstance(exc, SESSION_REFUSALS) else logging.WARNING
        logger.log(
            level,
            "Mail %s to %s failed (attempt %s), retrying at %s: %s",
            mail.pk,
            mail.to,
            mail.attempts,
            mail.next_attempt_at,
            mail.last_error,
        )
    mail.save(update_fields=["state", "next_attempt_at", "last_error"])
    if mail.state == OutgoingMail.State.QUEUED:
        schedule(mail)
    return f"{mail.state}: {mail.last_error}"


def schedule(mail):
    """Enqueue the delivery of a mail for its next_attempt_at, after commit."""
    backend = deliver_mail.get_backend()
    if not backend.supports_defer:
        # A backend that cannot wait (the immediate one) would retry at once, in a loop:
        # leave the mail queued for "Retry now" in the admin.
        return
    task = deliver_mail.using(run_after=mail.next_attempt_at)
    transaction.on_commit(partial(task.enqueue, mail.pk))


def retry(mails):
    """Queue mails again now, with a fresh count of attempts (the admin's "Retry now"):
    failed ones, queued ones waiting for their next attempt, and sends interrupted long ago.
    Returns how many were queued."""
    now = timezone.now()
    retryable = mails.filter(
        Q(state__in=[OutgoingMail.State.FAILED, OutgoingMail.State.QUEUED])
        | Q(state=OutgoingMail.State.SENDING, last_attempt_at__lt=now - STALE_SENDING)
    )
    ids = list(retryable.values_list("pk", flat=True))
    OutgoingMail.objects.filter(pk__in=ids).update(
        state=OutgoingMail.State.QUEUED, attempts=0, next_attempt_at=now
    )
    for pk in ids:
        transaction.on_commit(partial(deliver_mail.enqueue, pk))
    return len(ids)
