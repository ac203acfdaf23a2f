"""A commenter ticks "Notify me of new comments via email.": the confirmation link and, later,
the unsubscribe link, taken from the mails the worker sent and opened in the browser, do what
they say."""

import pytest
from playwright.sync_api import expect

from comments import actions
from comments.models import Comment
from subscriptions.models import Subscription
from tests.mailbox import link_to, run_worker, sent_to

from .helpers import ESSAY, fill_comment_form, reply_form

pytestmark = pytest.mark.browser

ADDRESS = "sam@example.com"


def test_subscriber_confirms_then_unsubscribes_from_links_in_mails(page, page_log, mailoutbox):
    page.goto(ESSAY)
    form = reply_form(page)
    fill_comment_form(form, comment="Keep me posted.", email=ADDRESS, name="Sam Sub")
    form.get_by_role("checkbox", name="Notify me of new comments via email.").check()
    with page.expect_navigation():
        form.get_by_role("button", name="Post Comment").click()

    run_worker()
    (confirmation,) = sent_to(mailoutbox, ADDRESS)
    assert "Keep me posted." not in confirmation.body  # no visitor-written text
    page.goto(link_to(confirmation, "/subscriptions/confirm/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your subscription")
    subscription = Subscription.objects.get(email=ADDRESS)
    assert subscription.confirmed_at is None  # opening the link changes nothing
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None

    # Someone else's comment is approved: the subscriber is told, with an unsubscribe link.
    other = Comment.objects.create(
        article=subscription.article,
        author_name="Other Reader",
        author_email="other@example.com",
        body="A new point of view.",
    )
    actions.change_status([other], Comment.Status.APPROVED, "Set by a test")
    run_worker()
    notification = sent_to(mailoutbox, ADDRESS)[-1]
    assert "A new point of view." in notification.body
    assert notification.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    page.goto(link_to(notification, "/subscriptions/unsubscribe/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsubscribe?")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    assert page_log.console_errors == []
    assert page_log.failed_requests == []


def test_moderator_approves_from_the_link_in_the_mail(page, page_log, mailoutbox, settings):
    settings.COMMENTS_MODERATOR_EMAILS = ["mod@example.com"]
    page.goto(ESSAY)
    form = reply_form(page)
    fill_comment_form(form, comment="Hold me for review.", email="new@example.com", name="New")
    with page.expect_navigation():
        form.get_by_role("button", name="Post Comment").click()
    run_worker()
    (alert,) = sent_to(mailoutbox, "mod@example.com")
    held = Comment.objects.get(body="Hold me for review.")
    assert held.moderation_reason in alert.body

    link = link_to(alert, "/moderate/")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve?")
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING  # opening the link changes nothing
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comment approved")
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED

    assert page_log.console_errors == []

    response = page.goto(link)  # a second time: the link has been used
    assert response.status == 410
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Approve?")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
