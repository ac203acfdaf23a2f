"""Which log-in icons show: only providers with a client id and secret, from the environment
or the admin; none at all (and no broken link) when none is configured."""

import re
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers import registry
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from natoblog.settings import BASE_DIR, social_app
from tests.html import elements
from tests.oauth import enable_providers

PROVIDER_URLS = ["/accounts/facebook/", "/accounts/twitter_oauth2/", "/accounts/wordpress_com/"]


def respond_block(page):
    """The "Leave a Reply" block, up to the comment form itself."""
    start = page.index('id="respond"')
    return page[start : page.index('id="commentform"', start)]


def icon_buttons(page):
    """Buttons (a page rendered for one visitor) or links (the page every anonymous reader
    shares, which holds no CSRF token: see provider_buttons.html)."""
    return re.findall(r'class="login-icon login-icon-([a-z_0-9]+)"', page)


def test_with_none_configured_no_icons_and_no_broken_links(client, essay, settings):
    enable_providers(settings)
    page = client.get(essay.get_absolute_url()).content.decode()
    block = respond_block(page)
    assert "Fill in your details below or click an icon to log in:" in block
    assert icon_buttons(page) == []
    assert "login-icons" not in block
    for url in PROVIDER_URLS:
        assert url not in page
    links = [attrs["href"] for tag, attrs in elements(block) if tag == "a" and "href" in attrs]
    assert links  # log in / create an account here
    for link in links:
        if link.startswith("#") or link.startswith(essay.get_absolute_url()):
            continue
        assert Client().get(link).status_code == 200, link


def test_only_configured_providers_show(client, essay, settings):
    enable_providers(settings, "facebook")
    page = client.get(essay.get_absolute_url()).content.decode()
    assert icon_buttons(page) == ["facebook"]
    assert 'href="/accounts/facebook/login/?process=login&amp;next=' in page
    assert "/accounts/twitter_oauth2/" not in page
    assert "/accounts/wordpress_com/" not in page


def test_all_three_in_the_seed_order(client, essay, settings):
    enable_providers(settings, "facebook", "twitter_oauth2", "wordpress_com")
    page = client.get(essay.get_absolute_url()).content.decode()
    assert icon_buttons(page) == ["wordpress_com", "twitter_oauth2", "facebook"]
    # where the seed had them: after the sentence, before the form's fields
    block = respond_block(page)
    assert block.index("click an icon to log in:") < block.index("login-icons")


def test_icons_are_labelled_buttons_with_vendored_svgs(client, essay, settings):
    enable_providers(settings, "facebook", "twitter_oauth2", "wordpress_com")
    page = client.get(essay.get_absolute_url()).content.decode()
    for name in ["WordPress.com", "X", "Facebook"]:
        assert f'<span><span class="visually-hidden">Log in with </span>{name}</span>' in page
    icons = [
        attrs for tag, attrs in elements(page) if tag == "img" and "/providers/" in attrs["src"]
    ]
    assert len(icons) == 3
    for attrs in icons:
        assert attrs["alt"] == ""  # the button's text names it
        assert attrs["src"].startswith("/static/img/providers/")
        assert Client().get(attrs["src"]).status_code == 200
    # the shared page: links to allauth's page that asks to go on (its button posts, with the
    # visitor's own token)
    links = [
        attrs["href"]
        for tag, attrs in elements(page)
        if tag == "a" and "login-icon" in attrs.get("class", "")
    ]
    assert len(links) == 3
    for link in links:
        assert link.endswith("?process=login&next=/articles/the-future-of-nato/%23respond")
        confirm = Client().get(link)
        assert confirm.status_code == 200
        assert 'name="csrfmiddlewaretoken"' in confirm.content.decode()
    # a page rendered for one visitor (a remembered name): buttons that post at once
    client.cookies["comment_author_name"] = "Ann"
    page = client.get(essay.get_absolute_url()).content.decode()
    forms = [
        attrs
        for tag, attrs in elements(page)
        if tag == "form" and "/login/" in attrs.get("action", "")
    ]
    assert {form["method"] for form in forms} == {"post"}
    assert page.count('name="next" value="/articles/the-future-of-nato/#respond"') == 3


