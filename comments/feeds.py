"""RSS and Atom feeds of approved comments: one per article (/articles/<slug>/comments/feed/
and .../atom/, routed in natoblog/urls.py: articles knows nothing of comments) and one for the
whole site (/comments/feed/, /comments/feed/atom/). Newest first; each item has the
author's name, the date, the sanitised text and the permalink; never an e-mail address."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from articles.models import Article
from natoblog.links import reverse

from .models import Comment

ITEMS = 50


def approved_comments():
    return (
        Comment.objects.approved()
        .filter(article__in=Article.objects.published())
        .select_related("article")
        .only(
            "pk",
            "article__title",
            "article__slug",
            "author_name",
            "body_html",
            "created_at",
            "edited_at",
        )
        .order_by("-created_at", "-pk")
    )


class SiteCommentsFeed(Feed):
    def title(self, obj=None):
        return gettext("Comments on %(site)s") % {"site": settings.SITE_NAME}

    def link(self, obj=None):
        return reverse("articles:index")

    def description(self, obj=None):
        return gettext("The latest comments on %(site)s.") % {"site": settings.SITE_NAME}

    def items(self, obj=None):
        return approved_comments()[:ITEMS]

    def item_title(self, item):
        return gettext("%(name)s on “%(title)s”") % {
            "name": item.author_name,
            "title": item.article.title,
        }

    def item_description(self, item):
        return item.body_html  # sanitised when the comment was saved (comments/rendering.py)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return item.get_absolute_url()

    def item_author_name(self, item):
        return item.author_name

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.edited_at or item.created_at


class SiteCommentsAtomFeed(SiteCommentsFeed):
    feed_type = Atom1Feed
    subtitle = SiteCommentsFeed.description


class ArticleCommentsFeed(SiteCommentsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Article.objects.published(), slug=slug)

    def title(self, obj=None):
        return gettext("Comments on “%(title)s”") % {"title": obj.title}

    def link(self, obj=None):
        return f"{obj.get_absolute_url()}#comments"

    def description(self, obj=None):
        return gettext("The latest comments on “%(title)s”.") % {"title": obj.title}

    def items(self, obj=None):
        return approved_comments().filter(article=obj)[:ITEMS]

    def item_title(self, item):
        return gettext("%(name)s") % {"name": item.author_name}


class ArticleCommentsAtomFeed(ArticleCommentsFeed):
    feed_type = Atom1Feed
    subtitle = ArticleCommentsFeed.description


def feed_links(article):
    """(type, title, address) of the feeds an article's page links to in its head."""
    return [
        (
            "application/rss+xml",
            gettext("Comments on “%(title)s” (RSS)") % {"title": article.title},
            reverse("article-comments-feed", kwargs={"slug": article.slug}),
        ),
        (
            "application/atom+xml",
            gettext("Comments on “%(title)s” (Atom)") % {"title": article.title},
            reverse("article-comments-feed-atom", kwargs={"slug": article.slug}),
        ),
    ]
