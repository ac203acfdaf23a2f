"""A visitor replies to a comment: the reply is threaded under it, with or without JavaScript."""

import pytest
from playwright.sync_api import expect

from .helpers import (
    AWAITING,
    ESSAY,
    LANDED,
    comment_item,
    gap_between,
    post_comment,
    reply_form,
)

pytestmark = pytest.mark.browser

REPLY = "Two per cent is a floor, not a target."


def test_reply_moves_the_form_under_the_comment_without_a_reload(page, page_log, discussion):
    ann, ben = discussion["ann"], discussion["ben"]
    page.goto(ESSAY)
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    form = reply_form(page)
    heading = form.get_by_role("heading", level=3)  # its visible text, Cancel reply included
    cancel = form.get_by_role("link", name="Cancel reply")
    expect(heading).to_have_text("Leave a Reply", use_inner_text=True)
    expect(cancel).to_be_hidden()
    reply_link = page.get_by_role("link", name="Reply to Ann Lindqvist")

    reply_link.click()

    expect(heading).to_have_text(
        "Leave a Reply to Ann Lindqvist Cancel reply", use_inner_text=True
    )
    expect(cancel).to_be_visible()
    expect(form.get_by_role("textbox", name="Comment")).to_be_focused()
    # under Ann's comment, above the replies to it
    assert gap_between(comment_item(page, ann.pk).locator("> .comment-body"), form) >= 0
    assert gap_between(form, comment_item(page, ben.pk)) >= 0
    expect(page).to_have_url(ESSAY)
    assert navigations == []

    cancel.click()

    expect(heading).to_have_text("Leave a Reply", use_inner_text=True)
    expect(cancel).to_be_hidden()
    expect(reply_link).to_be_focused()
    assert gap_between(comment_item(page, discussion["eve"].pk), form) >= 0  # back at the end
    assert navigations == []

    reply_link.click()
    reply_id = post_comment(page, comment=REPLY, email="kai@example.com", name="Kai Ito")

    expect(page).to_have_url(LANDED)
    replies = comment_item(page, ann.pk).locator("> .children > li")
    expect(replies).to_have_count(2)
    expect(replies.nth(0)).to_have_id(f"comment-{ben.pk}")
    expect(replies.nth(1)).to_have_id(f"comment-{reply_id}")
    expect(replies.nth(1)).to_contain_text(REPLY)
    expect(replies.nth(1).get_by_text(AWAITING)).to_be_visible()
    expect(heading).to_have_text("Leave a Reply", use_inner_text=True)
    assert page_log.console_errors == []
    assert page_log.failed_requests == []


def test_reply_without_javascript_goes_through_the_replytocom_link(new_page, page_log, discussion):
    ben = discussion["ben"]
    page = new_page(java_script_enabled=False)
    page.goto(ESSAY)
    form = reply_form(page)
    heading = form.get_by_role("heading", level=3)  # its visible text, Cancel reply included
    cancel = form.get_by_role("link", name="Cancel reply")

    page.get_by_role("link", name="Reply to Ben Okafor").click()

    expect(page).to_have_url(f"{ESSAY}?replytocom={ben.pk}#respond")
    expect(heading).to_have_text("Leave a Reply to Ben Okafor Cancel reply", use_inner_text=True)
    expect(form).to_be_in_viewport()

    cancel.click()

    expect(page).to_have_url(f"{ESSAY}#respond")
    expect(heading).to_have_text("Leave a Reply", use_inner_text=True)
    expect(cancel).to_be_hidden()

    page.get_by_role("link", name="Reply to Ben Okafor").click()
    # forgets their name: the form comes back, still a reply to Ben, with the text kept
    post_comment(page, comment=REPLY, email="kai@example.com")
    expect(page.get_by_role("alert")).to_contain_text("Name: Please enter your name.")
    expect(heading).to_have_text("Leave a Reply to Ben Okafor Cancel reply", use_inner_text=True)
    expect(form.get_by_role("textbox", name="Comment")).to_have_value(REPLY)
    reply_id = post_comment(page, name="Kai Ito")

    expect(page).to_have_url(LANDED)
    reply = comment_item(page, ben.pk).locator("> .children > li").last
    expect(reply).to_have_id(f"comment-{reply_id}")
    expect(reply).to_contain_text(REPLY)
    expect(reply.get_by_text(AWAITING)).to_be_visible()
    expect(heading).to_have_text("Leave a Reply", use_inner_text=True)
    assert page_log.console_errors == []
    assert page_log.failed_requests == []
