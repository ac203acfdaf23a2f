"""Conditional requests: a repeat visit gets a 304, only for the same page and the reader's
own token."""

import time

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


def test_no_304_for_a_copy_older_than_an_hour(url, essay, monkeypatch):
    """The copy holds the form's timestamp of then: after an hour, a new page."""
    from pagecache import cache as page_cache

    reader = Client()
    etag = reader.get(url)["ETag"]
    later = time.time() + page_cache.ETAG_PERIOD
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    assert reader.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_no_304_when_the_page_changed(url, essay, django_capture_on_commit_callbacks):
    reader = Client()
    etag = reader.get(url)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        CommentFactory(article=essay, body="Something new.")
    again = reader.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert "Something new." in again.content.decode()
    assert again["ETag"] != etag


def test_no_304_for_a_copy_whose_token_does_not_match_the_cookie(url, essay):
    """A browser's copy holds a token for the cookie it had then; with a new cookie (or none)
    only a new page has a token that posts."""
    etag = Client().get(url)["ETag"]
    other = Client()
    other.get(url)
    assert other.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert Client().get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_if_modified_since_alone_gets_the_page(url, essay):
    reader = Client()
    reader.get(url)
    later = http_date(timezone.now().timestamp() + 60)
    assert reader.get(url, HTTP_IF_MODIFIED_SINCE=later).status_code == 200


def test_a_page_without_a_token_needs_no_cookie_for_its_304(rf, db):
    """(Every article page has a form; a page without one gets plain validators.)"""
    from django.http import HttpResponse

    from pagecache import cache as page_cache

    def render():
        return HttpResponse("<p>Nothing to post.</p>")

    first = page_cache.serve(rf.get("/articles/x/"), "x", render)
    assert "csrftoken" not in first.cookies
    again = page_cache.serve(rf.get("/articles/x/", HTTP_IF_NONE_MATCH=first["ETag"]), "x", render)
    assert again.status_code == 304
