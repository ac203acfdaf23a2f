"""No address of the site answers 500, whatever it is sent.

Every URL pattern the resolver knows (not a hand-written list) gets generated query strings and
form bodies (Hypothesis), as GET and as POST, from a visitor and from a logged-in superuser.
The test client does not check CSRF tokens, which is what a valid token would give; field
names are drawn from those the site's forms and links use, and from anything at all."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import CommentFactory

FIELDS = [
    "next",
    "comment",
    "parent",
    "replytocom",
    "body",
    "author_email",
    "author_name",
    "author_url",
    "timestamp",
    "honeypot",
    "email",
    "follow-email",
    "reason",
    "subscription",
    "reply_body",
    "action",
    "_selected_action",
    "post",
    "q",
    "p",
    "o",
    "login",
    "password",
    "comments",
    "confirm",
    "status__exact",
]
VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "1",
            "-1",
            "default",
            "a:b",
            "/",
            "//evil.example",
            "²",
            "10" * 20,
            "a@b.example",
        ]
    ),
    st.text(max_size=30),
)
DATA = st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), VALUES, max_size=5)


def patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


ALL = sorted(set(patterns()))


def concrete(route, slug, pk):
    """A path for a route: converters get the essay's slug, an existing comment's id, a
    token-like string; regular expressions (the admin's) their simplest match."""
    path = re.sub(r"<int:\w+>", str(pk), route)
    path = re.sub(r"<slug:\w+>", slug, path)
    path = re.sub(r"<(str|path):\w+>", str(pk), path)
    path = re.sub(r"<(\w+:)?\w+>", "x", path)
    path = path.lstrip("^").rstrip("$")
    path = re.sub(r"\(\?P<\w+>[^)]*\)", str(pk), path)
    path = path.replace("\\", "")
    return "/" + path


def test_the_walk_covers_the_site():
    assert len(ALL) > 50
    for route in ["articles/<slug:slug>/", "comments/post/<slug:slug>/", "admin/"]:
        assert route in ALL
    assert any(route.startswith("comments/subscriptions/follow") for route in ALL)


@pytest.mark.parametrize("route", ALL)
@pytest.mark.django_db
def test_no_server_error(route, essay, admin_user):
    comment = CommentFactory(article=essay)
    path = concrete(route, essay.slug, comment.pk)
    visitor, staff = Client(raise_request_exception=False), Client(raise_request_exception=False)
    staff.force_login(admin_user)

    @settings(
        max_examples=6,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=DATA, body=DATA)
    # what a valid form with a strange "next" sends (the follow form once answered 500 to it)
    @example(query={"next": "default"}, body={"follow-email": "a@b.example", "next": "a:b"})
    @example(query={}, body={"follow-email": "a@b.example", "next": "default"})
    def check(query, body):
        for client in (visitor, staff):
            for response in (client.get(path, query), client.post(path, body)):
                assert response.status_code < 500, (path, query, body, response.status_code)

    check()
