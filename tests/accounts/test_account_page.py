"""The account page: the commenter's comments with their status; deleting the account with
a choice for the comments (kept anonymised, or removed with replies left in place)."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client

from comments.models import Comment
from tests.factories import CommentFactory, SubscriptionFactory, UserFactory
from tests.html import texts, unsafe_markup
from tests.oauth import enable_providers

S = Comment.Status


@pytest.fixture
def member(db):
    user = UserFactory(
        username="ann", email="ann@example.com", first_name="Ann", last_name="Reader"
    )
    EmailAddress.objects.create(user=user, email="ann@example.com", verified=True, primary=True)
    return user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def by(user, **fields):
    """A comment posted by a logged-in user, as the form saves it."""
    data = {
        "user": user,
        "author_name": "Ann Reader",
        "author_email": "ann@example.com",
        "author_url": "https://ann.example/",
        "ip_address": "198.51.100.7",
        "user_agent": "Mozilla/5.0",
    }
    data.update(fields)
    return CommentFactory(**data)


@pytest.mark.parametrize("url", ["/accounts/profile/", "/accounts/delete/"])
def test_log_in_required(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_the_page_lists_my_comments_with_their_status(member_client, member, essay):
    by(member, article=essay, body="Published words.", status=S.APPROVED)
    by(member, article=essay, body="Waiting words.", status=S.PENDING)
    by(member, article=essay, body="Spammy words.", status=S.SPAM)
    CommentFactory(article=essay, body="Someone else's words.")
    response = member_client.get("/accounts/profile/")
    assert response.status_code == 200
    page = response.content.decode()
    assert texts(page, "h1") == ["Your account"]
    assert "Your comments" in texts(page, "h2")
    assert "Ann Reader" in page
    assert "ann@example.com" in page
    for words, status in [
        ("Published words.", "Published"),
        ("Waiting words.", "Awaiting moderation"),
        ("Spammy words.", "Not published"),
    ]:
        assert words in page
        item = page[: page.index(words)].rsplit("<li>", 1)[1]
        assert status in item
        assert essay.title in item
    assert "Someone else's words." not in page
    assert 'href="/accounts/delete/"' in page
    assert '<meta name="robots" content="noindex">' in page


def test_the_page_lists_my_subscriptions_and_links_to_manage_them(member_client, member, essay):
    from subscriptions.models import Subscription
    from subscriptions.optin import manage_path
    from subscriptions.tokens import read_manage_token

    SubscriptionFactory(article=essay, email="ANN@example.com", confirmed=False)
    SubscriptionFactory(kind="posts", email="ann@example.com")
    SubscriptionFactory(kind="posts", email="someone.else@example.com", confirmed=False)
    page = member_client.get("/accounts/profile/").content.decode()
    assert "New comments on" in page
    assert "Waiting for confirmation" in page
    assert "New posts on" in page
    assert "Active" in page
    assert "someone.else@example.com" not in page
    # the manage link's token is signed with the time: compare what it is for, not its text
    posts = Subscription.objects.get(kind="posts", email="ann@example.com")
    prefix = manage_path(posts.email_hash).rsplit("/", 2)[0] + "/"
    tokens = re.findall(re.escape(prefix) + r"([^/\"]+)/", page)
    assert tokens
    assert {read_manage_token(token) for token in tokens} == {posts.email_hash}


def test_an_unverified_address_shows_no_subscriptions(member_client, member):

    EmailAddress.objects.create(user=member, email="claimed@example.com", verified=False)
    SubscriptionFactory(kind="posts", email="claimed@example.com")
    page = member_client.get("/accounts/profile/").content.decode()
    assert "You are not subscribed to anything." in page
    assert "claimed@example.com</a>" not in page


def test_deleting_the_account_ends_its_subscriptions(member_client, member):
    from subscriptions.models import Subscription

    SubscriptionFactory(kind="posts", email="ann@example.com")
    kept = SubscriptionFactory(kind="posts", email="other@example.com", confirmed=False)
    member_client.post("/accounts/delete/", {"comments": "anonymise", "confirm": "on"})
    assert list(Subscription.objects.all()) == [kept]


def test_the_page_shows_connected_accounts(member_client, member):
    SocialAccount.objects.create(
        user=member, provider="wordpress_com", uid="42", extra_data={"display_name": "Ann W"}
    )
    page = member_client.get("/accounts/profile/").content.decode()
    assert "WordPress.com (Ann W)" in page


def test_many_comments_are_paginated(member_client, member, essay):
    for i in range(25):
        by(member, article=essay, body=f"Comment {i}.")
    page = member_client.get("/accounts/profile/").content.decode()
    assert page.count('<li>\n              <p class="account-comment-meta">') == 20
    assert 'href="?page=2"' in page


def test_delete_asks_first_and_deletes_nothing_on_get(member_client, member, essay):
    by(member, article=essay)
    response = member_client.get("/accounts/delete/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Delete your account</h1>" in page
    assert 'value="anonymise"' in page
    assert 'value="remove"' in page
    assert get_user_model().objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"confirm": "on"}, "Please choose what happens to your comments."),
        ({"comments": "anonymise"}, "Please tick the box to confirm."),
        ({"comments": "shred", "confirm": "on"}, "Select a valid choice."),
    ],
)
def test_delete_needs_a_choice_and_a_confirmation(member_client, member, data, message):
    response = member_client.post("/accounts/delete/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert get_user_model().objects.filter(pk=member.pk).exists()


def test_delete_keeping_comments_anonymised(member_client, member, essay):
    kept = by(member, article=essay, body="My considered view.", notify_comments=True)
    pending = by(member, article=essay, body="Still waiting.", status=S.PENDING)
    SocialAccount.objects.create(user=member, provider="facebook", uid="1")
    response = member_client.post(
        "/accounts/delete/", {"comments": "anonymise", "confirm": "on"}, follow=True
    )
    assert response.redirect_chain == [("/", 302)]
    assert "Your account was deleted. Your comments stay, anonymised." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in member_client.session
    assert not get_user_model().objects.filter(username="ann").exists()
    assert not EmailAddress.objects.exists()
    assert not SocialAccount.objects.exists()

    kept.refresh_from_db()
    assert kept.body == "My considered view."
    assert kept.status == S.APPROVED
    assert pending.__class__.objects.get(pk=pending.pk).status == S.PENDING
    for comment in Comment.objects.all():
        assert comment.author_name == "Anonymous"
        assert comment.author_email == ""
        assert comment.email_hash == ""
        assert comment.author_url == ""
        assert comment.ip_address is None
        assert comment.user_agent == ""
        assert comment.user is None
        assert comment.notify_comments is False
    page = Client().get(essay.get_absolute_url()).content.decode()
    assert "My considered view." in page
    assert "Anonymous" in page
    assert "Ann Reader" not in page
    assert "ann.example" not in page


def test_delete_removing_comments_keeps_the_replies_of_others(member_client, member, essay):
    alone = by(member, article=essay, body="Nobody answered this.")
    answered = by(member, article=essay, body="Somebody answered this.")
    reply = CommentFactory(article=essay, parent=answered, body="I am the answer.")
    # my own reply to my own comment goes too, and then no longer holds its parent
    mine_first = by(member, article=essay, body="Thread of my own.")
    by(member, article=essay, parent=mine_first, body="Replying to myself.")
    member_client.post("/accounts/delete/", {"comments": "remove", "confirm": "on"})

    assert not Comment.objects.filter(pk=alone.pk).exists()
    assert not Comment.objects.filter(pk=mine_first.pk).exists()
    assert not Comment.objects.filter(body__contains="myself").exists()
    placeholder = Comment.objects.get(pk=answered.pk)
    assert placeholder.body == ""
    assert placeholder.status == S.TRASH
    assert placeholder.author_name == "Anonymous"
    assert placeholder.author_email == ""
    assert placeholder.ip_address is None
    assert placeholder.user is None
    assert placeholder.moderation_reason == "Removed: its author deleted their account"
    reply.refresh_from_db()
    assert reply.parent_id == answered.pk

    page = Client().get(essay.get_absolute_url()).content.decode()
    assert "I am the answer." in page
    assert "This comment was removed." in page
    for gone in ["Nobody answered", "Somebody answered", "Thread of my own", "Ann Reader"]:
        assert gone not in page


def test_delete_is_post_only_for_the_deletion(member_client, member):
    assert member_client.put("/accounts/delete/").status_code == 405
    assert get_user_model().objects.filter(pk=member.pk).exists()


def test_delete_leaves_other_peoples_comments_alone(member_client, member, essay):
    other = CommentFactory(article=essay, author_name="Pat", author_email="pat@example.com")
    member_client.post("/accounts/delete/", {"comments": "remove", "confirm": "on"})
    other.refresh_from_db()
    assert other.author_name == "Pat"
    assert other.author_email == "pat@example.com"


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accounts/email/", "E-mail addresses"),
        ("/accounts/password/change/", "Change your password"),
        ("/accounts/3rdparty/", "Connected accounts"),
        ("/accounts/logout/", "Log out"),
    ],
)
def test_managing_pages_in_the_sites_style(member_client, member, url, heading):
    SocialAccount.objects.create(
        user=member, provider="twitter_oauth2", uid="7", extra_data={"username": "annr"}
    )
    response = member_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert 'class="site-header' in page
    assert unsafe_markup(page.split('<main id="main"')[1]) == []


def test_connected_accounts_can_be_disconnected(member_client, member, settings):
    enable_providers(settings, "twitter_oauth2")
    account = SocialAccount.objects.create(
        user=member, provider="twitter_oauth2", uid="7", extra_data={"username": "annr"}
    )
    page = member_client.get("/accounts/3rdparty/").content.decode()
    assert f'<label class="form-check-label" for="id_account_{account.pk}">X: annr</label>' in page
    response = member_client.post("/accounts/3rdparty/", {"account": account.pk})
    assert response.status_code == 302
    assert not SocialAccount.objects.exists()
