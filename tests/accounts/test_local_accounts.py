"""Accounts of this site: sign up with e-mail verification, log in, log out, password reset,
on pages in the site's own style; a logged-in commenter does not retype name and e-mail."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from comments.models import Comment
from tests.conftest import form_fields
from tests.factories import UserFactory
from tests.html import elements, unsafe_markup
from tests.oauth import ESSAY_RESPOND, enable_providers

PASSWORD = "a-long-pass-phrase"


@pytest.fixture(autouse=True)
def _no_social_providers(settings):
    enable_providers(settings)


@pytest.fixture
def member(db):
    """A confirmed local account."""
    user = UserFactory(
        username="ann",
        email="ann@example.com",
        password=PASSWORD,
        first_name="Ann",
        last_name="Reader",
    )
    EmailAddress.objects.create(user=user, email="ann@example.com", verified=True, primary=True)
    return user


def link_in(message):
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def sign_up(client, **overrides):
    data = {
        "name": "Ann Reader",
        "email": "ann@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "next": ESSAY_RESPOND,
    }
    data.update(overrides)
    return client.post("/accounts/signup/", data)


def logged_in(client):
    return "_auth_user_id" in client.session


def test_url_names_login_and_logout_are_allauths_pages():
    assert reverse("login") == reverse("account_login") == "/accounts/login/"
    assert reverse("logout") == reverse("account_logout") == "/accounts/logout/"


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accounts/login/", "Log in"),
        ("/accounts/signup/", "Create an account"),
        ("/accounts/password/reset/", "Reset your password"),
        ("/accounts/confirm-email/", "Confirm your e-mail address"),
    ],
)
def test_pages_in_the_sites_style(client, db, url, heading):
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert 'class="site-header' in page
    assert "/static/vendor/bootstrap/bootstrap.min.css" in page
    assert '<meta name="robots" content="noindex">' in page
    assert f"<title>{heading} – natoblog</title>" in page
    assert unsafe_markup(page.split('<main id="main"')[1]) == []  # no inline script or style
    for tag, attrs in elements(page):
        if tag == "input" and attrs.get("type") not in ("hidden", "checkbox"):
            assert f'for="{attrs["id"]}"' in page, attrs  # every field has a label


def test_sign_up_asks_for_the_name_comments_use(client, db):
    page = client.get("/accounts/signup/").content.decode()
    order = [page.index(f'for="id_{name}"') for name in ["name", "email", "password1"]]
    assert order == sorted(order)
    assert 'autocomplete="name"' in page


def test_sign_up_confirm_and_comment_without_retyping(
    client, essay, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)
    assert mail.outbox == []  # queued: the worker sends it
    run_tasks()
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not logged_in(client)
    user = get_user_model().objects.get()
    assert user.get_full_name() == "Ann Reader"
    assert EmailAddress.objects.get(user=user).verified is False

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.com"]
    assert message.subject.startswith("[natoblog] ")
    assert "Hello from natoblog!" in message.body
    confirm_url = link_in(message)
    page = client.get(confirm_url).content.decode()
    assert "Please confirm that ann@example.com is your e-mail address." in page
    response = client.post(confirm_url)
    # confirmed, logged in and back at the comment form
    assert response.status_code == 302
    assert response["Location"] == ESSAY_RESPOND
    assert EmailAddress.objects.get(user=user).verified is True
    assert logged_in(client)

    page = client.get(essay.get_absolute_url()).content.decode()
    assert "You are commenting using your account (Ann Reader)." in page
    assert 'name="author_email"' not in page
    client.post(
        "/comments/post/the-future-of-nato/", {"body": "Signed up to say this.", **form_fields()}
    )
    comment = Comment.objects.get()
    assert (comment.user, comment.author_name, comment.author_email) == (
        user,
        "Ann Reader",
        "ann@example.com",
    )
    # a verified address is a known author: approved at once
    assert comment.status == Comment.Status.APPROVED


def test_an_unconfirmed_account_cannot_log_in(client, db):
    sign_up(client)
    response = client.post("/accounts/login/", {"login": "ann@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not logged_in(client)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "   "}, "Please enter your name."),
        ({"email": "nope"}, "Enter a valid email address."),
        ({"password2": "something-else"}, "You must type the same password each time."),
        ({"password1": "123", "password2": "123"}, "This password is too short."),
    ],
)
def test_sign_up_errors_are_shown_next_to_the_fields(client, db, overrides, message):
    response = sign_up(client, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert get_user_model().objects.count() == 0


def test_sign_up_with_an_address_already_used_creates_nothing(
    client, member, django_capture_on_commit_callbacks, run_tasks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, name="Someone Else")
    run_tasks()
    assert response.status_code == 302  # same answer as a new address: no enumeration
    assert get_user_model().objects.count() == 1
    assert "already" in mail.outbox[0].body  # the owner is told instead


def test_log_in_and_return_to_the_article(client, essay, member):
    response = client.post(
        "/accounts/login/",
        {"login": "ann@example.com", "password": PASSWORD, "next": ESSAY_RESPOND},
    )
    assert response.status_code == 302
    assert response["Location"] == ESSAY_RESPOND
    page = client.get(essay.get_absolute_url()).content.decode()
    assert "You are commenting using your account (Ann Reader)." in page


def test_wrong_password(client, member):
    response = client.post("/accounts/login/", {"login": "ann@example.com", "password": "x"})
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert not logged_in(client)


def test_a_next_elsewhere_is_ignored(client, member):
    response = client.post(
        "/accounts/login/",
        {"login": "ann@example.com", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_log_out_is_post_only_and_returns_to_the_article(client, essay, member):
    client.force_login(member)
    response = client.get("/accounts/logout/")
    assert response.status_code == 200  # a confirmation page, still logged in
    assert logged_in(client)
    response = client.post("/accounts/logout/", {"next": ESSAY_RESPOND})
    assert response["Location"] == ESSAY_RESPOND
    assert not logged_in(client)


def test_change_opens_the_log_in_page_for_another_account(client, essay, member, db):
    other = UserFactory(username="bob", email="bob@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=other, email="bob@example.com", verified=True, primary=True)
    client.force_login(member)
    page = client.get(essay.get_absolute_url()).content.decode()
    change = re.search(r'<a href="([^"]+)">Change</a>', page).group(1)
    response = client.get(change.replace("&amp;", "&"))
    assert response.status_code == 200  # not sent away: the visitor is logged in
    assert "You are logged in as Ann Reader." in response.content.decode()
    response = client.post(
        "/accounts/login/",
        {"login": "bob@example.com", "password": PASSWORD, "next": ESSAY_RESPOND},
    )
    assert response["Location"] == ESSAY_RESPOND
    page = client.get(essay.get_absolute_url()).content.decode()
    assert "You are commenting using your account (bob)." in page


def test_password_reset(client, member, django_capture_on_commit_callbacks, run_tasks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "ann@example.com"})
    run_tasks()
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Check your e-mail" in page
    reset_url = link_in(mail.outbox[0])
    response = client.get(reset_url)  # allauth hides the key from the address bar
    assert response.status_code == 302
    form_url = response["Location"]
    page = client.get(form_url).content.decode()
    assert "<h1>Choose a new password</h1>" in page
    response = client.post(
        form_url, {"password1": "another-long-phrase", "password2": "another-long-phrase"}
    )
    assert response.status_code == 302
    assert "Password changed" in client.get(response["Location"]).content.decode()
    response = client.post(
        "/accounts/login/", {"login": "ann@example.com", "password": "another-long-phrase"}
    )
    assert logged_in(client)


def test_password_reset_for_an_unknown_address_reveals_nothing(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"


def test_header_links_to_log_in_or_to_the_account(client, essay, member):
    page = client.get("/").content.decode()
    assert '<a class="nav-link" href="/accounts/login/">Log in</a>' in page
    client.force_login(member)
    page = client.get("/").content.decode()
    assert '<a class="nav-link" href="/accounts/profile/">Your account</a>' in page


def test_the_form_offers_log_in_and_sign_up_with_the_way_back(client, essay):
    page = client.get(essay.get_absolute_url()).content.decode()
    assert (
        'href="/accounts/login/?next=/articles/the-future-of-nato/%23respond">Log in</a>' in page
    )
    assert (
        'href="/accounts/signup/?next=/articles/the-future-of-nato/%23respond">create an account'
        in page
    )
