"""One reader's Edit and Delete links never reach another reader: not through the page cache,
not through nginx's copy (deploy/nginx.conf); and an edit refreshes the shared page."""

import shutil
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment, DiscussionSettings
from tests.conftest import comment_data
from tests.natoblog.test_nginx import REQUIRE, Reader, cached_page, deployed_nginx
from tests.pagecache.conftest import state


@pytest.fixture
def approved_at_once(db):
    rules = DiscussionSettings.load()
    rules.require_previous_approval = False
    rules.save()


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 3600


def test_the_shared_page_never_holds_edit_links(
    essay, approved_at_once, page_cache_on, django_capture_on_commit_callbacks
):
    url = essay.get_absolute_url()
    author = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = author.post(
            reverse("comments:post", kwargs={"slug": essay.slug}), comment_data(body="Mine.")
        )
    assert response.status_code == 302
    mine = author.get(url)
    assert "comment-edit-link" in mine.content.decode()  # the positive control
    assert state(mine) is None  # rendered for the author, never stored
    reader = Client().get(url)
    assert state(reader) == "miss"
    assert "Mine." in reader.content.decode()
    assert "comment-edit-link" not in reader.content.decode()
    again = Client().get(url)
    assert state(again) == "hit"
    assert "comment-edit-link" not in again.content.decode()


def test_an_edit_refreshes_the_shared_page(
    essay, approved_at_once, page_cache_on, django_capture_on_commit_callbacks
):
    url = essay.get_absolute_url()
    author = Client()
    with django_capture_on_commit_callbacks(execute=True):
        author.post(
            reverse("comments:post", kwargs={"slug": essay.slug}), comment_data(body="Teh text.")
        )
    comment = Comment.objects.get()
    Client().get(url)
    assert state(Client().get(url)) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        edit = reverse("comments:edit", kwargs={"pk": comment.pk})
        assert author.post(edit, {"body": "The text."}).status_code == 302
    page = Client().get(url)
    assert state(page) == "miss"
    assert "The text." in page.content.decode()
    assert "Teh text." not in page.content.decode()


@pytest.mark.skipif(
    not REQUIRE and shutil.which("nginx") is None,
    reason="nginx not found: apt-get install nginx (.ci/run installs it)",
)
@pytest.mark.django_db(transaction=True)
def test_nginx_never_serves_the_authors_edit_links(live_server, settings, essay):
    settings.PAGE_CACHE_SECONDS = 3600
    settings.PAGE_CACHE_PROXY_SECONDS = 30
    settings.COMMENTS_MIN_SECONDS = 0
    DiscussionSettings.objects.update_or_create(
        pk=1, defaults={"require_previous_approval": False}
    )
    url = essay.get_absolute_url()
    with deployed_nginx(live_server) as port:
        settings.CSRF_TRUSTED_ORIGINS = [f"http://127.0.0.1:{port}"]
        author = Reader(port)
        page = author.get(url + "?form")  # (a query string: nginx keeps no copy yet)
        token = page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        stamp = page.text.split('name="timestamp" value="')[1].split('"')[0]
        body = urlencode(
            comment_data(body="Through nginx.", csrfmiddlewaretoken=token, timestamp=stamp)
        )
        action = reverse("comments:post", kwargs={"slug": essay.slug})
        posted = author.request("POST", action, {"Origin": f"http://127.0.0.1:{port}"}, body)
        assert posted.status == 302, posted.text[:500]
        mine = author.get(url)
        assert mine.headers["X-Proxy-Cache"] == "BYPASS"
        assert "comment-edit-link" in mine.text  # the positive control
        theirs = cached_page(Reader(port), url)
        assert theirs.headers["X-Proxy-Cache"] == "HIT"
        assert "Through nginx." in theirs.text
        assert "comment-edit-link" not in theirs.text
        assert "comment-edit-link" in author.get(url).text
