from allauth.account import views as account_views
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from articles.feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from articles.sitemaps import ArticleSitemap, AuthorSitemap
from comments.feeds import ArticleCommentsAtomFeed, ArticleCommentsFeed

sitemaps = {"articles": ArticleSitemap, "authors": AuthorSitemap}

urlpatterns = [
    path("", include("articles.urls")),
    # an article's comment feeds, at the article's address (articles knows nothing of comments)
    path(
        "articles/<slug:slug>/comments/feed/",
        ArticleCommentsFeed(),
        name="article-comments-feed",
    ),
    path(
        "articles/<slug:slug>/comments/feed/atom/",
        ArticleCommentsAtomFeed(),
        name="article-comments-feed-atom",
    ),
    # before comments/: the addresses of links in mails already sent stay as they were
    path("comments/subscriptions/", include("subscriptions.urls")),
    path("comments/", include("comments.urls")),
    path("feed/", LatestArticlesFeed(), name="feed"),
    path("feed/atom/", LatestArticlesAtomFeed(), name="feed-atom"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    # allauth's log-in and log-out pages, also under the names the templates use
    path("accounts/login/", account_views.login, name="login"),
    path("accounts/logout/", account_views.logout, name="logout"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
