"""The article page makes the same number of queries whatever the number of comments."""

import pytest

from comments.models import Comment
from tests.factories import CommentFactory


def add_threads(article, count):
    """count approved comments, about 30% of them replies."""
    comments = []
    for i in range(count):
        parent = comments[i // 2] if comments and i % 3 == 2 else None
        comments.append(CommentFactory(article=article, parent=parent))
    return comments


def queries_for(client, url, django_assert_num_queries, expected):
    client.get(url)  # fills the caches (the social log-in apps configured in the admin)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [0, 10, 500])
def test_article_page_queries_are_constant(
    client, essay, settings, count, django_assert_max_num_queries
):
    settings.COMMENTS_PER_PAGE = 1000
    add_threads(essay, count)
    # article + author, top-level ids, the page's comments, the total count (with no
    # comments at all Django skips the empty "IN ()" query)
    queries_for(client, essay.get_absolute_url(), django_assert_max_num_queries, 4)


@pytest.mark.parametrize("count", [10, 500])
def test_queries_constant_for_the_author_of_a_pending_comment(
    client, essay, settings, count, post_comment, django_assert_num_queries
):
    settings.COMMENTS_PER_PAGE = 1000
    add_threads(essay, count)
    post_comment(essay, body="Waiting.")
    # + the session
    queries_for(client, essay.get_absolute_url(), django_assert_num_queries, 5)


@pytest.mark.parametrize("count", [30, 300])
def test_removed_parents_cost_one_more_query(
    client, essay, settings, count, django_assert_num_queries
):
    settings.COMMENTS_PER_PAGE = 1000
    threads = add_threads(essay, count)
    Comment.objects.filter(pk__in=[c.parent_id for c in threads if c.parent_id]).update(
        status=Comment.Status.SPAM
    )
    queries_for(client, essay.get_absolute_url(), django_assert_num_queries, 5)
