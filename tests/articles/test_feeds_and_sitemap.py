from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory


def test_rss_feed_lists_published_only(client, essay):
    ArticleFactory(title="Secret draft", status=Article.Status.DRAFT, published_at=None)
    response = client.get(reverse("feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    body = response.content.decode()
    assert "<title>The Future of\u00a0NATO</title>" in body
    assert "http://testserver/articles/the-future-of-nato/" in body
    assert "Secret draft" not in body


def test_atom_feed(client, essay):
    response = client.get(reverse("feed-atom"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Oliver Gao" in response.content.decode()


def test_sitemap_lists_published_articles_and_authors(client, essay):
    ArticleFactory(slug="draft-one", status=Article.Status.DRAFT, published_at=None)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<loc>http://testserver/articles/the-future-of-nato/</loc>" in body
    assert "<loc>http://testserver/authors/oliver-gao/</loc>" in body
    assert "draft-one" not in body


def test_robots_txt(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body
