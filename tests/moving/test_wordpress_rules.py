"""import_wordpress on tests/data/wordpress/edge-cases.xml: what the shared files lack
(spam, trash, notes, orphans, a 9-level thread, a post that is the essay, pingbacks, an item
without a post type, comment ids reused across posts)."""

import pytest
from django.core.management import CommandError

from articles.models import Article, Author
from comments.conf import settings as conf
from comments.models import Comment
from mail.models import OutgoingMail
from moving.models import OldLink, Origin
from tests.factories import SubscriptionFactory, UserFactory
from tests.moving.helpers import WORDPRESS_EDGES, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(essay):
    return run("import_wordpress", WORDPRESS_EDGES)


def by_author(name):
    return Comment.objects.get(author_name=name)


def test_statuses_come_from_the_file_with_the_reason(imported, essay):
    assert by_author("Ann Reader").status == Comment.Status.APPROVED
    assert by_author("Waiting").status == Comment.Status.PENDING
    assert by_author("Spammer").status == Comment.Status.SPAM
    trashed = by_author("Trashed")
    assert trashed.status == Comment.Status.TRASH
    assert trashed.status_before_removal == Comment.Status.APPROVED  # _wp_trash_meta_status
    assert by_author("Trashed with post").status == Comment.Status.TRASH
    reasons = set(Comment.objects.values_list("moderation_reason", flat=True))
    assert reasons == {"Imported from WordPress"}
    assert "Comments by status: approved: 15, pending: 1, spam: 1, trash: 2" in imported


def test_comment_fields_are_kept(imported, essay):
    ann = by_author("Ann Reader")
    assert ann.article == essay
    assert ann.author_email == "ann@example.com"
    assert ann.ip_address == "192.0.2.1"
    assert ann.created_at.isoformat() == "2021-10-28T10:00:00+00:00"
    assert ann.legacy_anchor == "comment-45"
    assert by_author("Bob").parent == ann


def test_the_post_with_the_essays_slug_is_the_essay(imported, essay):
    before = essay.body
    essay.refresh_from_db()
    assert essay.body == before  # its text left alone
    assert Article.objects.filter(slug="the-future-of-nato").count() == 1
    assert essay.comments.count() == 9  # ten in the file, less the editor's note
    assert "is the article “the-future-of-nato” already here" in imported


def test_notes_pages_trashed_posts_and_untyped_items_are_skipped_and_reported(imported):
    assert not Comment.objects.filter(author_name__in=["Editor", "Lost", "Page reader"])
    assert not Article.objects.filter(slug__in=["thrown-away", "no-type", "about"])
    assert "note: 1" in imported
    assert "page: 1" in imported
    assert "post (trash): 1" in imported
    assert "item without wp:post_type: 1" in imported
    assert "comments on skipped items: 2" in imported
    assert "category: 1" in imported


def test_an_orphan_becomes_top_level_and_is_reported(imported):
    assert by_author("Orphan").parent is None
    assert "replies to comment 999, which is not in the file" in imported


def test_a_nine_level_thread_attaches_at_the_sites_depth(imported):
    levels = [by_author(f"Level {n}") for n in range(9)]
    deepest = conf.COMMENTS_THREAD_DEPTH - 1
    for n, comment in enumerate(levels):
        assert comment.depth == min(n, deepest)
        assert comment.thread_id == (levels[0].pk if n else None)
    # past the deepest level each reply attaches beside its parent, as Comment.save() does
    assert levels[8].parent == levels[deepest - 1]
    assert levels[deepest].parent == levels[deepest - 1]


def test_comment_ids_reused_across_posts_are_two_comments(imported):
    assert by_author("Carol").article.slug == "a-deep-thread"
    assert by_author("Ann Reader").article.slug == "the-future-of-nato"
    keys = set(Origin.objects.filter(kind="comment").values_list("key", flat=True))
    assert {"123:45", "124:45"} <= keys


