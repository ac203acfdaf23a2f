"""import_wordpress against every file of ../shared/data/wordpress/ (WordPress's own importer
test files): what each holds, read independently with ElementTree (tests/moving/helpers.py),
is what the site gets (articles, comments by status and kind, threads), twice over (the
second run creates nothing); the malformed file is refused with nothing written."""

import pytest
from django.core.management import CommandError

from articles.models import Article, Author
from comments.models import Comment
from moving.models import OldLink, Origin
from tests.moving.helpers import run, wxr_posts
from tests.shared_data import shared_file, shared_files

pytestmark = pytest.mark.django_db
VALID = [
    "cdata-edge.xml",
    "multiple-cdata.xml",
    "slashes.xml",
    "small-export.xml",
    "test-serialized-comment-meta.xml",
    "theme-unit-test-data.xml",
    "valid-wxr-1.0.xml",
    "valid-wxr-1.1.xml",
    "wxr-utf-8-challenges.xml",
]


def test_every_shared_file_is_tested():
    names = {path.name for path in shared_files("wordpress", "*.xml")}
    assert names == {*VALID, "malformed.xml"}


def imported_comments(source_posts):
    """{(post_id, comment_id): Comment} of what the import made, through its origins."""
    origins = dict(Origin.objects.filter(kind="comment").values_list("key", "object_id"))
    comments = Comment.objects.in_bulk(origins.values())
    return {tuple(key.split(":", 1)): comments[pk] for key, pk in origins.items()}


@pytest.mark.parametrize("name", VALID)
def test_the_file_is_imported_whole(name):
    path = shared_file("wordpress", name)
    posts = wxr_posts(path)
    before = Article.objects.count()  # the essay, from its data migration
    run("import_wordpress", path)
    assert Article.objects.count() == before + len(posts)
    made = imported_comments(posts)
    expected = {
        (post_id, comment_id): value
        for post_id, post in posts.items()
        for comment_id, value in post["comments"].items()
    }
    assert set(made) == set(expected)
    by_origin = {comment.pk: key for key, comment in made.items()}
    for key, (status, kind, parent) in expected.items():
        comment = made[key]
        assert comment.status == status, key
        assert comment.kind == kind, key
        if parent == "0":
            assert comment.parent_id is None
        else:  # its parent, or the ancestor it attaches to past the deepest level
            ancestors, node = [], (key[0], parent)
            while node in expected:
                ancestors.append(node)
                node = (key[0], expected[node][2])
            assert by_origin[comment.parent_id] in ancestors, key
    again = run("import_wordpress", path)
    assert "Created: -" in again
    assert Comment.objects.count() == len(expected)


def test_theme_unit_test_data(tmp_path):
    """The README's account of the file: 33 comments (30 approved, 3 pending), 2 trackbacks and
    2 pingbacks, threads 9 levels deep; 5 of the comments are on pages (not imported)."""
    out = run("import_wordpress", shared_file("wordpress", "theme-unit-test-data.xml"))
    assert Comment.objects.count() == 28
    assert "comments on skipped items: 5" in out
    assert Comment.objects.filter(kind="pingback").count() == 2
    assert Comment.objects.filter(kind="trackback").count() == 2
    assert Comment.objects.filter(status="pending").count() == 1
    assert Comment.objects.filter(depth=4).exists()
    ping = Comment.objects.get(author_name__startswith="Ping 1")
    assert ping.author_name == "Ping 1 « What’s a tellyworth?"  # entities decoded once
    assert "attachment: 37" in out
    assert "nav_menu_item: 70" in out
    assert Article.objects.get(title="Scheduled").published_at.year >= 2020
    assert Author.objects.filter(slug="themedemos").exists()


def test_slashes_are_kept_as_written():
    run("import_wordpress", shared_file("wordpress", "slashes.xml"))
    article = Article.objects.get(title="Hello world!")
    assert article.body == 'Slashes aren\\\'t \\"cool\\"'
    assert "\\o/ ¯\\_(ツ)_/¯" in Comment.objects.get().body_html


def test_cdata_sections_split_or_several_are_read_whole():
    run("import_wordpress", shared_file("wordpress", "cdata-edge.xml"))
    run("import_wordpress", shared_file("wordpress", "multiple-cdata.xml"))
    assert Article.objects.get(title="Edge").body == "ends with sequence ]] >"
    assert "line oneline twoline three" in Article.objects.get(title="Multi").body


def test_multibyte_text_and_emoji_survive():
    run("import_wordpress", shared_file("wordpress", "wxr-utf-8-challenges.xml"))
    article = Article.objects.exclude(slug="the-future-of-nato").get()
    assert "🚀🌟💫" in article.body_html
    assert "Frost" in article.title
    assert article.body_format == "html"
    assert "<!-- wp:paragraph" not in article.body_html


def test_two_exports_of_one_site_meet_and_two_sites_do_not():
    """valid-wxr-1.0 and 1.1 are exports of one site (http://localhost/, the same post 1 and
    comment 1); cdata-edge and multiple-cdata name no address and both have a post 1."""
    run("import_wordpress", shared_file("wordpress", "valid-wxr-1.0.xml"))
    again = run("import_wordpress", shared_file("wordpress", "valid-wxr-1.1.xml"))
    assert "Already there: articles: 1, comments: 1" in again
    assert Comment.objects.count() == 1
    assert OldLink.objects.filter(path="/?p=1").exists()
    run("import_wordpress", shared_file("wordpress", "cdata-edge.xml"))
    run("import_wordpress", shared_file("wordpress", "multiple-cdata.xml"))
    assert Article.objects.filter(title__in=["Edge", "Multi"]).count() == 2


def test_the_malformed_file_is_refused_naming_the_line_and_nothing_is_written(essay):
    counts = [model.objects.count() for model in (Article, Author, Comment, Origin, OldLink)]
    with pytest.raises(CommandError) as refused:
        run("import_wordpress", shared_file("wordpress", "malformed.xml"))
    message = str(refused.value)
    assert "malformed.xml: Not well-formed XML at line 90" in message
    assert "\n" not in message
    assert [model.objects.count() for model in (Article, Author, Comment, Origin, OldLink)] == (
        counts
    )
