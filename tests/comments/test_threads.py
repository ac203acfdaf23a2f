"""Threads: nesting, the depth cap, replies with and without JavaScript, removed parents,
pagination and permalinks."""

import re

from django.test import Client

from comments import actions
from comments.models import Comment
from tests.factories import CommentFactory


def comment_ids_in_order(page):
    return [int(pk) for pk in re.findall(r'<li id="comment-(\d+)"', page)]


def nesting(page, pk):
    """How many <ol> lists enclose comment pk."""
    before = page[: page.index(f'<li id="comment-{pk}"')]
    return before.count("<ol") - before.count("</ol>")


def test_threads_oldest_first_with_replies_nested(client, essay):
    first = CommentFactory(article=essay)
    second = CommentFactory(article=essay)
    reply = CommentFactory(article=essay, parent=first)
    reply_to_reply = CommentFactory(article=essay, parent=reply)
    page = client.get(essay.get_absolute_url()).content.decode()
    assert comment_ids_in_order(page) == [first.pk, reply.pk, reply_to_reply.pk, second.pk]
    assert nesting(page, first.pk) == 1
    assert nesting(page, reply.pk) == 2
    assert nesting(page, reply_to_reply.pk) == 3
    assert nesting(page, second.pk) == 1
    assert page.count("<ol") == page.count("</ol>")
    assert len(re.findall(r"<li[\s>]", page)) == page.count("</li>")


def test_reply_at_the_deepest_level_attaches_beside_it(settings, essay):
    settings.COMMENTS_THREAD_DEPTH = 3
    top = CommentFactory(article=essay)
    level1 = CommentFactory(article=essay, parent=top)
    level2 = CommentFactory(article=essay, parent=level1)
    deeper = CommentFactory(article=essay, parent=level2)
    assert level2.depth == 2
    assert deeper.parent == level1
    assert deeper.depth == 2
    assert deeper.thread == top


def test_default_depth_is_five(essay):
    parent = CommentFactory(article=essay)
    for _ in range(7):
        parent = CommentFactory(article=essay, parent=parent)
    assert parent.depth == 4


def test_reply_link_works_without_javascript(client, essay, post_comment):
    ann = CommentFactory(article=essay, author_name="Ann")
    page = client.get(essay.get_absolute_url()).content.decode()
    assert f'href="/articles/the-future-of-nato/?replytocom={ann.pk}#respond"' in page
    replying = client.get(f"{essay.get_absolute_url()}?replytocom={ann.pk}").content.decode()
    assert "Leave a Reply to Ann" in replying
    assert f'name="parent" value="{ann.pk}"' in replying
    cancel = re.search(r'<a id="cancel-comment-reply-link"[^>]*>', replying).group(0)
    assert "hidden" not in cancel
    assert 'href="/articles/the-future-of-nato/#respond"' in cancel

    response = post_comment(essay, parent=ann.pk, body="Answering Ann.")
    reply = Comment.objects.get(body="Answering Ann.")
    assert reply.parent == ann
    assert response["Location"].endswith(f"#comment-{reply.pk}")


def test_reply_links_on_the_error_page_lead_back_to_the_article(essay, post_comment):
    # The page that shows a refused comment is served at the POST-only address: a relative
    # ?replytocom link there would answer 405.
    ann = CommentFactory(article=essay, author_name="Ann")
    page = post_comment(essay, body="").content.decode()
    assert "Your comment was not posted." in page
    assert f'href="/articles/the-future-of-nato/?replytocom={ann.pk}#respond"' in page


def test_cancel_reply_hidden_when_not_replying(client, essay):
    page = client.get(essay.get_absolute_url()).content.decode()
    cancel = re.search(r'<a id="cancel-comment-reply-link"[^>]*>', page).group(0)
    assert "hidden" in cancel
    assert "Leave a Reply to" not in page


def test_replytocom_to_unknown_or_hidden_comment_is_ignored(client, essay):
    spam = CommentFactory(article=essay, status=Comment.Status.SPAM, author_name="Spammer")
    for value in [spam.pk, 999999, "abc", ""]:
        page = client.get(f"{essay.get_absolute_url()}?replytocom={value}").content.decode()
        assert "Leave a Reply to" not in page
    ann = CommentFactory(article=essay, author_name="Ann")  # whereas an approved one is
    page = client.get(f"{essay.get_absolute_url()}?replytocom={ann.pk}").content.decode()
    assert "Leave a Reply to Ann" in page


def test_reply_whose_parent_was_removed_stays_under_a_placeholder(client, essay):
    parent = CommentFactory(article=essay, body="Soon gone.")
    reply = CommentFactory(article=essay, parent=parent, body="Still relevant.")
    actions.change_status([parent], Comment.Status.SPAM, "Set by a test")
    page = client.get(essay.get_absolute_url()).content.decode()
    assert "Soon gone." not in page
    assert "This comment was removed." in page
    assert "Still relevant." in page
    assert comment_ids_in_order(page) == [parent.pk, reply.pk]
    assert nesting(page, reply.pk) == 2
    assert "1 thought" not in page
    assert "One thought on" in page


