"""Discussion settings: "Comments should be displayed with the older / newer comments at the
top of each page". Replies stay oldest first under their parent; pages and permalinks follow
the order; the cached page changes with the setting."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from tests.factories import CommentFactory
from tests.pagecache.conftest import state


@pytest.fixture
def threads(essay):
    """Three threads A, B, C (oldest first); A has replies A1, A2 (A2 newest of all)."""
    start = timezone.now() - timedelta(hours=1)
    made = {}
    for n, name in enumerate(["A", "B", "C", "A1", "A2"]):
        parent = made["A"] if name.startswith("A") and name != "A" else None
        made[name] = CommentFactory(article=essay, parent=parent, body=f"Comment {name}.")
        Comment.objects.filter(pk=made[name].pk).update(created_at=start + timedelta(minutes=n))
    return made


def order(value):
    rules = DiscussionSettings.load()
    rules.comment_order = value
    rules.save()


def shown(html):
    return [
        name
        for _, name in sorted(
            (html.index(f"Comment {n}."), n) for n in "ABC" if f"Comment {n}." in html
        )
    ]


def page(url):
    return Client().get(url).content.decode()


def test_older_comments_at_the_top_by_default(essay, threads):
    html = page(essay.get_absolute_url())
    assert shown(html) == ["A", "B", "C"]
    assert html.index("Comment A1.") < html.index("Comment A2.") < html.index("Comment B.")


def test_newer_comments_at_the_top_replies_still_oldest_first(essay, threads):
    order("newest")
    html = page(essay.get_absolute_url())
    assert shown(html) == ["C", "B", "A"]
    assert html.index("Comment A.") < html.index("Comment A1.") < html.index("Comment A2.")


def test_pages_and_permalinks_follow_the_order(essay, threads, settings):
    settings.COMMENTS_PER_PAGE = 2
    second = reverse("articles:detail-page", kwargs={"slug": essay.slug, "cpage": 2})

    def landing(name):
        response = Client().get(reverse("comments:permalink", kwargs={"pk": threads[name].pk}))
        return response["Location"]

    assert shown(page(essay.get_absolute_url())) == ["A", "B"]
    assert shown(page(second)) == ["C"]
    assert landing("A2") == f"{essay.get_absolute_url()}#comment-{threads['A2'].pk}"
    assert landing("C") == f"{second}#comment-{threads['C'].pk}"
    order("newest")
    assert shown(page(essay.get_absolute_url())) == ["C", "B"]
    assert shown(page(second)) == ["A"]
    assert landing("A2") == f"{second}#comment-{threads['A2'].pk}"
    assert landing("C") == f"{essay.get_absolute_url()}#comment-{threads['C'].pk}"


def test_a_new_comment_lands_at_the_top_of_the_first_page(
    essay, threads, settings, client, post_comment
):
    settings.COMMENTS_PER_PAGE = 2
    order("newest")
    response = post_comment(essay, body="Comment D.")  # held: a first comment
    comment = Comment.objects.get(body="Comment D.")
    assert comment.status == Comment.Status.PENDING
    assert response["Location"] == f"{essay.get_absolute_url()}#comment-{comment.pk}"
    html = client.get(essay.get_absolute_url()).content.decode()
    assert html.index("Comment D.") < html.index("Comment C.")
    assert "Your comment is awaiting moderation." in html


def test_the_cached_page_changes_with_the_setting(
    essay, threads, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 3600
    url = essay.get_absolute_url()
    Client().get(url)
    cached = Client().get(url)
    assert state(cached) == "hit"
    assert shown(cached.content.decode()) == ["A", "B", "C"]
    with django_capture_on_commit_callbacks(execute=True):
        order("newest")
    fresh = Client().get(url)
    assert state(fresh) == "miss"
    assert shown(fresh.content.decode()) == ["C", "B", "A"]
    with django_capture_on_commit_callbacks(execute=True):
        order("newest")  # saved unchanged: the page stays
    assert state(Client().get(url)) == "hit"


def test_the_setting_is_in_the_admin(essay, threads, admin_client):
    url = reverse("admin:comments_discussionsettings_change", args=[1])
    form = admin_client.get(url).content.decode()
    assert "Comments should be displayed with the" in form
    assert "newer comments at the top of each page" in form
