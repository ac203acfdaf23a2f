"""Mail through a real SMTP server: aiosmtpd on 127.0.0.1, started by the tests, with STARTTLS
and AUTH required, driven by Django's own SMTP backend from the worker's `deliver_mail` task.

What the server received is read as bytes off the wire: both parts, the List-Unsubscribe and
Auto-Submitted headers, a Message-ID on the site's domain, non-ASCII names in RFC 2047
encoded-words. A 4xx refusal and a refused connection are retried with the back-off; a 5xx
refusal ("550 no such user") fails the mail at once, with the server's words."""

import email
import email.policy
import ipaddress
import logging
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings as django_settings
from django.core.mail.backends.smtp import EmailBackend
from django.utils import timezone
from django.utils.functional import cached_property
from django_tasks_db.models import DBTaskResult

from harness.processes import free_port
from mail import delivery
from mail.models import OutgoingMail
from subscriptions import optin
from subscriptions.models import Subscription
from tests.factories import ArticleFactory

USER, PASSWORD = "natoblog", "s3cret"
# Recipients the test server refuses, by local part, with its answer to RCPT TO.
REFUSALS = {"nobody": "550 no such user", "later": "451 try again later"}


class TrustTestCA(EmailBackend):
    """Django's SMTP backend, trusting the tests' certificate authority and nothing else.

    Django has no setting for the CA bundle that verifies the server (EMAIL_SSL_CERTFILE and
    EMAIL_SSL_KEYFILE are the client's own certificate): everything else (STARTTLS, the
    certificate and host name checks of ssl.create_default_context, AUTH) is Django's code."""

    @cached_property
    def ssl_context(self):
        return ssl.create_default_context(cafile=django_settings.TEST_SMTP_CA_FILE)


# --- The server ---------------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list
    raw: bytes  # the DATA as the client sent it
    tls: bool
    authenticated: bool

    @property
    def message(self):
        return email.message_from_bytes(self.raw, policy=email.policy.default)

    @property
    def raw_headers(self):
        """The top-level header fields as on the wire, unfolded (RFC 5322 2.2.3)."""
        head = self.raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # ASCII, or this fails
        fields = (line.partition(":") for line in head.replace("\r\n ", " ").split("\r\n"))
        return {name: value.strip() for name, _, value in fields}


@dataclass
class Recorder:
    """An aiosmtpd handler: answers RCPT TO from REFUSALS, records every message accepted."""

    received: list = field(default_factory=list)
    rcpt_tried: list = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_tried.append(address)
        refusal = REFUSALS.get(address.partition("@")[0])
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(
            Received(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                raw=envelope.original_content,
                tls=session.ssl is not None,
                authenticated=bool(session.authenticated),
            )
        )
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data):
    """One user and password; anything else gets "535 5.7.8 Authentication credentials
    invalid" (handled=False: aiosmtpd answers)."""
    valid = auth_data == LoginPassword(USER.encode(), PASSWORD.encode())
    return AuthResult(success=valid, handled=False)