def test_removed_middle_of_a_thread(client, essay):
    top = CommentFactory(article=essay)
    middle = CommentFactory(article=essay, parent=top)
    leaf = CommentFactory(article=essay, parent=middle, body="Leaf text.")
    actions.change_status(
        Comment.objects.filter(pk=middle.pk), Comment.Status.TRASH, "Set by a test"
    )
    page = client.get(essay.get_absolute_url()).content.decode()
    assert comment_ids_in_order(page) == [top.pk, middle.pk, leaf.pk]
    assert page.count("This comment was removed.") == 1
    assert nesting(page, leaf.pk) == 3


def test_removed_thread_without_visible_replies_leaves_no_trace(client, essay):
    CommentFactory(article=essay, status=Comment.Status.TRASH, body="Thrown away.")
    CommentFactory(article=essay, body="Still here.")
    page = client.get(essay.get_absolute_url()).content.decode()
    assert "This comment was removed." not in page
    assert "Thrown away." not in page
    assert "Still here." in page
    assert "One thought on" in page


def test_pagination_has_stable_urls(client, essay, settings):
    settings.COMMENTS_PER_PAGE = 2
    tops = [CommentFactory(article=essay) for _ in range(5)]
    reply = CommentFactory(article=essay, parent=tops[2])
    first = client.get(essay.get_absolute_url()).content.decode()
    assert comment_ids_in_order(first) == [tops[0].pk, tops[1].pk]
    second = client.get("/articles/the-future-of-nato/comment-page-2/")
    assert second.status_code == 200
    assert comment_ids_in_order(second.content.decode()) == [tops[2].pk, reply.pk, tops[3].pk]
    third = client.get("/articles/the-future-of-nato/comment-page-3/").content.decode()
    assert comment_ids_in_order(third) == [tops[4].pk]
    assert 'href="/articles/the-future-of-nato/comment-page-3/#comments"' in first
    assert "6 thoughts on" in first
    assert client.get("/articles/the-future-of-nato/comment-page-4/").status_code == 404


def test_permalink_lands_on_the_page_that_holds_the_comment(client, essay, settings):
    settings.COMMENTS_PER_PAGE = 2
    tops = [CommentFactory(article=essay) for _ in range(5)]
    reply = CommentFactory(article=essay, parent=tops[3])
    response = client.get(reply.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == (
        f"/articles/the-future-of-nato/comment-page-2/#comment-{reply.pk}"
    )
    assert client.get(tops[0].get_absolute_url())["Location"] == (
        f"/articles/the-future-of-nato/#comment-{tops[0].pk}"
    )
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert f'id="comment-{reply.pk}"' in page


def test_permalink_of_hidden_comment_is_404(client, essay):
    spam = CommentFactory(article=essay, status=Comment.Status.SPAM)
    assert client.get(spam.get_absolute_url()).status_code == 404


def test_new_comment_redirects_to_the_last_page(post_comment, essay, settings, client):
    settings.COMMENTS_PER_PAGE = 2
    for _ in range(4):
        CommentFactory(article=essay)
    response = post_comment(essay, body="Mine, on a new page?")
    mine = Comment.objects.get(body="Mine, on a new page?")
    assert response["Location"] == (
        f"/articles/the-future-of-nato/comment-page-2/#comment-{mine.pk}"
    )
    page = client.get("/articles/the-future-of-nato/comment-page-2/").content.decode()
    assert "Mine, on a new page?" in page
    assert "Your comment is awaiting moderation." in page
    assert (
        "Mine, on a new page?"
        not in Client().get("/articles/the-future-of-nato/comment-page-2/").content.decode()
    )


def test_pages_that_do_not_exist_are_404(client, essay, settings):
    settings.COMMENTS_PER_PAGE = 2
    for _ in range(3):
        CommentFactory(article=essay)
    assert client.get("/articles/the-future-of-nato/comment-page-2/").status_code == 200
    for number in (0, 3, 99):
        page = f"/articles/the-future-of-nato/comment-page-{number}/"
        assert client.get(page).status_code == 404


def test_display_rows_read_times_as_django_does(essay, settings):
    """comments.threads.display_rows reads the time as text (faster): the rows must be the
    ones Django's own reading gives, to the microsecond and in UTC, whatever the site's zone."""
    from datetime import UTC, datetime, timedelta, timezone

    from comments.threads import DISPLAY_FIELDS, Row, display_rows

    settings.TIME_ZONE = "Europe/Brussels"
    times = [
        datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC),  # before the clocks change
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # no microseconds
        datetime(2026, 7, 1, 23, 30, 0, 5, tzinfo=timezone(timedelta(hours=-5))),
    ]
    for when in times:
        comment = CommentFactory(article=essay, status=Comment.Status.APPROVED)
        Comment.objects.filter(pk=comment.pk).update(created_at=when)
    comments = Comment.objects.filter(article=essay).order_by("created_at", "pk")
    rows = display_rows(comments)
    assert rows == [Row._make(row) for row in comments.values_list(*DISPLAY_FIELDS)]
    assert [row.created_at for row in rows] == times
    assert all(row.created_at.utcoffset() == timedelta(0) for row in rows)
