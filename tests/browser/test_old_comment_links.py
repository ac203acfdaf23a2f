"""An old WordPress link to an imported comment, "/2021/10/27/the-future-of-nato/#comment-N",
in a real browser: the 301 keeps the fragment, and when that comment is on a later page of
today's comments the page's script asks the server which page holds it and goes there."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.moving.helpers import WORDPRESS_EDGES, run

pytestmark = pytest.mark.browser


def test_an_old_link_lands_on_a_comment_of_a_later_page(page, page_log, settings):
    from datetime import timedelta

    from django.utils import timezone

    from comments import actions

    run("import_wordpress", WORDPRESS_EDGES)  # the old addresses of the essay, and threads
    later = timezone.now() + timedelta(days=1)
    # the newest threads, with old anchors no comment's own id can take (ids differ between
    # databases: PostgreSQL's sequences are not reset between tests)
    actions.import_comments(
        [
            Comment(
                article=Comment.objects.first().article,
                author_name=f"Reader {i}",
                author_email="reader@example.com",
                body=f"<p>Old comment {i}.</p>",
                body_format="html",
                status="approved",
                created_at=later + timedelta(minutes=i),
                legacy_anchor=f"comment-{9_000_000 + i}",
            )
            for i in range(3)
        ],
        "Imported from WordPress",
    )
    settings.COMMENTS_PER_PAGE = 1
    threads = Comment.objects.approved().filter(article__slug="the-future-of-nato", parent=None)
    last = threads.get(legacy_anchor="comment-9000002")

    page.goto("/2021/10/27/the-future-of-nato/#comment-9000002")

    pages = threads.count()
    expect(page).to_have_url(
        f"/articles/the-future-of-nato/comment-page-{pages}/#comment-{last.pk}"
    )
    expect(page.locator(f"#comment-{last.pk}")).to_contain_text("Old comment 2.")
    expect(page.locator(f"#comment-{last.pk}")).to_be_in_viewport()
    assert page_log.console_errors == []


def test_without_the_comment_the_page_stays_put(page, page_log):
    page.goto("/articles/the-future-of-nato/#comment-999999")
    expect(page).to_have_url("/articles/the-future-of-nato/#comments")
    page.wait_for_timeout(300)  # and goes nowhere else: asked once
    expect(page).to_have_url("/articles/the-future-of-nato/#comments")
    assert page_log.console_errors == []
