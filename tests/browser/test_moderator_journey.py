"""A moderator logs into the admin, approves one waiting comment and marks another as spam."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .helpers import AWAITING, ESSAY, comment_item, log_in_to_admin, post_comment

pytestmark = pytest.mark.browser

GOOD = "Enlargement has made the Alliance stronger, not weaker."
SPAM = "Cheap watches at unbeatable prices, visit my shop today!"
PASSWORD = "pw"  # the moderator fixture's (tests/conftest.py)


def act_on(page, text, action):
    """Tick the row of the comment with this text, pick the action and press Go."""
    page.get_by_role("row").filter(has_text=text).get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Action").select_option(label=action)
    page.get_by_role("button", name="Go").click()


def test_moderator_approves_one_comment_and_marks_another_as_spam(
    page, new_page, page_log, moderator
):
    alice = new_page()
    alice.goto(ESSAY)
    post_comment(alice, comment=GOOD, email="alice@example.com", name="Alice Moreau")
    spammer = new_page()
    spammer.goto(ESSAY)
    spam_id = post_comment(spammer, comment=SPAM, email="deals@example.com", name="Best Deals")
    expect(comment_item(spammer, spam_id).get_by_text(AWAITING)).to_be_visible()

    log_in_to_admin(page, moderator.username, PASSWORD)
    page.get_by_role("link", name="2 comments awaiting moderation").click()

    expect(page).to_have_url(re.compile(r"/admin/comments/comment/\?status__exact=pending$"))
    rows = page.get_by_role("row").filter(has=page.get_by_role("checkbox"))
    expect(rows.filter(has_text=GOOD)).to_contain_text("Pending")
    expect(rows.filter(has_text=SPAM)).to_contain_text("Pending")

    act_on(page, GOOD, "Approve")

    expect(page.locator(".messagelist")).to_have_text("Approved: 1 comment.")
    expect(page.get_by_text(GOOD)).to_have_count(0)  # gone from the queue
    visitor = new_page()
    visitor.goto(ESSAY)
    expect(visitor.get_by_role("heading", name=re.compile("thoughts? on"))).to_have_text(
        "One thought on “The Future of NATO”"
    )
    approved = visitor.locator(".comment").filter(has_text=GOOD)
    expect(approved).to_contain_text("Alice Moreau")
    expect(approved.get_by_role("link", name="Reply to Alice Moreau")).to_be_visible()
    expect(visitor.get_by_text(AWAITING)).to_have_count(0)

    act_on(page, SPAM, "Mark as spam")

    expect(page.locator(".messagelist")).to_have_text("Marked as spam: 1 comment.")
    expect(page.get_by_role("row").filter(has_text=SPAM)).to_have_count(0)
    page.goto(reverse("admin:index"))
    expect(page.get_by_role("link", name="0 comments awaiting moderation")).to_be_visible()
    for person in (visitor, spammer):  # not even its author sees it any more
        person.reload()
        expect(person.get_by_text(GOOD)).to_be_visible()
        expect(person.get_by_text(SPAM)).to_have_count(0)
    assert page_log.console_errors == []
    assert page_log.failed_requests == []
