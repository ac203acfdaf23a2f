"""The two template engines (natoblog/jinja.py): the article page is Jinja2, every other page the
Django template language, with one header, one footer and one set of messages for both; what
a visitor wrote is escaped in either; the forms of a page rendered for one reader carry their
CSRF token, and the page every anonymous reader shares carries none."""

import re

import pytest
from django.contrib.messages.constants import SUCCESS
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.template import engines
from django.test import Client
from django.urls import reverse

from tests.factories import ArticleFactory, AuthorFactory, UserFactory

TOKEN = 'name="csrfmiddlewaretoken"'


def render(source, **context):
    return engines["jinja2"].from_string(source).render(context)


def block(html, tag):
    found = re.search(rf"<{tag}\b.*?</{tag}>", html, re.S)
    assert found, f"no <{tag}>"
    return found.group(0)


def test_fill_escapes_the_values_not_the_translation():
    html = render(
        """{{ _('by <a href="%(url)s">%(name)s</a>')|fill(url=url, name=name) }}""",
        url="/authors/a/?x=1&y=2",
        name='<script>alert("x")</script>',
    )
    assert html == (
        'by <a href="/authors/a/?x=1&amp;y=2">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</a>'
    )


def test_plain_text_is_escaped():
    assert render("{{ name }}", name="<b>Ann</b>") == "&lt;b&gt;Ann&lt;/b&gt;"


@pytest.mark.django_db
def test_an_authors_name_with_markup_is_shown_as_text():
    author = AuthorFactory(name="<em>Mallory</em>", bio="<script>x()</script>")
    article = ArticleFactory(author=author)
    html = Client().get(article.get_absolute_url()).content.decode()
    assert "<em>Mallory</em>" not in html
    assert "<script>x()</script>" not in html
    assert html.count("&lt;em&gt;Mallory&lt;/em&gt;") >= 3  # byline, About, og:author


def test_every_page_has_the_article_pages_header_and_footer(essay):
    article = Client().get(essay.get_absolute_url()).content.decode()
    other = Client().get("/no-such-page/")
    assert other.status_code == 404
    other = other.content.decode()
    assert block(other, "header") == block(article, "header")

    def footer(html):  # but for its follow form's token (the 404 page is this reader's) and next
        found = block(html, "footer")
        found = re.sub(
            r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">', "", found
        )
        found = re.sub(r'name="next" value="[^"]*"', 'name="next"', found)
        return re.sub(r"\s+", " ", found)

    assert footer(other) == footer(article)
    assert 'name="follow-email"' in footer(article)  # the follow form


def test_messages_show_on_the_article_page(essay):
    """A message waiting for the reader (in the messages cookie) is shown by the Jinja2 shell."""
    storage = CookieStorage(HttpRequest())
    client = Client()
    client.cookies[storage.cookie_name] = storage._encode([Message(SUCCESS, "Saved <for you>.")])
    html = client.get(essay.get_absolute_url()).content.decode()
    assert '<div class="alert alert-success">Saved &lt;for you&gt;.</div>' in html


def test_a_logged_in_readers_forms_carry_their_token(essay):
    client = Client()
    client.force_login(UserFactory(username="noa", email="n@example.com"))
    html = client.get(essay.get_absolute_url()).content.decode()
    forms = re.findall(r'<form\b[^>]*method="post".*?</form>', html, re.S)
    actions = {re.search(r'action="([^"]*)"', form).group(1) for form in forms}
    assert {
        reverse("logout"),
        reverse("subscriptions:follow"),
        reverse("comments:post", kwargs={"slug": essay.slug}) + "#respond",
    } <= actions
    assert all(TOKEN in form for form in forms)


def test_the_shared_page_carries_no_token(essay):
    response = Client().get(essay.get_absolute_url())
    html = response.content.decode()
    assert html.count('method="post"') >= 2  # the comment form and the follow form
    assert TOKEN not in html
    assert "csrftoken" not in response.cookies
