import factory
from django.utils import timezone

from articles.models import Article, Author
from comments import actions
from comments.models import Comment


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


class CommentFactory(factory.django.DjangoModelFactory):
    """An already-moderated comment (approved unless told otherwise). To see what the
    moderation rules decide, create a Comment without this factory."""

    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    author_name = factory.Sequence(lambda n: f"Reader {n}")
    author_email = factory.Sequence(lambda n: f"reader{n}@example.com")
    body = factory.Sequence(lambda n: f"Comment number {n}.")
    status = Comment.Status.APPROVED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return actions.add_moderated(model_class(*args, **kwargs))
