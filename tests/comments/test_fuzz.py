"""Property-based tests (Hypothesis): arbitrary text, names, e-mail addresses and websites
posted to the Leave a Reply form. Never a 500; every refusal says why and stores nothing;
every accepted comment is stored as typed and shown with no markup of its own."""

import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from comments import actions
from comments.models import Comment
from tests import xss
from tests.conftest import comment_data

POST_URL = "/comments/post/the-future-of-nato/"

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any character a browser can send: all of Unicode but lone surrogates (not encodable as
# UTF-8), control characters and NUL included.
any_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300)
markup = st.sampled_from(xss.BODIES + xss.NAMES + xss.URLS + xss.SAFE_URLS_WITH_MARKUP)
mixed = st.builds(lambda a, b, c: a + b + c, any_text, markup, any_text)


def long(minimum, maximum):
    """A very long string: one character repeated, around a field's limit."""
    return st.builds(
        lambda c, n: c * n,
        st.characters(exclude_categories=["Cs"]),
        st.integers(minimum, maximum),
    )


bodies = st.one_of(any_text, markup, mixed, long(65000, 65600))
names = st.one_of(any_text, markup, mixed, long(240, 260))
emails = st.one_of(st.emails(), any_text, st.sampled_from(xss.EMAILS), long(95, 110))
websites = st.one_of(
    st.just(""),
    any_text,
    st.sampled_from(xss.URLS + xss.SAFE_URLS_WITH_MARKUP),
    st.builds(lambda path: "https://example.com/" + path, any_text),
    st.builds(lambda s: "javascript:" + s, any_text),
    st.builds(lambda s: "data:text/html," + s, any_text),
    long(190, 210),
)
parents = st.one_of(
    st.none(),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    any_text,
)


@pytest.fixture
def site(essay, settings):
    settings.COMMENTS_RATE_LIMIT_PER_IP = 0
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = 0
    settings.COMMENTS_PER_PAGE = 1000
    return essay


def check_post(essay, **fields):
    """Post, then check the outcome is one a visitor can act on: accepted (stored as typed,
    shown as text) or refused (a message, nothing stored)."""
    before = Comment.objects.count()
    client = Client()
    response = client.post(POST_URL, comment_data(**fields))  # a 500 raises here
    page = response.content.decode() if response.status_code != 302 else ""
    if response.status_code == 302:
        comment = Comment.objects.latest("pk")
        try:
            check_accepted(essay, comment, fields, before)
        finally:
            comment.delete()  # each example starts from the same page (and no duplicate)
        return
    assert Comment.objects.count() == before
    if response.status_code == 409:
        assert "Duplicate comment detected" in page
    else:
        assert response.status_code == 200, response.status_code
        summary = re.search(r'class="alert alert-danger error-summary".*?</ul>', page, re.S)
        assert "Your comment was not posted." in summary.group(0)
        assert "<li>" in summary.group(0)  # each reason, listed
    assert 'id="commentform"' in page


def check_accepted(essay, comment, fields, before):
    """Stored as typed (trimmed), and shown with no markup of its own."""
    assert Comment.objects.count() == before + 1
    assert comment.body == fields.get("body", comment.body).strip()
    if "author_name" in fields:
        assert comment.author_name == fields["author_name"].strip()
    actions.change_status(
        Comment.objects.filter(pk=comment.pk), Comment.Status.APPROVED, "Set by a test"
    )
    shown = Client().get(essay.get_absolute_url()).content.decode()
    problems = xss.markup_problems(xss.comment_fragment(shown, comment.pk))
    assert problems == [], fields
    if comment.author_url:
        assert comment.author_url.startswith(("http://", "https://"))


@FUZZ
@given(body=bodies)
# found by Hypothesis: urlize links "y\x92y=https://…", nh3 drops the bad href (inert <a>)
@example(body=f"y\x92y=https://example.com/<script>{xss.RUN}</script>")
def test_any_comment_text(site, body):
    check_post(site, body=body)


@FUZZ
@given(name=names)
def test_any_name(site, name):
    check_post(site, author_name=name)


@FUZZ
@given(email=emails)
def test_any_email_address(site, email):
    check_post(site, author_email=email)


@FUZZ
@given(url=websites)
def test_any_website(site, url):
    check_post(site, author_url=url)


@FUZZ
@given(body=bodies, name=names, email=emails, url=websites, parent=parents)
def test_everything_at_once(site, body, name, email, url, parent):
    fields = {"author_name": name, "author_email": email, "author_url": url, "parent": parent}
    check_post(site, body=body, **fields)


@FUZZ
@given(value=st.one_of(any_text, st.integers().map(str)))
def test_any_query_string_on_the_article_and_report_pages(site, value):
    client = Client()
    response = client.get(site.get_absolute_url(), {"replytocom": value})
    assert response.status_code == 200
    assert client.get("/comments/report/", {"comment": value}).status_code == 404
