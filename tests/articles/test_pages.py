from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory
from tests.html import texts


def test_home_lists_published_articles_newest_first(client, essay):
    newer = ArticleFactory(title="Newer")
    ArticleFactory(title="Hidden draft", status=Article.Status.DRAFT, published_at=None)
    response = client.get(reverse("articles:index"))
    assert response.status_code == 200
    titles = texts(response.content, "h2")
    assert titles[:2] == [newer.title, essay.title]
    assert "Hidden draft" not in response.content.decode()
    page = response.content.decode()
    assert essay.excerpt in page
    assert essay.author.name in page
    assert essay.get_absolute_url() in page


def test_article_page_head(client, essay):
    page = client.get(essay.get_absolute_url()).content.decode()
    assert f"<title>{essay.title} – " in page
    assert f'<meta name="description" content="{essay.excerpt}">' in page
    assert '<link rel="canonical" href="http://testserver/articles/the-future-of-nato/">' in page
    assert '<meta property="og:title" content="The Future of\u00a0NATO">' in page
    assert '<meta property="og:type" content="article">' in page


def test_draft_is_404_for_visitors(client, db):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_scheduled_article_is_404_for_visitors(client, db):
    from datetime import timedelta

    from django.utils import timezone

    future = ArticleFactory(published_at=timezone.now() + timedelta(days=2))
    assert client.get(future.get_absolute_url()).status_code == 404
    assert future.title not in client.get(reverse("articles:index")).content.decode()


def test_staff_preview_draft_marked_and_not_cached(staff_client, db):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    response = staff_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: this article is not published" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_published_article_is_not_marked_preview_for_staff(staff_client, essay):
    response = staff_client.get(essay.get_absolute_url())
    assert response.status_code == 200
    assert essay.body_html[:200] in response.content.decode()  # the article itself
    assert "Preview:" not in response.content.decode()


def test_author_page_lists_their_published_articles(client, essay):
    other = AuthorFactory()
    ArticleFactory(author=other, title="Someone else’s")
    ArticleFactory(author=essay.author, title="Unpublished", status=Article.Status.DRAFT)
    response = client.get(essay.author.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert texts(page, "h1") == ["Oliver Gao"]
    assert essay.title in page
    assert "Someone else’s" not in page
    assert "Unpublished" not in page


def test_unknown_pages_get_the_friendly_404(client, db):
    response = client.get("/articles/no-such-thing/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert client.get("/authors/nobody/").status_code == 404


def test_500_page_renders_without_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html


def test_markdown_is_rendered_once_on_save(db):
    article = ArticleFactory(body="Hello *world* <script>alert(1)</script>")
    assert "<em>world</em>" in article.body_html
    assert "<script>" not in article.body_html


def test_home_and_article_query_counts_are_small(client, essay, django_assert_max_num_queries):
    for _ in range(5):
        ArticleFactory()
    with django_assert_max_num_queries(2):
        assert client.get(reverse("articles:index")).status_code == 200
    # the article with its author, then the comment section (see tests/comments/test_queries.py)
    with django_assert_max_num_queries(4):
        assert client.get(essay.get_absolute_url()).status_code == 200
