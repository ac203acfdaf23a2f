"""The pages that links in mails open, and the "Follow this blog" form, in a real browser:
no WCAG 2.1 A/AA violations, and the follow form works from the footer."""

import pytest
from playwright.sync_api import expect

from comments.links import moderation_token
from comments.models import Comment
from subscriptions import tokens
from subscriptions.models import Subscription
from tests.factories import SubscriptionFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def mail_links(essay):
    comment = Comment.objects.create(
        article=essay, author_name="Ann", author_email="ann@example.com", body="Held words."
    )
    subscription = SubscriptionFactory(article=essay, email="ann@example.com")
    pending = SubscriptionFactory(kind="posts", email="ann@example.com", confirmed=False)
    return {
        "moderate": f"/comments/moderate/{moderation_token(comment, 'approve')}/",
        "confirm": f"/comments/subscriptions/confirm/{tokens.confirmation_token(pending)}/",
        "unsubscribe": (
            f"/comments/subscriptions/unsubscribe/{tokens.unsubscribe_token(subscription)}/"
        ),
        "manage": f"/comments/subscriptions/manage/{tokens.manage_token(pending.email_hash)}/",
        "broken": "/comments/moderate/broken/",
    }


@pytest.mark.parametrize(
    ("name", "status", "heading"),
    [
        ("moderate", 200, "Approve?"),
        ("confirm", 200, "Confirm your subscription"),
        ("unsubscribe", 200, "Unsubscribe?"),
        ("manage", 200, "Your subscriptions"),
        ("broken", 400, "This link is not valid"),
    ],
)
def test_mail_link_pages_have_no_wcag_violations(
    page, page_log, axe, mail_links, name, status, heading
):
    response = page.goto(mail_links[name])
    assert response.status == status
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert axe(page) == []
    assert page_log.failed_requests == []


def test_following_from_the_footer(page, page_log, axe, essay):
    page.goto("/")
    page.get_by_label("Email").fill("not-an-address")
    page.get_by_role("button", name="Follow").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow this blog")
    expect(page.get_by_label("Email")).to_have_value("not-an-address")
    assert axe(page) == []

    page.get_by_label("Email").fill("reader@example.com")
    page.get_by_role("button", name="Follow").click()
    expect(page.get_by_role("status")).to_contain_text("we have sent it a link")
    assert page.url.endswith("/")
    assert Subscription.objects.get(email="reader@example.com").kind == "posts"
    assert page_log.console_errors == []
