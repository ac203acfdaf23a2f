from django.contrib.sitemaps import Sitemap

from .models import Article, Author


class ArticleSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Article.objects.published()

    def lastmod(self, item):
        return item.updated_at


class AuthorSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Author.objects.filter(articles__in=Article.objects.published()).distinct()
