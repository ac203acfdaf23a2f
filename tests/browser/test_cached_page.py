"""Readers of the cached article page (pagecache/cache.py): the same bytes for all of them (no
token, no timestamp), each posts (with JavaScript, the form asks for its timestamp; without,
they confirm once), and nothing one of them sees reaches another."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment

from .helpers import AWAITING, ESSAY, LANDED, comment_item, post_comment, reply_form

pytestmark = pytest.mark.browser

TOKEN = "#commentform input[name=csrfmiddlewaretoken]"
TIMESTAMP = "#commentform input[name=timestamp]"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    """The test settings turn the page cache off (see natoblog/settings_test.py)."""
    settings.PAGE_CACHE_SECONDS = 3600


def test_readers_of_the_cached_page_post_from_the_same_bytes(page, new_page, page_log):
    first = new_page()
    one = first.goto(ESSAY)
    assert one.headers["x-page-cache"] == "miss"
    two = page.goto(ESSAY)
    assert two.headers["x-page-cache"] == "hit"
    assert one.body() == two.body()
    expect(page.locator(TOKEN)).to_have_count(0)
    assert page.locator(TIMESTAMP).get_attribute("value") == ""

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


def test_a_reader_without_javascript_posts_from_the_cached_page(new_page, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    new_page().goto(ESSAY)  # fills the cache
    page = new_page(java_script_enabled=False)
    assert page.goto(ESSAY).headers["x-page-cache"] == "hit"
    assert page.locator(TIMESTAMP).get_attribute("value") == ""
    post_comment(page, comment="No scripts here.", email="nox@example.com", name="Nox")
    expect(page.get_by_text("Please confirm your comment")).to_be_visible()
    form = reply_form(page)
    expect(form.get_by_role("textbox", name="Comment")).to_have_value("No scripts here.")
    assert not Comment.objects.exists()
    with page.expect_navigation():
        form.get_by_role("button", name="Post Comment").click()
    assert LANDED.search(page.url)
    assert Comment.objects.get().body == "No scripts here."
