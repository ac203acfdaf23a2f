"""The article page makes the same number of queries whatever the number of comments."""

import pytest
from django.utils import timezone

from comments import actions
from comments.models import Comment
from comments.rendering import render_comment
from natoblog.addresses import email_hash

# Any query string keeps the page out of the page cache (tests/pagecache/test_serving.py).
UNCACHED = "/articles/the-future-of-nato/?uncached"


def add_threads(article, count):
    """count approved comments, 30% of them replies (a third of those replies to replies),
    bulk-created with the fields Comment.save() would set, so that thousands take a moment."""
    now = timezone.now()

    def comment(i, parent):
        return Comment(
            article=article,
            parent=parent,
            thread_id=(parent.thread_id or parent.pk) if parent else None,
            depth=parent.depth + 1 if parent else 0,
            author_name=f"Reader {i}",
            author_email=f"reader{i}@example.com",
            email_hash=email_hash(f"reader{i}@example.com"),
            body=f"Comment number {i}.",
            body_html=render_comment(f"Comment number {i}."),
            status=Comment.Status.APPROVED,
            created_at=now + timezone.timedelta(seconds=i),
        )

    levels = [
        [i for i in range(count) if i % 10 not in (3, 6, 9)],  # threads
        [i for i in range(count) if i % 10 in (3, 6)],  # replies
        [i for i in range(count) if i % 10 == 9],  # replies to replies
    ]
    parents = []
    for level in levels:
        batch = [
            comment(i, parents[n % len(parents)] if parents else None) for n, i in enumerate(level)
        ]
        parents = Comment.objects.bulk_create(batch)
    return Comment.objects.filter(article=article)


def queries_for(client, url, assert_queries, expected):
    client.get(url)  # fills the caches (the social log-in apps configured in the admin)
    with assert_queries(expected):
        assert client.get(url).status_code == 200


def test_threads_are_built_as_the_model_would(essay):
    comments = add_threads(essay, 20)
    assert comments.count() == 20
    assert comments.filter(parent=None).count() == 14
    assert comments.filter(depth=2).count() == 2
    for reply in comments.exclude(parent=None).select_related("parent"):
        assert reply.depth == reply.parent.depth + 1
        assert reply.thread_id == (reply.parent.thread_id or reply.parent_id)


@pytest.mark.parametrize("count", [0, 10, 1000])
def test_article_page_queries_are_constant(
    client, essay, settings, count, django_assert_num_queries
):
    settings.COMMENTS_PER_PAGE = 1000
    add_threads(essay, count)
    # article + author, top-level ids, the page's comments (counted as they are read; with
    # no threads at all there is nothing to read)
    page = client.get(UNCACHED)
    assert page.content.decode().count('class="comment depth-') == count
    queries_for(client, UNCACHED, django_assert_num_queries, 3 if count else 2)


@pytest.mark.parametrize("count", [0, 10, 1000])
def test_paginated_page_queries_are_constant(
    client, essay, settings, count, django_assert_num_queries
):
    add_threads(essay, count)  # 50 threads a page by default
    # + the count of all approved comments
    queries_for(
        client, UNCACHED, django_assert_num_queries, 4 if count > 50 else 3 if count else 2
    )


@pytest.mark.parametrize("count", [10, 1000])
def test_queries_constant_for_the_author_of_a_pending_comment(
    client, essay, settings, count, post_comment, django_assert_num_queries
):
    settings.COMMENTS_PER_PAGE = 1000
    add_threads(essay, count)
    post_comment(essay, body="Waiting.")
    # + the session
    queries_for(client, essay.get_absolute_url(), django_assert_num_queries, 4)


@pytest.mark.parametrize("count", [30, 1000])
def test_removed_parents_cost_one_more_query(
    client, essay, settings, count, django_assert_num_queries
):
    settings.COMMENTS_PER_PAGE = 1000
    threads = add_threads(essay, count)
    parents = threads.filter(pk__in=threads.exclude(parent=None).values("parent_id"))
    actions.change_status(parents, Comment.Status.SPAM, "Set by a test")
    page = client.get(UNCACHED)
    assert "This comment was removed." in page.content.decode()
    queries_for(client, UNCACHED, django_assert_num_queries, 4)
