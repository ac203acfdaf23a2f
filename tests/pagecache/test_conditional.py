"""Conditional requests: a repeat visit gets a 304 while the page is unchanged."""

from django.test import Client
from django.utils import timezone
from django.utils.http import http_date

from tests.factories import CommentFactory


def test_a_repeat_visit_gets_304(url, essay):
    reader = Client()
    first = reader.get(url)
    assert first["ETag"].startswith('W/"')
    assert first["Last-Modified"]
    assert first["Cache-Control"] == "private, no-cache"
    again = reader.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_no_304_when_the_page_changed(url, essay, django_capture_on_commit_callbacks):
    reader = Client()
    etag = reader.get(url)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        CommentFactory(article=essay, body="Something new.")
    again = reader.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert "Something new." in again.content.decode()
    assert again["ETag"] != etag


def test_every_reader_gets_the_same_etag(url, essay):
    """The page holds nothing of any reader: any reader's copy is every reader's."""
    etag = Client().get(url)["ETag"]
    assert Client().get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_if_modified_since_alone_gets_the_page(url, essay):
    reader = Client()
    reader.get(url)
    later = http_date(timezone.now().timestamp() + 60)
    assert reader.get(url, HTTP_IF_MODIFIED_SINCE=later).status_code == 200


def test_a_304_sets_no_cookie(rf, db):
    from django.http import HttpResponse

    from pagecache import cache as page_cache

    def render():
        return HttpResponse("<p>Nothing to post.</p>")

    first = page_cache.serve(rf.get("/articles/x/"), "x", render)
    assert "csrftoken" not in first.cookies
    again = page_cache.serve(rf.get("/articles/x/", HTTP_IF_NONE_MATCH=first["ETag"]), "x", render)
    assert again.status_code == 304
