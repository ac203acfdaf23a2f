"""Readers of the cached article page (articles/cache.py): each posts with their own token, and
nothing one of them sees reaches another."""

import pytest
from playwright.sync_api import expect

from .helpers import AWAITING, ESSAY, LANDED, comment_item, post_comment

pytestmark = pytest.mark.browser

TOKEN = "#commentform input[name=csrfmiddlewaretoken]"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    """The test settings turn the page cache off (see natoblog/settings_test.py)."""
    settings.PAGE_CACHE_SECONDS = 3600


def test_readers_of_the_cached_page_post_with_their_own_tokens(page, new_page, page_log):
    first = new_page()
    assert first.goto(ESSAY).headers["x-page-cache"] == "miss"
    assert page.goto(ESSAY).headers["x-page-cache"] == "hit"
    assert page.locator(TOKEN).get_attribute("value") != first.locator(TOKEN).get_attribute(
        "value"
    )

    mine = post_comment(
        page, comment="Posted from a cached page.", email="ida@example.com", name="Ida"
    )
    expect(page).to_have_url(LANDED)
    expect(comment_item(page, mine).get_by_text(AWAITING)).to_be_visible()

    # the other reader's page (from the cache) shows nothing of it, and their form posts too
    assert first.reload().headers["x-page-cache"] == "hit"
    expect(first.get_by_text("Posted from a cached page.")).to_have_count(0)
    expect(first.get_by_text(AWAITING)).to_have_count(0)
    theirs = post_comment(first, comment="And from mine.", email="jo@example.com", name="Jo")
    expect(comment_item(first, theirs).get_by_text(AWAITING)).to_be_visible()
    expect(first.get_by_text("Posted from a cached page.")).to_have_count(0)
    assert page_log.console_errors == []
    assert page_log.failed_requests == []
