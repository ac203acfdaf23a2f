"""The cached page is refreshed exactly when what it shows changes, on commit, and is never
kept past the moment comments close."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comments import actions
from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory
from tests.pagecache.conftest import state


def change(action):
    """The ways an article page changes, each as a function of the essay."""
    return pytest.param(action, id=action.__name__)


def approve(essay):
    comment = Comment.objects.get(body="Held back.")
    actions.change_status([comment], Comment.Status.APPROVED, "Set by a test")
    return "Held back."


def approve_in_bulk(essay):
    actions.change_status(
        Comment.objects.filter(body="Held back."), Comment.Status.APPROVED, "Set by a test"
    )
    return "Held back."


def edit(essay):
    comment = Comment.objects.get(body="Shown.")
    comment.body = "Shown, then edited."
    comment.save()
    return "Shown, then edited."


def mark_spam(essay):
    comment = Comment.objects.get(body="Shown.")
    actions.change_status([comment], Comment.Status.SPAM, "Set by a test")
    return "No thoughts yet"


def trash_in_bulk(essay):
    actions.change_status(
        Comment.objects.filter(body="Shown."), Comment.Status.TRASH, "Set by a test"
    )
    return "No thoughts yet"


def delete(essay):
    Comment.objects.get(body="Shown.").delete()
    return "No thoughts yet"


def delete_in_bulk(essay):
    Comment.objects.filter(body="Shown.").delete()
    return "No thoughts yet"


def add_approved(essay):
    CommentFactory(article=essay, body="Straight in.")
    return "Straight in."


def edit_article(essay):
    essay.title = "The Future of NATO, revised"
    essay.save()
    return "The Future of NATO, revised"


def edit_author(essay):
    essay.author.bio = "Now writes elsewhere."
    essay.author.save()
    return "Now writes elsewhere."


# What changes an article's comments (tests/pagecache/test_kept_data.py too), then the article.
COMMENT_CHANGES = [
    change(approve),
    change(approve_in_bulk),
    change(edit),
    change(mark_spam),
    change(trash_in_bulk),
    change(delete),
    change(delete_in_bulk),
    change(add_approved),
]


@pytest.mark.parametrize("action", [*COMMENT_CHANGES, change(edit_article), change(edit_author)])
def test_the_page_is_refreshed_when_the_change_commits(
    url, essay, cached, action, django_capture_on_commit_callbacks
):
    CommentFactory(article=essay, body="Shown.")
    CommentFactory(article=essay, body="Held back.", status=Comment.Status.PENDING)
    cached()
    with django_capture_on_commit_callbacks(execute=True):
        expected = action(essay)
        # not before the transaction commits: a reader could cache the old page again
        assert state(Client().get(url)) == "hit"
    page = Client().get(url)
    assert state(page) == "miss"
    assert expected in page.content.decode()


def test_a_comment_held_for_moderation_leaves_the_cache_alone(
    url, essay, cached, post_comment, django_capture_on_commit_callbacks
):
    cached()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(essay, body="Wait for me.")
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert state(Client().get(url)) == "hit"


def test_a_renamed_article_is_gone_from_its_old_address(
    url, essay, cached, django_capture_on_commit_callbacks
):
    cached()
    with django_capture_on_commit_callbacks(execute=True):
        essay.slug = "nato-tomorrow"
        essay.save()
    assert Client().get(url).status_code == 404
    assert Client().get("/articles/nato-tomorrow/").status_code == 200


def test_a_draft_is_gone_at_once(url, essay, cached, django_capture_on_commit_callbacks):
    cached()
    with django_capture_on_commit_callbacks(execute=True):
        type(essay).objects.filter(pk=essay.pk).update(status="draft")
    assert Client().get(url).status_code == 404


def test_the_page_is_not_kept_past_the_moment_comments_close(db, settings, monkeypatch):
    from pagecache import cache as page_cache

    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=14, minutes=-10))
    timeouts = []
    set_in_cache = page_cache.cache.set
    monkeypatch.setattr(
        page_cache.cache,
        "set",
        lambda key, value, timeout: timeouts.append(timeout) or set_in_cache(key, value, timeout),
    )
    Client().get(article.get_absolute_url())
    assert 0 < timeouts[0] <= 600
