"""An article's pages in the page cache (pagecache): they are the group named by the article's
slug. Whatever changes what an article's page shows calls one of these (Article and Author
saves, and the comments app for its comments); they act once the transaction commits."""

from pagecache.cache import invalidate


def article_changed(*article_ids):
    """Stop serving the cached pages of these articles (by id, looked up after the commit)."""

    def slugs():
        from .models import Article

        return Article.objects.filter(pk__in=article_ids).values_list("slug", flat=True)

    invalidate(slugs)


def slugs_changed(slugs):
    """Like ``article_changed``, for articles known by slug (the slug before a rename, too)."""
    invalidate(list(slugs))
