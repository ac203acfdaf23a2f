from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Article, Author


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "slug", "website"]
    search_fields = ["name", "bio"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Articles. The comments app adds its columns and the article's comments to this page
    (comments/admin_articles.py), so this app needs to know nothing of comments."""

    list_display = ["title", "author", "status", "published_at", "updated_at", "comments_enabled"]
    list_filter = ["status", "published_at", "author", "comments_enabled"]
    list_select_related = ["author"]
    search_fields = ["title", "excerpt", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "excerpt", "body", "body_format"]}),
        (_("Publishing"), {"fields": ["status", "published_at", "comments_enabled"]}),
    ]
