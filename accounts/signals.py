from allauth.socialaccount.models import SocialApp
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.models import Article, article_changed

from .social import forget_admin_apps


@receiver([post_save, post_delete], sender=SocialApp)
def social_app_changed(sender, **kwargs):
    """A provider switched on or off in the admin shows or hides its icon at once: on every
    article's pages (their log-in icons), cached or not."""
    transaction.on_commit(forget_admin_apps)
    article_changed(*Article.objects.values_list("pk", flat=True))
