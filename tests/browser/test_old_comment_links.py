"""An old WordPress link to an imported comment, "/2021/10/27/the-future-of-nato/#comment-N",
in a real browser: the 301 keeps the fragment, and when that comment is on a later page of
today's comments the page's script asks the server which page holds it and goes there."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.moving.helpers import WORDPRESS_EDGES, run

pytestmark = pytest.mark.browser


def test_an_old_link_lands_on_a_comment_of_a_later_page(page, page_log, settings):
    run("import_wordpress", WORDPRESS_EDGES)
    settings.COMMENTS_PER_PAGE = 1
    imported = Comment.objects.approved().filter(article__slug="the-future-of-nato")
    last = imported.exclude(legacy_anchor="").filter(parent=None).order_by("created_at").last()
    old = last.legacy_anchor

    page.goto(f"/2021/10/27/the-future-of-nato/#{old}")

    expect(page).to_have_url(
        f"/articles/the-future-of-nato/comment-page-{imported.filter(parent=None).count()}/#comment-{last.pk}"
    )
    expect(page.locator(f"#comment-{last.pk}")).to_be_in_viewport()
    assert page_log.console_errors == []


def test_without_the_comment_the_page_stays_put(page, page_log):
    page.goto("/articles/the-future-of-nato/#comment-999999")
    expect(page).to_have_url("/articles/the-future-of-nato/#comments")
    page.wait_for_timeout(300)  # and goes nowhere else: asked once
    expect(page).to_have_url("/articles/the-future-of-nato/#comments")
    assert page_log.console_errors == []
