"""The spam defences as a person meets them, at their real settings: a post sent faster than
a person types is refused with the text kept, and simply posting again works."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment

from .helpers import ESSAY, fill_comment_form, reply_form

pytestmark = pytest.mark.browser


def test_too_fast_then_simply_post_again(page, settings):
    settings.COMMENTS_MIN_SECONDS = 3
    page.goto(ESSAY)
    form = reply_form(page)
    fill_comment_form(
        form, comment="Typed at robot speed.", name="Quick Quinn", email="q@example.com"
    )
    with page.expect_navigation():
        form.get_by_role("button", name="Post Comment").click()
    expect(page.get_by_text("only moments after the page was opened")).to_be_visible()
    form = reply_form(page)
    expect(form.get_by_role("textbox", name="Comment")).to_have_value("Typed at robot speed.")
    assert not Comment.objects.exists()
    # the refused page carries a fresh form: a person reads the message, then posts again
    page.wait_for_timeout(3200)
    with page.expect_navigation():
        form.get_by_role("button", name="Post Comment").click()
    assert "#comment-" in page.url
    assert Comment.objects.get().body == "Typed at robot speed."


def test_the_honeypot_is_invisible_and_out_of_the_tab_order(page):
    page.goto(ESSAY)
    honeypot = page.locator("input[name=honeypot]")
    assert honeypot.count() == 1
    expect(honeypot).not_to_be_in_viewport()
    assert honeypot.get_attribute("tabindex") == "-1"
    # not in the accessibility tree: a screen reader never announces it
    assert page.get_by_role("textbox", name="Leave this field empty", exact=False).count() == 0