def test_every_installed_provider_has_an_icon():
    for provider_class in registry.get_class_list():
        icon = BASE_DIR / "static" / "img" / "providers" / f"{provider_class.id}.svg"
        assert Path(icon).is_file(), provider_class.id


def test_a_social_application_in_the_admin_counts(
    client, essay, settings, django_capture_on_commit_callbacks
):
    enable_providers(settings)
    assert icon_buttons(client.get(essay.get_absolute_url()).content.decode()) == []
    with django_capture_on_commit_callbacks(execute=True):
        app = SocialApp.objects.create(
            provider="wordpress_com", name="WordPress.com", client_id="123", secret="abc"
        )
    page = client.get(essay.get_absolute_url()).content.decode()
    assert icon_buttons(page) == ["wordpress_com"]
    # and its log-in works from the admin's app
    response = client.post("/accounts/wordpress_com/login/", {"process": "login"})
    assert response.status_code == 302
    assert "client_id=123" in response["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        app.delete()
    assert icon_buttons(client.get(essay.get_absolute_url()).content.decode()) == []


def test_a_hidden_application_shows_no_icon(
    client, essay, settings, django_capture_on_commit_callbacks
):
    enable_providers(settings)
    with django_capture_on_commit_callbacks(execute=True):
        app = SocialApp.objects.create(
            provider="facebook", name="FB", client_id="1", secret="2", settings={"hidden": True}
        )
    assert icon_buttons(client.get(essay.get_absolute_url()).content.decode()) == []
    with django_capture_on_commit_callbacks(execute=True):
        app.settings = {}  # shown again
        app.save()
    assert icon_buttons(client.get(essay.get_absolute_url()).content.decode()) == ["facebook"]


@pytest.mark.parametrize("provider_id", ["facebook", "twitter_oauth2", "wordpress_com"])
def test_log_in_url_of_an_unconfigured_provider_is_404(client, db, settings, provider_id):
    enable_providers(settings)
    assert client.post(f"/accounts/{provider_id}/login/").status_code == 404
    assert client.get(f"/accounts/{provider_id}/login/callback/").status_code == 404


def test_the_log_in_page_shows_the_same_icons(client, db, settings):
    enable_providers(settings, "twitter_oauth2")
    page = client.get("/accounts/login/", {"next": "/articles/the-future-of-nato/#respond"})
    text = page.content.decode()
    assert icon_buttons(text) == ["twitter_oauth2"]
    assert 'name="next" value="/articles/the-future-of-nato/#respond"' in text


# Environment variables ----------------------------------------------------------------


def test_client_id_and_secret_from_the_environment(monkeypatch):
    monkeypatch.setenv("FACEBOOK_CLIENT_ID", "fb-app")
    monkeypatch.setenv("FACEBOOK_CLIENT_SECRET", "fb-secret")
    assert social_app("FACEBOOK") == {"APPS": [{"client_id": "fb-app", "secret": "fb-secret"}]}


def test_unset_environment_configures_nothing(monkeypatch):
    monkeypatch.delenv("WORDPRESS_COM_CLIENT_ID", raising=False)
    monkeypatch.delenv("WORDPRESS_COM_CLIENT_SECRET", raising=False)
    assert social_app("WORDPRESS_COM") == {}


@pytest.mark.parametrize("missing", ["TWITTER_CLIENT_ID", "TWITTER_CLIENT_SECRET"])
def test_half_a_configuration_refuses_to_start(monkeypatch, missing):
    monkeypatch.setenv("TWITTER_CLIENT_ID", "x-app")
    monkeypatch.setenv("TWITTER_CLIENT_SECRET", "x-secret")
    monkeypatch.delenv(missing)
    with pytest.raises(ImproperlyConfigured, match="TWITTER_CLIENT_ID and TWITTER_CLIENT_SECRET"):
        social_app("TWITTER")
