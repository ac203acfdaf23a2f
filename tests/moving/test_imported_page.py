"""What readers see of imported comments: HTML sanitised as HTML (never shown as markup),
names with entities, pingbacks and trackbacks as WordPress shows them (no Reply link, not
counted as thoughts), the old "#comment-45" anchors, and a page whose queries stay constant."""

import re

import pytest
from django.utils import timezone

from comments import actions
from comments.models import Comment
from tests.factories import CommentFactory
from tests.moving.helpers import WORDPRESS_EDGES, run

pytestmark = pytest.mark.django_db
UNCACHED = "/articles/the-future-of-nato/?uncached"


@pytest.fixture
def essay_page(essay, client):
    """The essay's page after the edge-case import (not `page`: that is Playwright's)."""
    run("import_wordpress", WORDPRESS_EDGES)
    return client.get(essay.get_absolute_url()).content.decode()


def test_imported_html_is_sanitised_as_html(essay_page):
    ann = Comment.objects.get(author_name="Ann Reader")
    assert ann.body_html == (
        "<p>I agree &amp; disagree.</p>\n"
        "<p>Second paragraph with <b>bold</b>, and &lt;b&gt; shown as text.</p>"
    )
    assert "<b>bold</b>" in essay_page
    assert "alert(1)" not in essay_page
    assert "&amp;amp;" not in essay_page
    assert "&lt;b&gt; shown as text" in essay_page


def test_pingbacks_and_trackbacks_are_shown_as_wordpress_shows_them(essay_page):
    ping = Comment.objects.get(kind="pingback")
    assert (
        '<p class="comment-notice">Pingback: <a href="https://another.example/reading-list/" '
        'rel="ugc nofollow noopener">Another Blog » Reading list</a></p>'
    ) in essay_page
    assert "Trackback: " in essay_page
    assert f"replytocom={ping.pk}" not in essay_page
    assert f'data-reply-to="{ping.pk}"' not in essay_page
    ann = Comment.objects.get(author_name="Ann Reader")
    assert f"replytocom={ann.pk}" in essay_page


def test_pingbacks_are_not_counted_as_thoughts(essay_page, essay):
    approved = essay.comments.filter(status="approved")
    assert approved.count() == 5  # Ann, Bob, the orphan, a pingback, a trackback
    assert "3 thoughts on “The Future of\xa0NATO”" in essay_page


def test_the_count_leaves_pingbacks_out_on_paginated_pages_too(
    essay_page, essay, client, settings
):
    settings.COMMENTS_PER_PAGE = 1
    content = client.get(UNCACHED).content.decode()
    assert "3 thoughts on “The Future of\xa0NATO”" in content


def test_old_anchors_are_on_the_imported_comments(essay_page):
    assert '<span id="comment-45"></span>' in essay_page
    assert '<span id="comment-47"></span>' in essay_page  # the pingback's


def test_an_old_anchor_a_comment_here_uses_is_left_out(essay, client):
    ours = CommentFactory(article=essay)
    imported = actions.import_comments(
        [
            Comment(
                article=essay,
                author_name="Imported",
                author_email="imported@example.com",
                body="<p>Imported.</p>",
                body_format="html",
                status="approved",
                legacy_anchor=f"comment-{ours.pk}",
            )
        ],
        "Imported from WordPress",
    )[0]
    content = client.get(UNCACHED).content.decode()
    assert content.count(f'id="comment-{ours.pk}"') == 1
    assert f'id="comment-{imported.pk}"' in content


def add_notices(article, count):
    now = timezone.now()
    actions.import_comments(
        [
            Comment(
                article=article,
                kind="pingback" if i % 2 else "trackback",
                author_name=f"Blog {i} &raquo; post",
                author_url=f"https://blog{i}.example/",
                author_email="",
                body="[…] linked […]",
                body_format="html",
                status="approved",
                created_at=now,
                legacy_anchor=f"comment-{900000 + i}",
            )
            for i in range(count)
        ],
        "Imported from WordPress",
    )


@pytest.mark.parametrize("count", [10, 500])
def test_page_queries_are_constant_with_pingbacks(
    client, essay, settings, count, django_assert_num_queries
):
    settings.COMMENTS_PER_PAGE = 1000
    CommentFactory(article=essay)
    add_notices(essay, count)
    client.get(UNCACHED)
    with django_assert_num_queries(3):  # article + author, thread ids, the comments
        content = client.get(UNCACHED).content.decode()
    assert len(re.findall(r'class="(?:pingback|trackback) depth-0"', content)) == count
    assert "One thought on" in content


def test_a_pingback_takes_no_reply(essay_page, essay, client, post_comment):
    ping = Comment.objects.get(kind="pingback")
    ann = Comment.objects.get(author_name="Ann Reader")
    for target, expected in ((ann, f'value="{ann.pk}"'), (ping, None)):
        form = client.get(f"{UNCACHED}&replytocom={target.pk}").content.decode()
        field = re.search(r'<input[^>]*name="parent"[^>]*>', form).group(0)
        assert (expected in field) if expected else ("value=" not in field), field
    response = post_comment(essay, parent=ping.pk, body="Replying to a pingback.")
    assert response.status_code == 200
    assert "The comment you are replying to is no longer available." in response.content.decode()
    assert not Comment.objects.filter(body="Replying to a pingback.").exists()
