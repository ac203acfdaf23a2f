"""export_wordpress writes WXR 1.2 that an importer reads: a round trip (export, then import
into an empty database) gives the same articles and comments, statuses, kinds and threads."""

import xml.etree.ElementTree as ET

import pytest

from articles.models import Article, Author
from comments.models import Comment
from moving.models import OldLink, Origin
from tests.factories import CommentFactory
from tests.moving.helpers import WORDPRESS_EDGES, run, wxr_posts

pytestmark = pytest.mark.django_db


def seconds(value):
    return value.replace(microsecond=0) if value else value  # WXR's dates are to the second


def site():
    articles = {
        (
            a.title,
            a.slug,
            a.status,
            seconds(a.published_at),
            a.author.name,
            a.author.email,
            a.excerpt,
            a.body_html,
        )
        for a in Article.objects.select_related("author")
    }
    comments = {
        (
            c.article.slug,
            c.author_name,
            c.author_email,
            c.author_url,
            c.ip_address,
            seconds(c.created_at),
            c.status,
            c.kind,
            c.depth,
            c.body_html,
            c.parent.author_name if c.parent else None,
        )
        for c in Comment.objects.select_related("article", "parent")
    }
    return articles, comments


@pytest.fixture
def content(essay):
    run("import_wordpress", WORDPRESS_EDGES)
    ann = Comment.objects.get(author_name="Ann Reader")
    CommentFactory(article=essay, body="Our own comment,\nwritten here: https://example.com")
    CommentFactory(article=essay, parent=ann, body="A reply <b>typed</b> here.")
    return site()


def test_round_trip(content, tmp_path):
    path = tmp_path / "site.xml"
    run("export_wordpress", "--output", path)
    ET.parse(path)  # well-formed
    for model in (Comment, Article, Author, Origin, OldLink):
        model.objects.all().delete()
    run("import_wordpress", path)
    articles, comments = site()
    assert articles - content[0] == set()
    assert content[0] - articles == set()
    assert sorted(comments - content[1], key=str) == sorted(content[1] - comments, key=str)
    assert comments == content[1]


def test_the_file_is_wxr_1_2(content, tmp_path):
    path = tmp_path / "site.xml"
    run("export_wordpress", "--output", path)
    text = path.read_text()
    assert 'xmlns:wp="http://wordpress.org/export/1.2/"' in text
    assert "<wp:wxr_version>1.2</wp:wxr_version>" in text
    posts = wxr_posts(path)
    assert len(posts) == Article.objects.count()
    statuses = sorted(s for post in posts.values() for s, _, _ in post["comments"].values())
    assert statuses == sorted(Comment.objects.values_list("status", flat=True))
    kinds = {kind for post in posts.values() for _, kind, _ in post["comments"].values()}
    assert kinds == {"comment", "pingback", "trackback"}
    assert {post["status"] for post in posts.values()} == {"publish", "future", "draft"}


def test_to_standard_output(essay):
    out = run("export_wordpress")
    assert out.startswith('<?xml version="1.0" encoding="UTF-8" ?>')
    assert "<wp:post_name><![CDATA[the-future-of-nato]]></wp:post_name>" in out
