"""import_disqus: the shared Disqus files (../shared/data/disqus/) and
tests/data/disqus/edge-cases.xml (a deleted parent, spam, threads found by address, by an old
address, by --map, and one that matches nothing)."""

import pytest
from django.core.management import CommandError

from articles.models import Article
from comments.models import Comment
from mail.models import OutgoingMail
from moving.models import Origin
from tests.factories import ArticleFactory, SubscriptionFactory
from tests.moving.helpers import DISQUS_EDGES, WORDPRESS_EDGES, run
from tests.shared_data import shared_file, shared_files

pytestmark = pytest.mark.django_db
MAPPED = "https://elsewhere.example/blog/mapped-by-owner.html=a-deep-thread"


def test_every_shared_file_is_tested():
    names = {path.name for path in shared_files("disqus", "*.xml")}
    assert names == {"disqus.xml", "disqus-malformed.xml"}


def test_isso_s_file(essay):
    out = run(
        "import_disqus",
        shared_file("disqus", "disqus.xml"),
        "--map",
        "http://example.org/=the-future-of-nato",
    )
    comments = {c.author_name: c for c in essay.comments.all()}
    # post 4 and its reply 5; deleted post 9 kept as the placeholder of its reply 11
    assert set(comments) == {"peter", "user", "Anonymous"}
    reply = essay.comments.get(body="<p>Hello, World.</p>", parent__author_name="peter")
    assert reply.parent.body == "..."
    placeholder = comments["Anonymous"]
    assert placeholder.status == Comment.Status.TRASH
    assert placeholder.body == ""
    assert placeholder.author_email == ""
    assert placeholder.replies.get().created_at.isoformat() == "2013-10-11T06:52:33+00:00"
    assert "thread 1337, which is not in the file" in out  # the orphan post
    assert "matches no article" in out  # thread 7: an address no article has
    assert essay.comments.count() == 4
    assert set(essay.comments.values_list("moderation_reason", flat=True)) == {
        "Imported from Disqus"
    }


def test_without_a_map_the_threads_are_reported_not_invented(essay):
    articles = Article.objects.count()
    out = run("import_disqus", shared_file("disqus", "disqus.xml"))
    assert Article.objects.count() == articles
    assert not Comment.objects.exists()
    assert "posts of a thread matching no article: 5" in out


def test_remark42_s_malformed_file_is_refused_naming_the_line(essay):
    with pytest.raises(CommandError) as refused:
        run(
            "import_disqus",
            shared_file("disqus", "disqus-malformed.xml"),
            "--map",
            "https://radio-t.com/p/2011/03/05/podcast-229/=the-future-of-nato",
        )
    assert "disqus-malformed.xml: Not well-formed XML at line 1, column 1" in str(refused.value)
    assert not Comment.objects.exists()
    assert not Origin.objects.exists()


@pytest.fixture
def edges(essay):
    run("import_wordpress", WORDPRESS_EDGES)  # gives /2021/10/27/a-deep-thread/ its old address
    before = set(Comment.objects.values_list("pk", flat=True))
    out = run("import_disqus", DISQUS_EDGES, "--map", MAPPED)
    return out, Comment.objects.exclude(pk__in=before)


def test_a_deleted_parent_with_replies_is_the_removed_placeholder(edges, essay, client):
    _, comments = edges
    reply = comments.get(body__contains="deleted parent's reply")
    assert reply.parent.status == Comment.Status.TRASH
    assert reply.parent.body == ""
    page = client.get(essay.get_absolute_url()).content.decode()
    assert "This comment was removed." in page
    assert "reply comes first in the file." in page


def test_a_deleted_post_without_replies_is_skipped(edges):
    out, comments = edges
    assert comments.filter(status=Comment.Status.TRASH).count() == 1
    assert "deleted posts without replies: 1" in out


def test_spam_and_sanitised_html(edges):
    _, comments = edges
    assert comments.get(author_name="Spammer").status == Comment.Status.SPAM
    dan = comments.get(author_name="Dan & Co")
    assert dan.body_html == "<p>Fish &amp; chips <em>today</em></p>"


def test_threads_are_found_by_address_old_address_and_map(edges, essay):
    out, comments = edges
    assert comments.filter(article=essay).count() == 4  # by its path here
    deep = Article.objects.get(slug="a-deep-thread")
    assert comments.filter(article=deep).count() == 2  # its old address; and --map
    assert "Thread “Thread 4” (https://elsewhere.example/nothing-here/) matches no article" in out


def test_the_last_segment_of_the_address_is_a_slug(essay):
    ArticleFactory(slug="nothing-here", status=Article.Status.PUBLISHED)
    run("import_disqus", DISQUS_EDGES)
    assert Comment.objects.filter(article__slug="nothing-here").count() == 1


def test_a_second_run_and_a_dry_run_create_nothing(edges):
    count = Comment.objects.count()
    assert "Created: -" in run("import_disqus", DISQUS_EDGES, "--map", MAPPED)
    assert Comment.objects.count() == count


def test_a_dry_run_writes_nothing(essay):
    out = run("import_disqus", DISQUS_EDGES, "--dry-run")
    assert out.startswith("Dry run: nothing was written.")
    assert "comments: 4" in out
    assert not Comment.objects.exists()


def test_no_mail(essay, mailoutbox, moderator_emails, run_tasks):
    SubscriptionFactory(article=essay, email="subscriber@example.com")
    run("import_disqus", DISQUS_EDGES)
    run_tasks()
    assert OutgoingMail.objects.count() == 0
    assert mailoutbox == []


def test_a_map_that_is_not_url_equals_slug_is_one_clear_line(essay):
    with pytest.raises(CommandError, match="--map must be NAME=VALUE"):
        run("import_disqus", DISQUS_EDGES, "--map", "no-equals-sign")


def test_a_thread_is_found_by_its_id_as_a_slug(essay):
    ArticleFactory(slug="some-id", status=Article.Status.PUBLISHED)
    run("import_disqus", shared_file("disqus", "disqus.xml"))
    assert Comment.objects.filter(article__slug="some-id").count() == 4
