"""The shared page's comment form holds no timestamp (nothing of any reader is in that page):
a browser with JavaScript asks for one when the visitor starts on the form; without
JavaScript the first post gets the form back, the text kept and a fresh timestamp in it, to
post again. Robots posting at once are refused either way."""

import re
import time

import pytest
from django.test import Client

from comments import spam
from comments.models import Comment
from tests.conftest import comment_data

POST_URL = "/comments/post/the-future-of-nato/"
CONFIRM = "Please confirm your comment"


def timestamp_in(page):
    return re.search(r'name="timestamp" value="([^"]*)"', page).group(1)


@pytest.fixture
def reader(essay):
    """A browser without JavaScript, on the page every anonymous reader shares."""
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(essay.get_absolute_url()).content.decode()
    assert timestamp_in(page) == ""
    assert "csrfmiddlewaretoken" not in page
    return browser


def later(monkeypatch, seconds):
    start = time.time()
    monkeypatch.setattr(spam, "now", lambda: start + seconds)


def test_without_javascript_the_first_post_asks_to_confirm_keeping_the_text(
    reader, settings, monkeypatch
):
    settings.COMMENTS_MIN_SECONDS = 3
    data = comment_data(body="Written without scripts.", timestamp="")
    first = reader.post(POST_URL, data)
    assert first.status_code == 400
    page = first.content.decode()
    assert CONFIRM in page
    assert "Written without scripts." in page  # kept in the form
    assert 'id="commentform"' in page
    assert not Comment.objects.exists()
    fresh = timestamp_in(page)
    assert 0 <= spam.token_age(fresh) < 5
    # the reader reads the message and presses "Post Comment" again: posted
    later(monkeypatch, 5)
    again = reader.post(POST_URL, {**data, "timestamp": fresh})
    assert again.status_code == 302
    assert Comment.objects.get().body == "Written without scripts."


def test_a_robot_that_posts_again_at_once_is_refused(reader, settings):
    settings.COMMENTS_MIN_SECONDS = 3
    data = comment_data(body="Buy now.", timestamp="")
    first = reader.post(POST_URL, data)
    fresh = timestamp_in(first.content.decode())
    again = reader.post(POST_URL, {**data, "timestamp": fresh})
    assert again.status_code == 400
    assert "only moments after the page was opened" in again.content.decode()
    assert not Comment.objects.exists()


def test_a_robot_that_asks_for_a_timestamp_and_posts_at_once_is_refused(reader, settings):
    settings.COMMENTS_MIN_SECONDS = 3
    stamp = reader.get("/comments/timestamp/").content.decode()
    response = reader.post(POST_URL, comment_data(body="Buy now.", timestamp=stamp))
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_with_javascript_the_form_asks_for_a_fresh_timestamp_never_kept(
    reader, settings, monkeypatch
):
    response = reader.get("/comments/timestamp/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    stamp = response.content.decode()
    assert 0 <= spam.token_age(stamp) < 5
    later(monkeypatch, 10)
    posted = reader.post(POST_URL, comment_data(body="With scripts.", timestamp=stamp))
    assert posted.status_code == 302
    assert Comment.objects.get().body == "With scripts."


def test_the_shared_form_says_where_to_ask_and_loads_the_script(reader, essay):
    page = reader.get(essay.get_absolute_url()).content.decode()
    assert 'data-timestamp-url="/comments/timestamp/"' in page
    assert re.search(r'<script src="/static/js/form-timestamp[^"]*\.js" defer>', page)
