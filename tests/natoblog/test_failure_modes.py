"""When a service the site leans on is down: a mail server, Redis, the database. The site
keeps serving, never answers 500 to a comment post, and loses no comment it accepted.

(A database restarting under load, with gunicorn and PostgreSQL, is in
scripts/concurrency_check.py --kill-connections.)"""

import logging
import re
import socket
from contextlib import contextmanager

import pytest
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from comments.models import Comment
from tests.conftest import comment_data
from tests.factories import UserFactory

POST_URL = "/comments/post/the-future-of-nato/"


def closed_port():
    """A port on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Mail ----------------------------------------------------------------------------------------


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2
    with pytest.raises(ConnectionRefusedError):  # the premise: sending mail fails here
        send_mail("test", "body", None, ["someone@example.com"])
    return settings


def test_posting_works_while_the_mail_server_is_down(client, essay, mail_server_down):
    response = client.post(POST_URL, comment_data(body="Mail is down, words are not."))
    assert response.status_code == 302
    assert Comment.objects.filter(body="Mail is down, words are not.").exists()


def test_staff_approval_works_while_the_mail_server_is_down(
    moderator_client, essay, mail_server_down
):
    from tests.factories import CommentFactory

    comment = CommentFactory(article=essay, status=Comment.Status.PENDING)
    response = moderator_client.post(
        "/admin/comments/comment/", {"action": "approve", "_selected_action": [comment.pk]}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


# Redis ---------------------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    """The site's Redis cache backend (natoblog.cache), pointed at a port where nothing
    listens."""
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    location = f"redis://127.0.0.1:{closed_port()}/0"
    with pytest.raises(RedisConnectionError):  # the premise: Redis itself is unreachable
        Redis.from_url(location, socket_connect_timeout=1).ping()
    settings.CACHES = {
        "default": {
            "BACKEND": "natoblog.cache.RedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    return settings


def test_pages_are_served_while_redis_is_down(client, essay, redis_down):
    assert client.get("/").status_code == 200
    assert client.get(essay.get_absolute_url()).status_code == 200


def test_posting_works_and_rate_limits_degrade_while_redis_is_down(
    client, essay, redis_down, caplog
):
    redis_down.COMMENTS_RATE_LIMIT_PER_IP = 1
    with caplog.at_level(logging.WARNING):
        for n in range(3):  # past the limit of 1: the limit cannot be counted, so it is lifted
            response = client.post(POST_URL, comment_data(body=f"Still here {n}."))
            assert response.status_code == 302
    assert Comment.objects.count() == 3
    assert "Redis unavailable: serving without the cache" in caplog.text


def test_the_admin_log_in_works_while_redis_is_down(client, db, redis_down):
    UserFactory(username="boss", email="b@example.com", is_staff=True)
    response = client.post("/admin/login/", {"username": "boss", "password": "pw"})
    assert response.status_code == 302


# The database --------------------------------------------------------------------------------


@contextmanager
def database_down(error=OperationalError, message="server closed the connection unexpectedly"):
    """Every query fails, as while PostgreSQL restarts (or SQLite stays locked)."""

    def fail(execute, sql, params, many, context):
        raise error(message)

    with connection.execute_wrapper(fail):
        yield


def test_a_database_error_while_saving_answers_503_keeping_the_text(client, essay, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(Comment, "save", locked)
    response = client.post(
        POST_URL,
        comment_data(
            body="Do not lose me.",
            author_name="Zoë",
            author_url="https://zoe.example/",
            notify_comments="on",
        ),
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "Your comment was not posted yet" in page
    assert "Do not lose me." in page
    assert 'value="Zoë"' in page
    assert 'value="https://zoe.example/"' in page
    assert re.search(r'name="notify_comments"[^>]*checked', page)
    assert 'action="/comments/post/the-future-of-nato/#respond"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="timestamp"' in page


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (OperationalError, "server closed the connection unexpectedly"),
        (OperationalError, "database is locked"),
        (InterfaceError, "connection already closed"),
    ],
)
def test_a_database_that_is_down_answers_503_never_500(essay, error, message):
    client = Client(raise_request_exception=False)
    with database_down(error, message):
        response = client.post(POST_URL, comment_data(body="Posted during a restart."))
    assert response.status_code == 503
    assert "Posted during a restart." in response.content.decode()


def test_a_logged_in_visitor_gets_the_page_too(client, essay):
    user = UserFactory(username="olga", email="olga@example.com")
    client.force_login(user)
    client.raise_request_exception = False
    with database_down():
        response = client.post(POST_URL, {"body": "As Olga, in a storm."})
    assert response.status_code == 503
    assert "As Olga, in a storm." in response.content.decode()


def test_after_the_database_is_back_the_same_post_goes_through(client, essay):
    data = comment_data(body="Second try works.")
    client.raise_request_exception = False
    with database_down():
        assert client.post(POST_URL, data).status_code == 503
    assert client.post(POST_URL, data).status_code == 302
    assert Comment.objects.filter(body="Second try works.").count() == 1


def test_a_session_that_cannot_be_saved_does_not_spoil_an_accepted_comment(
    client, essay, monkeypatch
):
    """The connection dies between storing the comment and saving the session: the visitor
    still goes to their comment (Django alone would answer a bare 400 or a 500)."""
    from django.contrib.sessions.backends.db import SessionStore

    calls = []

    def dead(self, must_create=False):
        calls.append(must_create)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "save", dead)
    response = client.post(POST_URL, comment_data(body="Stored before the session."))
    assert response.status_code == 302
    assert Comment.objects.filter(body="Stored before the session.").exists()
    assert len(calls) == 2  # tried once more, then gave up (logged)


def test_a_session_saved_on_the_second_try_keeps_the_visitor_pending_comment(
    client, essay, monkeypatch
):
    from django.contrib.sessions.backends.db import SessionStore

    real_save = SessionStore.save
    failures = []

    def flaky(self, must_create=False):
        if not failures:
            failures.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return real_save(self, must_create)

    monkeypatch.setattr(SessionStore, "save", flaky)
    client.post(POST_URL, comment_data(body="Mine, awaiting moderation."))
    monkeypatch.undo()
    page = client.get(essay.get_absolute_url()).content.decode()
    assert "Mine, awaiting moderation." in page
    assert "Your comment is awaiting moderation." in page


def test_any_page_answers_503_while_the_database_is_down(essay):
    client = Client(raise_request_exception=False)
    with database_down():
        for url in ["/", essay.get_absolute_url(), "/comments/report/?comment=1"]:
            response = client.get(url)
            assert response.status_code == 503, url
            assert response["Retry-After"] == "10"
            assert "Back in a moment" in response.content.decode()
    assert client.get("/").status_code == 200  # and back by itself


def test_once_stored_a_comment_is_never_answered_as_not_posted(client, essay, monkeypatch):
    """The database fails right after the comment is stored (finding its page): the visitor
    still goes to the article, at their comment."""
    from comments import views

    def fail(comment):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "page_of", fail)
    response = client.post(POST_URL, comment_data(body="Stored, then the lights went out."))
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/articles/the-future-of-nato/#comment-{comment.pk}"


def test_the_cache_answers_as_an_empty_cache_while_redis_is_down(redis_down):
    from django.core.cache import cache

    assert cache.get("key", "default") == "default"
    cache.set("key", "value")
    assert cache.add("key", "value") is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("key") is False
    with pytest.raises(ValueError, match="not found"):
        cache.incr("key")
    assert cache.get_or_set("key", "computed") == "computed"


def test_the_rate_limit_still_degrades_with_a_cache_that_raises(client, essay, settings):
    """Any other cache backend that raises: the post goes through (comments.spam)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    response = client.post(POST_URL, comment_data(body="Through a broken cache."))
    assert response.status_code == 302


def test_a_failure_after_the_comment_is_stored_still_lands_on_it(client, essay, monkeypatch):
    """The INSERT is committed, then queueing its mail fails as the connection dies: the
    visitor is not told "not posted" (posting again would only meet the duplicate check)."""
    from subscriptions import notifications

    def dead(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(notifications, "later", dead)
    response = client.post(POST_URL, comment_data(body="Stored; the mail queue was down."))
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
