"""Preview: without JavaScript the form posts and the page shows the rendered comment above
the form with everything kept; with JavaScript a fragment (comments:preview). It stores
nothing, sends nothing, is rate-limited and never cached."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from comments.models import Comment, CommentRevision, DiscussionSettings
from mail.models import OutgoingMail
from tests.conftest import comment_data

PREVIEW = reverse("comments:preview")


def post(client, essay, **fields):
    return client.post(
        reverse("comments:post", kwargs={"slug": essay.slug}), comment_data(**fields)
    )


def test_without_javascript_the_preview_is_above_the_form_with_everything_kept(
    essay, moderator_emails, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(
            client,
            essay,
            body="I **mean** it.\nhttps://example.org/",
            author_name="Pat Preview",
            author_url="https://pat.example/",
            notify_comments="on",
            preview="1",
        )
    assert response.status_code == 200
    page = response.content.decode()
    preview = page.index('class="comment-preview"')
    assert preview < page.index('id="commentform"')
    assert "<p>I <strong>mean</strong> it.<br><a href=" in page[preview:]
    assert "I **mean** it.\nhttps://example.org/</textarea>" in page
    assert 'value="Pat Preview"' in page
    assert 'value="https://pat.example/"' in page
    assert re.search(r'name="notify_comments"[^>]*checked', page)
    assert not Comment.objects.exists()
    assert callbacks == []
    assert mail.outbox == []
    assert not OutgoingMail.objects.exists()
    assert "no-store" in response["Cache-Control"]


def test_the_preview_keeps_the_forms_clock(essay, settings):
    """A preview is not a new form: posting right after it is not "too fast"."""
    settings.COMMENTS_MIN_SECONDS = 30
    client = Client()
    data = comment_data(body="Quick preview, then post.")  # rendered a minute ago
    response = client.post(
        reverse("comments:post", kwargs={"slug": essay.slug}), data | {"preview": "1"}
    )
    stamp = re.search(r'name="timestamp" value="([^"]*)"', response.content.decode()).group(1)
    assert stamp == data["timestamp"]
    assert (
        post(client, essay, body="Quick preview, then post.", timestamp=stamp).status_code == 302
    )


def test_an_invalid_form_shows_its_errors_not_a_preview(essay):
    response = post(Client(), essay, body="Typed.", author_email="nope", preview="1")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please enter a valid email address" in page
    assert 'class="comment-preview"' not in page
    assert "Typed.</textarea>" in page


def test_with_javascript_a_fragment(essay):
    response = Client().post(PREVIEW, {"body": "> quoted\n\n*soft* <b>raw</b>"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<blockquote>" in html
    assert "<em>soft</em> &lt;b&gt;raw&lt;/b&gt;" in html
    assert "no-store" in response["Cache-Control"]
    assert not Comment.objects.exists()
    empty = Client().post(PREVIEW, {"body": "  "})
    assert empty.status_code == 400
    assert "Please type your comment." in empty.content.decode()
    assert Client().get(PREVIEW).status_code == 405


def test_previews_are_rate_limited_apart_from_posts(essay, settings):
    settings.COMMENTS_PREVIEW_RATE_LIMIT_PER_IP = 2
    settings.COMMENTS_RATE_LIMIT_PER_IP = 1
    client = Client()
    assert client.post(PREVIEW, {"body": "one"}).status_code == 200
    assert post(client, essay, body="two", preview="1").status_code == 200
    refused = client.post(PREVIEW, {"body": "three"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "previews faster than we allow" in refused.content.decode()
    page = post(client, essay, body="Four, kept.", preview="1")
    assert page.status_code == 429
    assert "Four, kept.</textarea>" in page.content.decode()
    assert post(client, essay, body="The post itself.").status_code == 302  # its own limit


def test_previewing_an_edit_changes_nothing(essay):
    rules = DiscussionSettings.load()
    rules.require_previous_approval = False
    rules.save()
    client = Client()
    post(client, essay, body="Before.")
    comment = Comment.objects.get()
    url = reverse("comments:edit", kwargs={"pk": comment.pk})
    response = client.post(url, {"body": "After, **bold**.", "preview": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<strong>bold</strong>" in page
    assert "After, **bold**.</textarea>" in page
    assert "no-store" in response["Cache-Control"]
    comment.refresh_from_db()
    assert comment.body == "Before."
    assert not CommentRevision.objects.exists()


@pytest.mark.parametrize("logged_in", [False, True])
def test_preview_button_and_formatting_help_on_the_form(essay, client, logged_in):
    if logged_in:
        from tests.factories import UserFactory

        client.force_login(UserFactory())
    page = client.get(essay.get_absolute_url()).content.decode()
    form = page[page.index('id="commentform"') :]
    assert form.index('name="submit"') < form.index('name="preview"')
    assert 'value="Preview"' in form
    assert "Formatting: *emphasis*, **strong**" in form
    assert 'aria-describedby="id_body_helptext"' in form
