"""Akismet, optional: each new comment checked against a fake Akismet service started here on
127.0.0.1 (no network); moderators' decisions reported back; Akismet down, slow or refusing
the key → the local rules decide, logged, never a 500, the comment never lost."""

import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from comments.models import Comment
from spamfilter.models import Verdict
from tests.factories import CommentFactory

S = Comment.Status


class FakeAkismet:
    """Answers like rest.akismet.com: ``mode`` "ham", "spam", "slow" (sleeps past the
    budget) or "invalid" (a refused key). Records (path, form) of each request."""

    def __init__(self):
        self.mode = "ham"
        self.requests = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                fake.requests.append((self.path, form))
                if fake.mode == "slow":
                    time.sleep(1.5)
                if self.path.endswith("/comment-check"):
                    body = {"spam": "true", "ham": "false"}.get(fake.mode, "invalid")
                else:
                    body = "Thanks for making the web a better place."
                    if fake.mode == "invalid":
                        body = "invalid"
                data = body.encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up (slow)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def paths(self):
        return [path for path, _ in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def akismet(settings):
    fake = FakeAkismet()
    settings.AKISMET_API_KEY = "test-key"
    settings.AKISMET_API_URL = fake.url
    settings.AKISMET_TIMEOUT = 0.5
    yield fake
    fake.close()


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def new_comment(essay, body="A comment about the alliance."):
    return Comment.objects.create(
        article=essay,
        body=body,
        author_name="Visitor",
        author_email="visitor@example.com",
        ip_address="198.51.100.7",
    )


def test_each_new_comment_is_checked(essay, akismet):
    comment = new_comment(essay)
    path, form = akismet.requests[0]
    assert path == "/1.1/comment-check"
    assert form["api_key"] == "test-key"
    assert form["blog"] == "http://testserver"
    assert form["comment_content"] == "A comment about the alliance."
    assert form["comment_author"] == "Visitor"
    assert form["user_ip"] == "198.51.100.7"
    assert comment.status == S.PENDING  # Akismet says ham: the local rules decide
    assert comment.moderation_reason == "Held: first comment from this author"
    assert Verdict.objects.get(comment=comment).akismet == "ham"


def test_akismet_spam_goes_to_spam(essay, akismet):
    akismet.mode = "spam"
    comment = new_comment(essay)
    assert comment.status == S.SPAM
    assert comment.moderation_reason == "Spam: Akismet says so"
    assert Verdict.objects.get(comment=comment).akismet == "spam"


def test_not_configured_nothing_is_sent(essay, akismet, settings):
    settings.AKISMET_API_KEY = ""
    new_comment(essay)
    assert akismet.requests == []


def assert_local_rules_decided(comment, caplog, words):
    assert comment.pk is not None
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert comment.status == S.PENDING
    assert comment.moderation_reason == "Held: first comment from this author"
    assert Verdict.objects.get(comment=comment).akismet == "error"
    warnings = [r.getMessage() for r in caplog.records if r.name == "spamfilter.akismet_check"]
    assert any(words in w and "the local rules decide" in w for w in warnings), warnings


def test_akismet_down(essay, akismet, settings, caplog):
    settings.AKISMET_API_URL = f"http://127.0.0.1:{closed_port()}"
    with caplog.at_level(logging.WARNING):
        comment = new_comment(essay)
    assert_local_rules_decided(comment, caplog, "Error making request to Akismet")


def test_akismet_slow_is_given_up_within_the_budget(essay, akismet, caplog):
    akismet.mode = "slow"
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        comment = new_comment(essay)
    assert time.monotonic() - started < 1.4  # the 0.5 s budget, not the 1.5 s answer
    assert_local_rules_decided(comment, caplog, "Akismet timed out")


def test_akismet_refusing_the_key(essay, akismet, caplog):
    akismet.mode = "invalid"
    with caplog.at_level(logging.WARNING):
        comment = new_comment(essay)
    assert_local_rules_decided(comment, caplog, "API key")


def test_the_default_budget_is_two_seconds():
    from spamfilter.conf import DEFAULTS

    assert DEFAULTS["AKISMET_TIMEOUT"] == 2.0


def test_the_form_never_fails_when_akismet_is_down(essay, akismet, settings, post_comment):
    settings.AKISMET_API_URL = f"http://127.0.0.1:{closed_port()}"
    response = post_comment(essay, body="Posted while Akismet is down.")
    assert response.status_code == 302
    comment = Comment.objects.get(body="Posted while Akismet is down.")
    assert comment.status == S.PENDING


@pytest.mark.parametrize(
    ("action", "endpoint"), [("spam", "submit-spam"), ("approve", "submit-ham")]
)
def test_moderators_decisions_are_reported_back(
    moderator_client, essay, akismet, run_tasks, on_commit, action, endpoint
):
    comment = CommentFactory(
        article=essay, status=S.PENDING, body="Judged by a moderator", ip_address="192.0.2.9"
    )
    with on_commit():
        moderator_client.post(
            "/admin/comments/comment/", {"action": action, "_selected_action": [comment.pk]}
        )
    assert akismet.requests == []  # a task, not inside the moderator's request
    run_tasks()  # (approving may also mail the author)
    assert len(akismet.requests) == 1
    path, form = akismet.requests[0]
    assert path == f"/1.1/{endpoint}"
    assert form["comment_content"] == "Judged by a moderator"
    assert form["user_ip"] == "192.0.2.9"


def test_a_report_akismet_refuses_is_logged_not_raised(
    moderator_client, essay, akismet, run_tasks, on_commit, caplog
):
    comment = CommentFactory(article=essay, status=S.PENDING)
    akismet.mode = "invalid"
    with on_commit():
        moderator_client.post(
            reverse("admin:comments_comment_decide", args=[comment.pk]), {"queue_decision": "spam"}
        )
    with caplog.at_level(logging.WARNING):
        assert run_tasks() == 1
    assert any("Could not tell Akismet" in r.getMessage() for r in caplog.records)
    comment.refresh_from_db()
    assert comment.status == S.SPAM
