import factory
from django.utils import timezone

from articles.models import Article, Author


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")
    bio = "Writes about things."


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    author = factory.SubFactory(AuthorFactory)
    body = "A paragraph.\n\n## A heading\n\nAnother paragraph."
    excerpt = "A short excerpt."
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
