"""What readers see of a comment: safe text, safe links, avatars, never the e-mail."""

import pytest
from django.test import Client

from comments import actions
from comments.models import Comment
from tests.factories import CommentFactory
from tests.html import elements, unsafe_markup

HOSTILE = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "<svg onload=alert(1)>",
    '"><b onmouseover=alert(1)>hover',
    "<iframe src=//evil.example></iframe>",
    "<style>body{display:none}</style>",
]


def page_of(essay):
    return Client().get(essay.get_absolute_url()).content.decode()


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_text_is_shown_as_text(essay, payload):
    CommentFactory(article=essay, body=payload, author_name=payload)
    page = page_of(essay)
    thread = page[page.index('<ol class="comment-list">') : page.index('id="respond"')]
    assert unsafe_markup(thread.replace('class="avatar"', "")) == ["img"]  # only the avatar
    # only our own links: the date, Reply and Report
    assert [tag for tag, _ in elements(thread) if tag == "a"] == ["a", "a", "a"]
    assert payload.replace("<", "&lt;").replace(">", "&gt;") in thread.replace("&quot;", '"')


def test_paragraphs_and_line_breaks_kept(essay):
    CommentFactory(article=essay, body="First line\nsecond line\n\nNew paragraph")
    page = page_of(essay)
    assert "<p>First line<br>second line</p>" in page
    assert "<p>New paragraph</p>" in page


def test_urls_in_text_become_ugc_links(essay):
    CommentFactory(article=essay, body="See https://example.org/report?a=1&b=2 please")
    page = page_of(essay)
    assert '<a href="https://example.org/report?a=1&amp;b=2" rel="ugc nofollow noopener">' in page


def test_author_name_links_to_website_with_ugc_rel(essay):
    CommentFactory(article=essay, author_name="Web Person", author_url="https://web.example/")
    page = page_of(essay)
    assert '<a href="https://web.example/" rel="ugc nofollow noopener">Web Person</a>' in page


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>", "//x.example"],
)
def test_website_other_than_http_is_never_a_link(essay, url):
    # the model rejects it on full_clean, but one may come in another way (an import)
    comment = CommentFactory.build(article=essay, author_url=url)
    with pytest.raises(Exception, match="Enter a valid URL"):
        comment.full_clean()
    actions.add_moderated(comment)
    page = page_of(essay)
    assert f'<span class="comment-author" id="comment-{comment.pk}-author">Reader' in page
    assert 'href="javascript:' not in page.lower()
    assert "data:text/html" not in page
    assert 'href="//x.example"' not in page


def test_email_address_never_appears(essay, post_comment, client):
    CommentFactory(article=essay, author_email="secret.person@example.com")
    post_comment(essay, author_email="another.secret@example.com")
    assert "secret.person@example.com" not in page_of(essay)
    # not even to the author looking at their own pending comment
    own = client.get(essay.get_absolute_url()).content.decode()
    assert "Your comment is awaiting moderation." in own
    assert "another.secret@example.com" not in own.split('id="respond"')[0]


def test_local_default_avatar_when_gravatar_is_off(essay, settings):
    settings.COMMENTS_GRAVATAR = False
    CommentFactory(article=essay)
    page = page_of(essay)
    assert 'src="/static/img/avatar.svg"' in page
    assert "gravatar.com" not in page


def test_gravatar_uses_sha256_of_normalised_email(essay, settings):
    import hashlib

    settings.COMMENTS_GRAVATAR = True
    CommentFactory(article=essay, author_email="  Mixed.Case@Example.COM ")
    digest = hashlib.sha256(b"mixed.case@example.com").hexdigest()
    assert f"https://www.gravatar.com/avatar/{digest}?s=96&amp;d=mp" in page_of(essay)


@pytest.mark.parametrize(
    ("count", "heading"),
    [
        (0, "No thoughts yet on “The Future of\u00a0NATO”"),
        (1, "One thought on “The Future of\u00a0NATO”"),
        (3, "3 thoughts on “The Future of\u00a0NATO”"),
    ],
)
def test_count_heading(essay, count, heading):
    for _ in range(count):
        CommentFactory(article=essay)
    CommentFactory(article=essay, status=Comment.Status.PENDING)
    assert heading in page_of(essay)


def test_date_is_a_permalink(essay):
    comment = CommentFactory(article=essay)
    assert f'<a class="comment-permalink" href="#comment-{comment.pk}"><time' in page_of(essay)
