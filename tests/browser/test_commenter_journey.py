"""A visitor leaves a comment: it waits for a moderator, shown only to them."""

import re

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

TEXT = "The essay undersells Article 5's deterrent value in the Baltic states."


def test_commenter_posts_and_lands_on_their_comment_awaiting_moderation(page, new_page, page_log):
    page.goto(ESSAY)
    expect(page.get_by_role("heading", name="Leave a Reply")).to_be_visible()

    comment_id = post_comment(
        page, comment=TEXT, email="rita@example.com", name="Rita Berg", website="rita.example"
    )

    expect(page).to_have_url(LANDED)
    mine = comment_item(page, comment_id)
    expect(mine).to_be_in_viewport()
    expect(mine).to_contain_text("Rita Berg")
    expect(mine).to_contain_text(TEXT)
    expect(mine.get_by_text(AWAITING)).to_be_visible()
    expect(mine.get_by_role("link", name="Rita Berg")).to_have_attribute(
        "href", "https://rita.example"
    )
    # not approved yet: nobody can reply to it or report it
    expect(mine.get_by_role("link", name=re.compile("Reply|Report"))).to_have_count(0)

    other = new_page()
    other.goto(ESSAY)
    expect(other.locator("#comments")).to_be_visible()
    expect(other.get_by_role("heading", level=2, name=re.compile("thoughts"))).to_have_text(
        "No thoughts yet on “The Future of NATO”"
    )
    expect(other.get_by_text(TEXT)).to_have_count(0)
    expect(other.get_by_text(AWAITING)).to_have_count(0)
    assert page_log.console_errors == []
    assert page_log.failed_requests == []


def test_commenter_sees_their_mistakes_next_to_the_fields_fixes_them_and_posts(page, page_log):
    page.goto(ESSAY)
    form = reply_form(page)
    form.get_by_role("checkbox", name="Notify me of new comments").check()

    landed = post_comment(
        page, email="rita@example", name="Rita Berg", website="https://rita.example/"
    )

    assert landed is None
    expect(page.get_by_role("heading", level=1)).to_have_text("The Future of\u00a0NATO")
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()  # a screen reader starts reading here
    expect(summary).to_contain_text("Your comment was not posted.")
    expect(summary.get_by_role("listitem")).to_have_text(
        [
            "Comment: Please type your comment.",
            "Email: Please enter a valid email address, like name@example.com.",
        ]
    )
    comment = form.get_by_role("textbox", name="Comment")
    email = form.get_by_role("textbox", name="Email")
    for field, message in [
        (comment, "Please type your comment."),
        (email, "Please enter a valid email address, like name@example.com."),
    ]:
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile(re.escape(message)))
        error = page.locator(f"#{field.get_attribute('id')}_error")
        expect(error).to_have_text(message)
        expect(error).to_be_visible()
        assert 0 <= gap_between(field, error) < 16  # right under it
    # everything else they typed is still there
    expect(email).to_have_value("rita@example")
    expect(form.get_by_role("textbox", name="Name")).to_have_value("Rita Berg")
    expect(form.get_by_role("textbox", name="Website")).to_have_value("https://rita.example/")
    expect(form.get_by_role("checkbox", name="Notify me of new comments")).to_be_checked()
    expect(form.get_by_role("checkbox", name="Notify me of new posts")).not_to_be_checked()

    # the summary's link takes them to the field
    summary.get_by_role("link", name=re.compile("^Email")).click()
    expect(email).to_be_focused()

    comment_id = post_comment(page, comment=TEXT, email="rita@example.com")

    expect(page).to_have_url(LANDED)
    mine = comment_item(page, comment_id)
    expect(mine).to_contain_text(TEXT)
    expect(mine.get_by_text(AWAITING)).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    assert page_log.console_errors == []
    assert page_log.failed_requests == []


def test_save_my_name_prefills_the_next_visit_only_when_ticked(page, page_log):
    details = {
        "email": "rita@example.com",
        "name": "Rita Berg",
        "website": "https://rita.example/",
    }

    def next_visit_form():
        page.goto(ESSAY)
        return reply_form(page)

    def expect_details(form, email, name, website, remembered):
        expect(form.get_by_role("textbox", name="Email")).to_have_value(email)
        expect(form.get_by_role("textbox", name="Name")).to_have_value(name)
        expect(form.get_by_role("textbox", name="Website")).to_have_value(website)
        expect(form.get_by_role("checkbox", name="Save my name")).to_be_checked(checked=remembered)
        expect(form.get_by_role("textbox", name="Comment")).to_have_value("")

    page.goto(ESSAY)
    assert post_comment(page, comment="First, unticked.", remember=False, **details)
    expect_details(next_visit_form(), "", "", "", remembered=False)

    assert post_comment(page, comment="Second, ticked.", remember=True, **details)
    expect_details(next_visit_form(), **details, remembered=True)

    assert post_comment(page, comment="Third, unticked again.", remember=False)
    expect_details(next_visit_form(), "", "", "", remembered=False)
    assert page_log.console_errors == []
