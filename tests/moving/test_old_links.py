"""After an import, a post's WordPress addresses answer 301 to its article, and an old
"#comment-45" link lands on the imported comment (the browser keeps the fragment)."""

import pytest

from articles.models import Article
from moving.models import OldLink
from tests.moving.helpers import WORDPRESS_EDGES, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(essay):
    run("import_wordpress", WORDPRESS_EDGES)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/2021/10/27/a-deep-thread/", "/articles/a-deep-thread/"),
        ("/2021/10/27/a-deep-thread", "/articles/a-deep-thread/"),
        ("/2021/10/27/the-future-of-nato/", "/articles/the-future-of-nato/"),
        ("/?p=124", "/articles/a-deep-thread/"),
        ("/?p=123", "/articles/the-future-of-nato/"),
    ],
)
def test_old_addresses_answer_301(imported, client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new


def test_an_old_comment_link_lands_on_the_comment(imported, client):
    response = client.get("/2021/10/27/the-future-of-nato/", follow=True)
    assert response.redirect_chain == [("/articles/the-future-of-nato/", 301)]
    assert '<span id="comment-45"></span>' in response.content.decode()


@pytest.mark.parametrize("query", ["?p=abc", "?p=999", "?p=²", "?p=" + "9" * 40, "?p="])
def test_other_queries_are_the_home_page(imported, client, query):
    assert client.get("/" + query).status_code == 200


def test_an_address_nobody_had_is_still_404(imported, client):
    assert client.get("/2021/10/27/never-was/").status_code == 404


def test_the_redirect_follows_a_renamed_article(imported, client):
    article = Article.objects.get(slug="a-deep-thread")
    article.slug = "renamed"
    article.save()
    assert client.get("/?p=124")["Location"] == "/articles/renamed/"


def test_a_dry_run_adds_no_redirect(essay, client):
    run("import_wordpress", WORDPRESS_EDGES, "--dry-run")
    assert not OldLink.objects.exists()
    assert client.get("/2021/10/27/a-deep-thread/").status_code == 404
