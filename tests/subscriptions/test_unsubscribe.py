"""Leaving: one-click unsubscribe from any subscription mail (RFC 8058, no log-in), and the
"manage my subscriptions" page reached through a signed link."""

import pytest
from django.test import Client

from mail import links
from subscriptions import tokens as signing
from subscriptions.models import Subscription
from tests.factories import ArticleFactory, SubscriptionFactory


@pytest.fixture
def subscription(db):
    return SubscriptionFactory(
        article=ArticleFactory(title="On Deterrence"), email="sub@example.com"
    )


def unsubscribe_url(subscription):
    return f"/comments/subscriptions/unsubscribe/{signing.unsubscribe_token(subscription)}/"


def manage_url(email_hash):
    return f"/comments/subscriptions/manage/{signing.manage_token(email_hash)}/"


def test_opening_the_unsubscribe_link_asks_first(client, subscription):
    response = client.get(unsubscribe_url(subscription))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Unsubscribe?</h1>" in page
    assert "On Deterrence" in page
    assert "sub@example.com" not in page
    assert Subscription.objects.exists()


def test_the_button_unsubscribes(client, subscription):
    response = client.post(unsubscribe_url(subscription))
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert not Subscription.objects.exists()


def test_one_click_post_from_a_mail_client_needs_no_cookie_or_csrf_token(subscription):
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        unsubscribe_url(subscription),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()


def test_unsubscribing_twice_is_fine(client, subscription):
    url = unsubscribe_url(subscription)
    client.post(url)
    response = client.post(url)
    assert response.status_code == 200
    assert "already ended" in response.content.decode()


def test_an_altered_unsubscribe_link_changes_nothing(client, subscription):
    token = signing.unsubscribe_token(subscription)
    for bad in (token[:-3] + "abc", signing.confirmation_token(subscription)):
        response = client.post(f"/comments/subscriptions/unsubscribe/{bad}/")
        assert response.status_code == 400
    # a genuine token for one subscription cannot end another
    other = SubscriptionFactory(kind="posts", email="other@example.com", confirmed=False)
    forged = links.make(signing.UNSUBSCRIBE, {"s": other.pk, "h": subscription.email_hash[:16]})
    assert client.post(f"/comments/subscriptions/unsubscribe/{forged}/").status_code == 400
    assert Subscription.objects.count() == 2


def test_the_manage_page_lists_and_ends_subscriptions(client, subscription):
    posts = SubscriptionFactory(kind="posts", email="sub@example.com", confirmed=False)
    SubscriptionFactory(kind="posts", email="stranger@example.com", confirmed=False)
    url = manage_url(subscription.email_hash)
    page = client.get(url).content.decode()
    assert "sub@example.com" in page  # the address it manages, for its owner
    assert "stranger@example.com" not in page
    assert "New comments on" in page
    assert "On Deterrence" in page
    assert "New articles on natoblog <em>(awaiting confirmation)</em>" in page

    response = client.post(url, {"subscription": posts.pk}, follow=True)
    assert "Unsubscribed." in response.content.decode()
    assert list(Subscription.objects.for_address("sub@example.com")) == [subscription]

    client.post(url, {"subscription": "all"})
    assert not Subscription.objects.for_address("sub@example.com").exists()
    assert Subscription.objects.for_address("stranger@example.com").exists()
    assert "has no subscriptions" in client.get(url).content.decode()


def test_the_manage_page_cannot_end_another_address_subscription(client, subscription):
    other = SubscriptionFactory(kind="posts", email="stranger@example.com", confirmed=False)
    client.post(manage_url(subscription.email_hash), {"subscription": other.pk})
    assert Subscription.objects.filter(pk=other.pk).exists()


def test_the_manage_page_needs_a_valid_link_and_its_forms_a_csrf_token(subscription):
    browser = Client(enforce_csrf_checks=True)
    assert browser.get(manage_url("0" * 64)).status_code == 200  # no subscriptions shown
    assert browser.get("/comments/subscriptions/manage/forged/").status_code == 400
    url = manage_url(subscription.email_hash)
    assert browser.post(url, {"subscription": "all"}).status_code == 403
    assert Subscription.objects.exists()


def test_links_expire_after_their_setting(client, subscription, settings):
    url = manage_url(subscription.email_hash)
    settings.COMMENTS_UNSUBSCRIBE_LINK_MAX_AGE_DAYS = -1  # every link is already too old
    assert client.get(url).status_code == 410
    assert client.post(unsubscribe_url(subscription)).status_code == 410
    assert Subscription.objects.exists()