def make_certificates(directory):
    """A throw-away certificate authority and a certificate for 127.0.0.1 signed by it (PEM
    files in ``directory``): what trustme does, with the cryptography package."""
    now = datetime.now(UTC)

    def certificate(subject, issuer, public_key, signing_key, extensions):
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=1))
        )
        for extension, critical in extensions:
            builder = builder.add_extension(extension, critical=critical)
        return builder.sign(signing_key, hashes.SHA256())

    usage = dict.fromkeys(
        [
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ],
        False,
    )
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = certificate(
        "natoblog test CA",
        "natoblog test CA",
        ca_key.public_key(),
        ca_key,
        [
            (x509.BasicConstraints(ca=True, path_length=0), True),
            (x509.KeyUsage(**{**usage, "key_cert_sign": True, "crl_sign": True}), True),
            (x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False),
        ],
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = certificate(
        "127.0.0.1",
        "natoblog test CA",
        key.public_key(),
        ca_key,
        [
            (x509.BasicConstraints(ca=False, path_length=None), True),
            (x509.KeyUsage(**{**usage, "digital_signature": True}), True),
            (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False),
            (
                x509.SubjectAlternativeName(
                    [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
                ),
                False,
            ),
            (x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False),
        ],
    )
    pem = serialization.Encoding.PEM
    paths = {name: directory / f"{name}.pem" for name in ("ca", "server", "server-key")}
    paths["ca"].write_bytes(ca.public_bytes(pem))
    paths["server"].write_bytes(server.public_bytes(pem))
    paths["server-key"].write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


@pytest.fixture(scope="session")
def certificates(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("smtp-tls"))


@pytest.fixture
def smtp_settings(settings, certificates):
    """Django's SMTP backend (trusting the test CA), STARTTLS and a log-in; no server yet."""
    settings.EMAIL_BACKEND = f"{__name__}.TrustTestCA"
    settings.TEST_SMTP_CA_FILE = str(certificates["ca"])
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there unless smtp_server starts
    settings.EMAIL_USE_TLS = True
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = USER
    settings.EMAIL_HOST_PASSWORD = PASSWORD
    settings.EMAIL_TIMEOUT = 10
    return settings


@pytest.fixture
def smtp_server(smtp_settings, certificates):
    """An SMTP server on 127.0.0.1 that requires STARTTLS, then AUTH; returns its Recorder."""
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(certificates["server"], certificates["server-key"])
    recorder = Recorder()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=smtp_settings.EMAIL_PORT,
        tls_context=tls,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
        auth_required=True,
    )
    controller.start()
    yield recorder
    controller.stop()


# --- Helpers --------------------------------------------------------------------------------


def time_passes():
    """Jump ahead: mail waiting for its next attempt, and tasks deferred to later, are due."""
    past = timezone.now() - timedelta(seconds=1)
    OutgoingMail.objects.filter(state=OutgoingMail.State.QUEUED).update(next_attempt_at=past)
    DBTaskResult.objects.filter(status="READY").update(run_after=past)


@pytest.fixture
def subscribe(django_capture_on_commit_callbacks, run_tasks):
    """Ask to follow the blog (a confirmation mail is queued), then let the worker run."""

    def subscribe_and_run(address):
        with django_capture_on_commit_callbacks(execute=True):
            optin.subscribe(address)
        run_tasks()
        return OutgoingMail.objects.get(to=address)

    return subscribe_and_run


def decoded(value):
    """A header value as it was on the wire, decoded (RFC 2047)."""
    return str(make_header(decode_header(value)))


# --- Delivery -------------------------------------------------------------------------------


def test_a_new_post_mail_is_delivered_over_starttls_and_auth(
    smtp_server, settings, django_capture_on_commit_callbacks, run_tasks
):
    settings.SITE_NAME = "Café Blog"
    settings.DEFAULT_FROM_EMAIL = "Café Blog <noreply@testserver>"
    Subscription.objects.create(kind="posts", email="fan@example.com", confirmed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(title="L’Europe après l’OTAN")
    run_tasks()

    mail = OutgoingMail.objects.get()
    assert (mail.kind, mail.state, mail.attempts, mail.last_error) == ("new_post", "sent", 1, "")
    (received,) = smtp_server.received
    assert received.tls
    assert received.authenticated
    assert received.mail_from == "noreply@testserver"
    assert received.rcpt_tos == ["fan@example.com"]

    message = received.message
    assert message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_content() for part in message.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "L’Europe après l’OTAN" in parts["text/plain"]
    assert "<html" in parts["text/html"].lower()

    assert message["Auto-Submitted"] == "auto-generated"
    # A long URL: the line is folded before it ("List-Unsubscribe: CRLF SP <http://...>").
    unsubscribe = message["List-Unsubscribe"].strip()
    assert unsubscribe.startswith("<http://testserver/comments/subscriptions/unsubscribe/")
    assert unsubscribe.endswith("/>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # On the site's domain (SITE_URL is http://testserver), the one stored with the mail.
    assert message["Message-ID"].endswith("@testserver>")
    assert message["Message-ID"] == mail.headers.get("Message-ID")

    # The header lines are ASCII on the wire (raw_headers decodes them as ASCII), the
    # non-ASCII names in RFC 2047 encoded-words, decoding to the right text.
    wire = received.raw_headers
    assert "=?utf-8?" in wire["Subject"].lower()
    assert "=?utf-8?" in wire["From"].lower()
    subject = "[Café Blog] New article: “L’Europe après l’OTAN”"
    assert decoded(wire["Subject"]) == subject
    assert decoded(wire["From"]) == "Café Blog <noreply@testserver>"
    # Folded right after "Subject:": Python's parser keeps that folding space.
    assert message["Subject"].strip() == subject
    assert message["From"].addresses[0].display_name == "Café Blog"
    assert message["From"].addresses[0].addr_spec == "noreply@testserver"


def test_a_mail_sent_again_keeps_its_message_id(
    smtp_server, subscribe, django_capture_on_commit_callbacks, run_tasks
):
    """The Message-ID is stored when the mail is queued: a second send of it (Retry now after
    a send that may or may not have left) can be recognised as the same mail."""
    mail = subscribe("reader@example.com")
    assert mail.state == OutgoingMail.State.SENT
    OutgoingMail.objects.filter(pk=mail.pk).update(state=OutgoingMail.State.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.retry(OutgoingMail.objects.filter(pk=mail.pk)) == 1
    run_tasks()

    first, second = (received.message["Message-ID"] for received in smtp_server.received)
    assert first == second  # not a new one per send
    assert first == mail.headers.get("Message-ID")
    assert first.endswith("@testserver>")


# --- Refusals -------------------------------------------------------------------------------


def test_a_temporary_refusal_is_retried_with_the_back_off(smtp_server, subscribe, run_tasks):
    mail = subscribe("later@example.com")
    assert mail.state == OutgoingMail.State.QUEUED
    assert mail.attempts == 1
    assert mail.last_error == "SMTPRecipientsRefused: later@example.com: 451 try again later"
    wait = mail.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(seconds=60)  # MAIL_RETRY_BACKOFF_SECONDS
    assert smtp_server.received == []

    time_passes()
    run_tasks()
    mail.refresh_from_db()
    assert (mail.state, mail.attempts) == (OutgoingMail.State.QUEUED, 2)
    wait = mail.next_attempt_at - timezone.now()
    assert timedelta(seconds=110) < wait <= timedelta(seconds=120)  # doubled
    assert smtp_server.rcpt_tried == ["later@example.com"] * 2


def test_a_permanent_refusal_fails_at_once_with_the_servers_words(
    smtp_server, subscribe, run_tasks, caplog
):
    with caplog.at_level(logging.WARNING, logger="mail.delivery"):
        mail = subscribe("nobody@example.com")
    assert mail.state == OutgoingMail.State.FAILED
    assert mail.attempts == 1
    assert mail.next_attempt_at is None
    assert mail.last_error == "SMTPRecipientsRefused: nobody@example.com: 550 no such user"
    (record,) = [r for r in caplog.records if r.name == "mail.delivery"]
    assert record.levelno == logging.ERROR
    assert "550 no such user" in record.getMessage()
    assert "not retried" in record.getMessage()

    # Not tried again later: nothing was deferred, and time passing sends nothing.
    time_passes()
    assert run_tasks() == 0
    mail.refresh_from_db()
    assert (mail.state, mail.attempts) == (OutgoingMail.State.FAILED, 1)
    assert smtp_server.rcpt_tried == ["nobody@example.com"]
    assert smtp_server.received == []


def test_a_refused_connection_is_retried(smtp_settings, subscribe):
    mail = subscribe("reader@example.com")  # smtp_settings alone: nothing listens on the port
    assert mail.state == OutgoingMail.State.QUEUED
    assert mail.attempts == 1
    assert mail.last_error.startswith("ConnectionRefusedError")
    assert mail.next_attempt_at > timezone.now()


def test_a_wrong_password_is_retried_and_logged_as_an_error(
    smtp_server, settings, subscribe, caplog
):
    """A 535 is the site's configuration, not this mail: every mail would get it. Failing them
    all at once would leave staff to retry the whole queue once the password is fixed; they
    are retried with the back-off instead (and go out by themselves then), logged as errors."""
    settings.EMAIL_HOST_PASSWORD = "wrong"
    with caplog.at_level(logging.WARNING, logger="mail.delivery"):
        mail = subscribe("reader@example.com")
    assert mail.state == OutgoingMail.State.QUEUED
    assert mail.attempts == 1
    assert mail.last_error.startswith("SMTPAuthenticationError: 535")
    assert mail.next_attempt_at > timezone.now()
    (record,) = [r for r in caplog.records if r.name == "mail.delivery"]
    assert record.levelno == logging.ERROR
    assert smtp_server.rcpt_tried == []


def test_a_server_certificate_the_site_does_not_trust_is_refused_and_retried(
    smtp_server, settings, subscribe
):
    """STARTTLS verifies the server: without the test CA (Django's own backend, the system's
    CAs) the handshake fails, nothing is sent, and the mail waits for a retry."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    mail = subscribe("reader@example.com")
    assert mail.state == OutgoingMail.State.QUEUED
    assert mail.last_error.startswith("SSLCertVerificationError")
    assert smtp_server.rcpt_tried == []
