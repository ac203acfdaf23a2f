"""What the article page works out once per process (natoblog/links.py, the blank comment
form) and once per response (the CSRF field), and that it still says what Django would."""

import re

from django.templatetags.static import static as django_static
from django.test import Client
from django.urls import reverse as django_reverse
from django.urls import set_script_prefix

from comments import forms as comment_forms
from natoblog import jinja, links
from tests.factories import UserFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMESTAMP = re.compile(r'(name="timestamp" value=")[^"]*(")')


def test_an_address_is_worked_out_once_for_its_script_prefix():
    links._reversed.cache_clear()
    assert jinja.url("comments:timestamp") == "/comments/timestamp/"
    assert jinja.url("comments:post", slug="an-essay") == "/comments/post/an-essay/"
    assert links.reverse("comments:timestamp") == "/comments/timestamp/"
    assert links._reversed.cache_info().hits == 1
    set_script_prefix("/blog/")
    try:
        assert jinja.url("comments:timestamp") == "/blog/comments/timestamp/"
        assert links.reverse("comments:timestamp") == django_reverse("comments:timestamp")
    finally:
        set_script_prefix("/")
    assert jinja.url("comments:timestamp") == "/comments/timestamp/"


def test_the_addresses_follow_the_settings_they_depend_on(settings, essay):
    before = links.static("css/site.css")
    assert before == django_static("css/site.css")
    settings.STATIC_URL = "/assets/"
    assert links.static("css/site.css") == django_static("css/site.css")
    assert links.static("css/site.css").startswith("/assets/")
    settings.ROOT_URLCONF = "natoblog.urls"  # the same addresses, worked out again
    assert essay.get_absolute_url() == django_reverse("articles:detail", args=[essay.slug])


def test_a_readers_forms_share_one_token_and_each_page_gets_a_fresh_one(essay):
    client = Client()
    client.force_login(UserFactory(username="reader", email="reader@example.com"))
    first = TOKEN.findall(client.get(essay.get_absolute_url()).content.decode())
    second = TOKEN.findall(client.get(essay.get_absolute_url()).content.decode())
    assert len(first) >= 2  # the comment form and the follow form
    assert len(set(first)) == 1
    assert len(set(second)) == 1
    assert first[0] != second[0]  # masked anew for every response (BREACH)


def fields(form):
    return TIMESTAMP.sub(r"\1\2", str(form.render_fields()))


def test_the_blank_form_is_the_comment_form_left_blank(essay, monkeypatch):
    reader = UserFactory(username="writer", email="writer@example.com")
    for user in (None, reader):
        for shared in (False, True):
            comment_forms._blank_form_html.clear()
            built = comment_forms.CommentForm(article=essay, user=user, shared=shared)
            blank = comment_forms.BlankCommentForm(article=essay, user=user, shared=shared)
            assert fields(blank) == fields(built)
            assert not blank.errors
            assert not blank.non_field_errors()
            assert not list(blank)
    Client().get(essay.get_absolute_url() + "?first")  # the markup laid out, kept
    built_forms = []
    original = comment_forms.CommentForm.__init__
    monkeypatch.setattr(
        comment_forms.CommentForm,
        "__init__",
        lambda self, *a, **k: built_forms.append(self) or original(self, *a, **k),
    )
    html = Client().get(essay.get_absolute_url() + "?again").content.decode()
    assert 'name="body"' in html
    assert re.search(r'name="timestamp" value="[^"]+"', html)  # this reader's own time
    assert built_forms == []  # the kept markup: no form built for the next page


def test_each_language_gets_its_own_texts_from_the_kept_ones(essay, settings):
    url = essay.get_absolute_url() + "?reader"
    english = Client().get(url).content.decode()
    settings.LANGUAGE_CODE = "fr"
    french = Client().get(url).content.decode()
    settings.LANGUAGE_CODE = "en"
    again = Client().get(url).content.decode()
    assert "Leave a Reply" in english
    assert "Laisser une réponse" not in english
    assert "Laisser une réponse" in french
    assert "Leave a Reply" in again
    assert "Laisser une réponse" not in again
