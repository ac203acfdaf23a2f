"""The account page: the commenter's comments with their status, their e-mail addresses and
connected accounts."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.template.loader import get_template
from django.template.loader_tags import BlockNode

from comments.models import Comment
from tests.factories import CommentFactory
from tests.html import texts, unsafe_markup
from tests.oauth import enable_providers

S = Comment.Status


@pytest.fixture
def member(db, django_user_model):
    user = django_user_model.objects.create_user(
        "ann", "ann@example.com", "pw", first_name="Ann", last_name="Reader"
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


@pytest.mark.parametrize("url", ["/accounts/profile/"])
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
    assert '<meta name="robots" content="noindex">' in page


def test_the_page_keeps_a_block_for_subscriptions():
    # Subscriptions (comments.models.Subscription) are built in another branch; the page
    # keeps a named block where they are listed.
    template = get_template("accounts/profile.html").template
    blocks = [node.name for node in template.nodelist.get_nodes_by_type(BlockNode)]
    assert "subscriptions" in blocks


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
