"""A reader finds the essay from the home page and reads it to the end."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_reader_follows_the_essay_link_and_reads_it_to_the_bio(page, page_log):
    page.goto("/")
    page.get_by_role("link", name="The Future of\u00a0NATO", exact=True).click()

    expect(page).to_have_url("/articles/the-future-of-nato/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The Future of\u00a0NATO")
    body = page.locator(".essay-body")
    expect(body.get_by_role("heading", level=2)).to_have_text(
        ["Security and Technology", "Relations with Russia"]
    )
    last_paragraph = body.locator("p").last
    last_paragraph.scroll_into_view_if_needed()
    expect(last_paragraph).to_be_visible()
    expect(last_paragraph).to_have_text(re.compile(r"propel NATO forward\.\s*$"))
    bio = page.get_by_role("complementary", name="About Oliver Gao")
    expect(bio).to_be_visible()
    expect(bio).to_contain_text(
        "Oliver Gao is a freshman majoring in International Studies at Johns Hopkins University."
    )
    assert page_log.console_errors == []
    assert page_log.failed_requests == []
