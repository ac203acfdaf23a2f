"""The Leave a Reply form: labels, messages next to each field, and nothing typed lost."""

import pytest

from comments.models import Comment
from tests.factories import UserFactory
from tests.html import texts


def field_value(page, name):
    import re

    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    return match.group(1) if match else None


def test_form_shows_the_seed_labels(client, essay):
    page = client.get(essay.get_absolute_url()).content.decode()
    assert "Leave a Reply" in texts(page, "h3")[0]
    assert "Fill in your details below or click an icon to log in:" in page
    for label in [
        "Comment",
        "Email",
        "Name",
        "Website",
        "Notify me of new comments via email.",
        "Notify me of new posts via email.",
        "Save my name, email, and website in this browser for the next time I comment.",
    ]:
        assert f"{label}" in page
    assert "Address never made public" in page
    assert 'value="Post Comment"' in page
    assert 'for="id_author_email"' in page
    assert 'for="id_body"' in page


def test_labels_in_seed_order(client, essay):
    page = client.get(essay.get_absolute_url()).content.decode()
    order = [page.index(f'for="id_{name}"') for name in ["body", "author_email", "author_name"]]
    assert order == sorted(order)
    assert page.index('for="id_author_name"') < page.index('for="id_author_url"')


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"body": ""}, "body", "Please type your comment."),
        ({"body": "   \n\t  "}, "body", "Please type your comment."),
        ({"author_email": ""}, "author_email", "Please enter your email address."),
        ({"author_email": "not-an-address"}, "author_email", "valid email address"),
        ({"author_name": ""}, "author_name", "Please enter your name."),
        ({"author_name": "   "}, "author_name", "Please enter your name."),
        ({"author_url": "javascript:alert(1)"}, "author_url", "starting with http://"),
        ({"author_url": "ftp://example.com/"}, "author_url", "starting with http://"),
        ({"author_name": "n" * 246}, "author_name", "at most 245 characters"),
        ({"author_email": "a" * 90 + "@example.com"}, "author_email", "at most 100"),
        ({"author_url": "https://example.com/" + "a" * 190}, "author_url", "at most 200"),
        ({"body": "x" * 65526}, "body", "at most 65525 characters"),
    ],
)
def test_invalid_input_is_refused_with_a_message_and_kept(
    post_comment, essay, overrides, field, message
):
    response = post_comment(essay, **overrides)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your comment was not posted." in page
    assert page.count(message) == 2  # once in the summary, once under the field
    # the message stands next to its field
    assert f'id="id_{field}_error"' in page
    assert page.index(f'id="id_{field}"') < page.index(f'id="id_{field}_error"') or (
        page.index(f'for="id_{field}"') < page.index(f'id="id_{field}_error"')
    )
    assert Comment.objects.count() == 0
    # the form posts back to its own anchor so the reader's place is kept
    assert 'action="/comments/post/the-future-of-nato/#respond"' in page


def test_everything_typed_is_kept_on_error(post_comment, essay):
    response = post_comment(
        essay,
        body="My long and careful comment <with> “quotes”.",
        author_email="broken@",
        author_name="Zoë O’Brien",
        author_url="https://zoe.example/",
        notify_comments="on",
        notify_posts="on",
        remember="on",
    )
    page = response.content.decode()
    assert "My long and careful comment &lt;with&gt; “quotes”." in page
    assert field_value(page, "author_email") == "broken@"
    assert field_value(page, "author_name") == "Zoë O’Brien"
    assert field_value(page, "author_url") == "https://zoe.example/"
    for name in ["notify_comments", "notify_posts", "remember"]:
        assert (
            f'name="{name}" class="checkboxinput form-check-input" id="id_{name}" checked'
            in (page)
            or f'name="{name}" checked' in page
        )


def test_website_without_scheme_gets_https(post_comment, essay):
    post_comment(essay, author_url="example.org/me")
    assert Comment.objects.get().author_url == "https://example.org/me"


def test_the_limits_themselves_are_accepted(post_comment, essay):
    response = post_comment(
        essay,
        body="x" * 65525,
        author_name="n" * 245,
        author_email="a" * 88 + "@example.com",
        author_url="https://example.com/" + "a" * 180,
    )
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_reply_to_a_comment_that_is_gone_keeps_the_text(post_comment, essay):
    from tests.factories import CommentFactory

    gone = CommentFactory(article=essay, status=Comment.Status.SPAM)
    response = post_comment(essay, parent=gone.pk, body="Replying to a ghost.")
    page = response.content.decode()
    assert response.status_code == 200
    assert "no longer available" in page
    assert "Replying to a ghost." in page
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("kind", ["blank", "errors", "logged-in", "remembered"])
def test_the_fields_are_what_crispy_renders(essay, kind, django_user_model, monkeypatch):
    """render_fields() (the blank form's markup is kept per process) is crispy's markup."""
    from django.template import engines

    from comments import spam
    from comments.forms import CommentForm

    monkeypatch.setattr(spam, "now", lambda: 1_800_000_000)  # the same timestamp in both

    user = django_user_model(username="olga") if kind == "logged-in" else None
    for _ in range(2):  # the second time from what the process kept, if anything
        form = {
            "blank": lambda: CommentForm(article=essay),
            "errors": lambda: CommentForm({"body": ""}, article=essay),
            "logged-in": lambda: CommentForm(article=essay, user=user),
            "remembered": lambda: CommentForm(article=essay, initial={"author_name": "Ann"}),
        }[kind]()
        form.is_valid()
        crispy = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")
        assert form.render_fields() == crispy.render({"form": form})


def test_the_blank_form_is_kept_per_process_with_a_fresh_timestamp_each_time(essay, monkeypatch):
    """comments/forms.py keeps the markup of blank forms; each rendering still gets its own
    signed timestamp, and anonymous and logged-in commenters their own fields."""
    from comments import forms, spam

    monkeypatch.setattr(forms, "_blank_form_html", {})
    user = UserFactory(username="lee", email="lee@example.com", password="x")
    clock = iter(range(1_800_000_000, 1_800_000_100, 10))
    monkeypatch.setattr(spam, "now", lambda: next(clock))
    stamps = []
    for who in (None, user, None, user):
        html = forms.CommentForm(article=essay, user=who).render_fields()
        assert ('name="author_name"' in html) is (who is None)
        assert forms.TIMESTAMP_PLACEHOLDER not in html
        stamps.append(field_value(html, "timestamp"))
    assert len(set(stamps)) == 4
    assert len(forms._blank_form_html) == 2  # one markup for each kind of commenter
    monkeypatch.setattr(spam, "now", lambda: 1_800_000_100)
    assert [spam.token_age(stamp) for stamp in stamps] == [100, 90, 80, 70]
    shared = forms.CommentForm(article=essay, shared=True).render_fields()
    assert field_value(shared, "timestamp") == ""  # nothing of any reader in the shared page
