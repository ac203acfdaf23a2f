"""CSRF on the forms of the shared page (natoblog/csrf.py): a visitor without a session posts
without a token (the page every anonymous reader shares holds none); anyone with a session
(logged in, or a session of their own comments) is checked by Django exactly as before."""

import re

import pytest
from django.conf import settings
from django.test import Client

from comments.models import Comment
from subscriptions.models import Subscription
from tests.conftest import comment_data
from tests.factories import UserFactory

POST_URL = "/comments/post/the-future-of-nato/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


@pytest.fixture
def visitor():
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def logged_in(visitor, db):
    visitor.force_login(UserFactory(username="lee", email="lee@example.com"))
    return visitor


def test_the_csrf_middleware_runs_before_the_views_and_after_sessions():
    """The check the decorator asks for needs the session and the user: Django's CSRF
    middleware is in place, after the session middleware; the views are decorated."""
    order = settings.MIDDLEWARE
    assert order.index("django.middleware.csrf.CsrfViewMiddleware") > order.index(
        "natoblog.middleware.SessionMiddleware"
    )


def test_an_anonymous_visitor_posts_without_a_token(visitor, essay):
    response = visitor.post(POST_URL, comment_data(body="No token needed."))
    assert response.status_code == 302
    assert Comment.objects.filter(body="No token needed.").exists()


def test_a_logged_in_post_without_a_token_is_refused(logged_in, essay):
    response = logged_in.post(POST_URL, comment_data(body="Forged for Lee."))
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_logged_in_post_with_the_token_of_their_page_is_posted(logged_in, essay):
    page = logged_in.get(essay.get_absolute_url()).content.decode()
    token = TOKEN.search(page).group(1)
    response = logged_in.post(
        POST_URL, comment_data(body="Lee's own words.", csrfmiddlewaretoken=token)
    )
    assert response.status_code == 302
    assert Comment.objects.get().user.username == "lee"


def test_a_session_of_ones_own_comments_is_checked_too(visitor, essay, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    first = visitor.post(POST_URL, comment_data(body="First, awaiting moderation."))
    assert first.status_code == 302, first.content.decode()[:500]
    assert settings.SESSION_COOKIE_NAME in visitor.cookies  # their own comments, remembered
    response = visitor.post(POST_URL, comment_data(body="Forged with their session."))
    assert response.status_code == 403
    assert not Comment.objects.filter(body="Forged with their session.").exists()


def test_a_session_cookie_that_is_not_a_session_is_still_checked(visitor, essay):
    visitor.cookies[settings.SESSION_COOKIE_NAME] = "made-up"
    assert visitor.post(POST_URL, comment_data()).status_code == 403


def test_follow_this_blog_anonymous_without_a_token_logged_in_with_one(visitor, logged_in, db):
    anonymous = Client(enforce_csrf_checks=True)
    answer = anonymous.post("/comments/subscriptions/follow/", {"follow-email": "ann@example.com"})
    assert answer.status_code == 302
    assert Subscription.objects.filter(email="ann@example.com").exists()
    follow = "/comments/subscriptions/follow/"
    refused = logged_in.post(follow, {"follow-email": "lee@example.com"})
    assert refused.status_code == 403
    assert not Subscription.objects.filter(email="lee@example.com").exists()


def test_the_shared_pages_preview_needs_no_token_but_a_session_does(visitor, logged_in, essay):
    """Preview with JavaScript (/comments/preview/) from the shared page, which holds no
    token: rendered for a visitor without a session; refused for one with a session."""
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.post("/comments/preview/", {"body": "Some *emphasis*."})
    assert response.status_code == 200
    assert "<em>emphasis</em>" in response.content.decode()
    assert logged_in.post("/comments/preview/", {"body": "Forged."}).status_code == 403
