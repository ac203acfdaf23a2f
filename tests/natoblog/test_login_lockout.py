"""Log-in pages lock out repeated failures (django-axes), with a clear page."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory

ADMIN_LOGIN = "/admin/login/"
SITE_LOGIN = "/accounts/login/"
LOCKED = "Too many failed log-ins"


@pytest.fixture
def editor(db):
    from allauth.account.models import EmailAddress

    user = UserFactory(
        username="editor", email="editor@example.com", password="right-password", is_staff=True
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def log_in(client, url, password, **extra):
    """The admin logs in with a username, the site (allauth) with an e-mail address."""
    if url == ADMIN_LOGIN:
        data = {"username": "editor", "password": password}
    else:
        data = {"login": "editor@example.com", "password": password}
    return client.post(url, data, **extra)


def fail(client, url, times, **extra):
    for _ in range(times):
        response = log_in(client, url, "wrong", **extra)
        assert response.status_code == 200  # the usual "please enter a correct..." form
        assert LOCKED not in response.content.decode()


@pytest.mark.parametrize("url", [ADMIN_LOGIN, SITE_LOGIN])
def test_failures_up_to_the_limit_then_locked_out(client, editor, settings, url):
    settings.AXES_FAILURE_LIMIT = 5
    fail(client, url, 4)
    response = log_in(client, url, "wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page
    assert "paused after 5 failed attempts" in page
    assert "try again in 15 minutes" in page
    assert response["Retry-After"] == "900"
    # even the right password is refused now (on the site's page allauth's own limit on
    # failed log-ins may answer first, with its message: refused all the same)
    response = log_in(client, url, "right-password")
    assert response.status_code in {429, 200}
    assert re.search(r"Too many failed log-?ins?", response.content.decode())
    assert "_auth_user_id" not in client.session


def test_failures_on_both_log_in_pages_add_up(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 4
    fail(client, SITE_LOGIN, 2)
    fail(client, ADMIN_LOGIN, 1)
    assert log_in(client, ADMIN_LOGIN, "wrong").status_code == 429
    assert log_in(client, SITE_LOGIN, "right-password").status_code == 429


def test_a_success_before_the_limit_resets_the_count(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    fail(client, SITE_LOGIN, 2)
    assert log_in(client, SITE_LOGIN, "right-password").status_code == 302
    client.logout()
    fail(client, SITE_LOGIN, 2)
    assert log_in(client, SITE_LOGIN, "right-password").status_code == 302


def test_another_address_can_still_log_in(editor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    fail(attacker, ADMIN_LOGIN, 2)
    assert log_in(attacker, ADMIN_LOGIN, "wrong").status_code == 429
    other = Client(REMOTE_ADDR="198.51.100.2")
    assert log_in(other, ADMIN_LOGIN, "right-password").status_code == 302


def test_behind_a_trusted_proxy_the_client_address_is_locked_not_the_proxy(editor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.COMMENTS_TRUSTED_PROXIES = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    fail(proxy, ADMIN_LOGIN, 2, HTTP_X_FORWARDED_FOR="203.0.113.66")
    locked = log_in(proxy, ADMIN_LOGIN, "wrong", HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert locked.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.66"
    other = log_in(proxy, ADMIN_LOGIN, "right-password", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other.status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    fail(client, ADMIN_LOGIN, 2)
    assert log_in(client, ADMIN_LOGIN, "wrong").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(client, ADMIN_LOGIN, "right-password").status_code == 302
