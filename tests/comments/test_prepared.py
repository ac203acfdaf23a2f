"""The two queries of nearly every article page are compiled once per process
(natoblog.prepared) and give the same rows as the querysets they were built from."""

import pytest
from django.db import connection
from django.db.models import Count, Window
from django.test.utils import CaptureQueriesContext

from comments import threads
from comments.models import Comment
from natoblog.prepared import MARK, Prepared
from tests.factories import CommentFactory


@pytest.fixture
def thread(essay):
    first = CommentFactory(article=essay, body="First.")
    CommentFactory(article=essay, body="A reply.", parent=first)
    CommentFactory(article=essay, body="Second.")
    CommentFactory(article=essay, body="Held.", status=Comment.Status.PENDING)
    removed = CommentFactory(article=essay, body="Removed.", status=Comment.Status.TRASH)
    CommentFactory(article=essay, body="Reply to a removed one.", parent=removed)
    return essay


@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize(("start", "size"), [(0, 50), (1, 1)])
def test_the_threads_of_a_page_as_the_queryset_gives_them(thread, newest_first, start, size):
    expected = list(
        threads.thread_roots(thread, newest_first)
        .annotate(threads=Window(Count("pk")))
        .values_list("pk", "threads")[start : start + size]
    )
    assert threads.PAGE_ROOTS.rows(thread.pk, newest_first, start, size) == expected
    assert len(expected) == min(size, 3)  # the removed thread stays: it has a reply


def test_every_approved_comment_as_the_queryset_gives_it(thread):
    query = Comment.objects.filter(article=thread, status=Comment.Status.APPROVED).order_by(
        "created_at", "pk"
    )
    expected = threads.display_rows(query)
    rows = threads.to_rows(threads.ONE_PAGE_ROWS.rows(thread.pk))
    assert rows == expected
    assert [row.body_html for row in rows] == [row.body_html for row in expected]
    assert len(rows) == 4


def test_the_sql_is_built_once_and_run_for_each_article(thread, essay):
    built = []
    prepared = Prepared(
        lambda article_id: (
            built.append(article_id)
            or (Comment.objects.filter(article=article_id).values_list("pk"))
        )
    )
    with CaptureQueriesContext(connection) as queries:
        first = prepared.rows(thread.pk)
        again = prepared.rows(thread.pk)
        none = prepared.rows(thread.pk + 10_000)
    assert built == [MARK]
    assert first == again
    assert len(first) == 6
    assert none == []
    assert len(queries) == 3


def test_a_queryset_that_ignores_its_value_is_refused(essay):
    prepared = Prepared(lambda article_id: Comment.objects.values_list("pk"))
    with pytest.raises(ValueError, match="does not use the value"):
        prepared.rows(essay.pk)