def test_post_statuses_and_dates(imported):
    scheduled = Article.objects.get(slug="coming-soon")
    assert scheduled.status == Article.Status.PUBLISHED
    assert scheduled.published_at.year == 2099
    assert not scheduled.is_published
    draft = Article.objects.get(title="Half written")
    assert draft.status == Article.Status.DRAFT
    assert draft.published_at is None
    assert draft.slug == "half-written"
    deep = Article.objects.get(slug="a-deep-thread")
    assert deep.published_at.isoformat() == "2021-10-27T09:30:00+00:00"
    assert deep.body_format == Article.BodyFormat.HTML
    assert deep.body_html == "<p>Body of the post.</p>"  # block editor's comments gone
    assert Author.objects.get(slug="oliver").articles.count() == 3


def test_a_registered_commenter_is_linked_to_the_account_with_that_verified_address(essay):
    from allauth.account.models import EmailAddress

    bob = UserFactory(email="bob@example.com")
    EmailAddress.objects.create(user=bob, email="bob@example.com", verified=True, primary=True)
    run("import_wordpress", WORDPRESS_EDGES)
    assert by_author("Bob").user == bob
    assert by_author("Ann Reader").user is None  # no wp:comment_user_id


def test_importing_sends_no_mail(
    essay, mailoutbox, moderator_emails, run_tasks, django_capture_on_commit_callbacks
):
    """Not to the article's subscribers, the blog's followers (new articles), the moderators
    (pending comments) or the article's author."""
    SubscriptionFactory(article=essay, email="subscriber@example.com")
    SubscriptionFactory(kind="posts", email="follower@example.com")
    Author.objects.filter(pk=essay.author_id).update(email="oliver@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        run("import_wordpress", WORDPRESS_EDGES)
    run_tasks()
    assert OutgoingMail.objects.count() == 0
    assert mailoutbox == []


def test_a_second_run_creates_nothing(imported, essay):
    counts = (Comment.objects.count(), Article.objects.count(), Author.objects.count())
    links = OldLink.objects.count()
    again = run("import_wordpress", WORDPRESS_EDGES)
    assert (Comment.objects.count(), Article.objects.count(), Author.objects.count()) == counts
    assert OldLink.objects.count() == links
    assert "Created: -" in again
    assert "Already there: articles: 4, authors: 1, comments: 19" in again


def test_a_dry_run_writes_nothing_and_reports_the_same(essay):
    counts = (Comment.objects.count(), Article.objects.count(), Author.objects.count())
    dry = run("import_wordpress", WORDPRESS_EDGES, "--dry-run")
    assert (Comment.objects.count(), Article.objects.count(), Author.objects.count()) == counts
    assert not OldLink.objects.exists()
    assert not Origin.objects.exists()
    real = run("import_wordpress", WORDPRESS_EDGES)
    assert dry == "Dry run: nothing was written.\n" + real


def test_author_email_option_matches_an_author_already_here(essay):
    Author.objects.filter(pk=essay.author.pk).update(email="oliver@example.com")
    run("import_wordpress", WORDPRESS_EDGES, "--author-email", "oliver=oliver@example.com")
    assert Article.objects.get(slug="a-deep-thread").author == essay.author


def test_a_file_that_is_not_wxr_is_refused(tmp_path, essay):
    other = tmp_path / "feed.xml"
    other.write_text("<?xml version='1.0'?><feed><entry><title>x</title></entry></feed>")
    with pytest.raises(CommandError, match="Not a WordPress export"):
        run("import_wordpress", other)


def test_a_missing_file_is_one_clear_line(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*nothing\.xml: No such file"):
        run("import_wordpress", tmp_path / "nothing.xml")


def test_a_file_with_an_entity_bomb_is_refused_and_nothing_written(tmp_path, essay):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        "<wp:wxr_version>1.2</wp:wxr_version><title>&b;</title></channel></rss>"
    )
    with pytest.raises(CommandError, match="entities"):
        run("import_wordpress", bomb)
