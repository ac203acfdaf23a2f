"""An old "#comment-45" link whose comment is not on the page the link opens (an imported
comment on page 3 of today's comments): static/js/comments.js asks
/comments/find/<slug>/comment-45/, which sends the browser to the page and anchor holding it."""

import re

import pytest

from comments.models import Comment
from tests.factories import CommentFactory
from tests.moving.helpers import WORDPRESS_EDGES, run

pytestmark = pytest.mark.django_db
FIND = "/comments/find/the-future-of-nato/comment-{}/"


@pytest.fixture
def imported(essay, settings):
    run("import_wordpress", WORDPRESS_EDGES)
    settings.COMMENTS_PER_PAGE = 1  # one thread a page: the imported threads spread out


def landing(client, url):
    response = client.get(url)
    assert response.status_code == 302
    page, _, anchor = response["Location"].partition("#")
    return page, anchor


def test_every_old_anchor_finds_the_page_holding_its_comment(imported, client):
    olds = Comment.objects.approved().filter(article__slug="the-future-of-nato")
    olds = set(olds.exclude(legacy_anchor="").values_list("legacy_anchor", flat=True))
    assert len(olds) >= 3
    pages = set()
    for old in olds:
        page, anchor = landing(client, FIND.format(old.removeprefix("comment-")))
        found = Comment.objects.get(pk=anchor.removeprefix("comment-"))
        assert found.legacy_anchor == old
        assert f'id="{anchor}"' in client.get(page).content.decode()
        pages.add(page)
    # the positive control: some of them are not on the first page
    assert len(pages) > 1
    assert any(re.search(r"comment-page-\d+/$", page) for page in pages)


def test_a_comment_of_the_site_is_found_by_its_number_too(imported, client, essay):
    ours = CommentFactory(article=essay, body="Written here.")
    page, anchor = landing(client, FIND.format(ours.pk))
    assert anchor == f"comment-{ours.pk}"
    assert "Written here." in client.get(page).content.decode()


def test_an_unknown_number_opens_the_articles_comments(imported, client):
    assert landing(client, FIND.format(999999)) == ("/articles/the-future-of-nato/", "comments")


def test_an_unknown_article_is_404(imported, client):
    assert client.get("/comments/find/no-such-article/comment-45/").status_code == 404


def test_the_page_tells_the_script_where_to_ask(imported, client):
    content = client.get("/articles/the-future-of-nato/").content.decode()
    assert 'data-find-url="/comments/find/the-future-of-nato/comment-0/"' in content
