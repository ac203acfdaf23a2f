"""A factory_boy factory for every model the site stores, and for users."""

import factory
from django.conf import settings
from django.utils import timezone

from articles.models import Article, Author
from comments import actions
from comments.models import Comment, DiscussionSettings, Flag
from mail.models import OutgoingMail, UsedLink
from subscriptions.models import NotificationEvent, Subscription


class UserFactory(factory.django.DjangoModelFactory):
    """A user made as ``create_user`` makes one (password "pw" unless told otherwise); pass
    ``is_staff=True`` for an editor."""

    class Meta:
        model = settings.AUTH_USER_MODEL

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = "pw"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class._default_manager.create_user(*args, **kwargs)


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


class FlagFactory(factory.django.DjangoModelFactory):
    """A reader's report, stored as is: to see the threshold act, report through the page or
    ``comments.actions.report``."""

    class Meta:
        model = Flag

    comment = factory.SubFactory(CommentFactory)
    reporter = factory.Sequence(lambda n: f"{n:064x}")
    reason = ""


class DiscussionSettingsFactory(factory.django.DjangoModelFactory):
    """The one row of moderation rules (what ``DiscussionSettings.load()`` reads)."""

    class Meta:
        model = DiscussionSettings
        django_get_or_create = ["id"]

    id = 1


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """A confirmed subscription to new comments on an article (a new one unless given);
    ``kind="posts"`` for new posts (no article), ``confirmed=False`` for one still waiting for
    its confirmation."""

    class Meta:
        model = Subscription

    class Params:
        confirmed = True

    kind = Subscription.Kind.COMMENTS
    article = factory.Maybe(
        factory.LazyAttribute(lambda sub: sub.kind == Subscription.Kind.COMMENTS),
        yes_declaration=factory.SubFactory(ArticleFactory),
        no_declaration=None,
    )
    email = factory.Sequence(lambda n: f"subscriber{n}@example.com")
    confirmed_at = factory.Maybe(
        "confirmed", yes_declaration=factory.LazyFunction(timezone.now), no_declaration=None
    )


class NotificationEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationEvent

    key = factory.Sequence(lambda n: f"event-{n}")


class OutgoingMailFactory(factory.django.DjangoModelFactory):
    """A mail in the outbox, queued unless told otherwise (``state=...``, ``sent_at=...``)."""

    class Meta:
        model = OutgoingMail

    kind = OutgoingMail.Kind.CONFIRMATION
    to = factory.Sequence(lambda n: f"reader{n}@example.com")
    subject = factory.Sequence(lambda n: f"[natoblog] Mail {n}")
    body_text = "A line of text."
    body_html = "<p>A line of text.</p>"


class UsedLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UsedLink

    nonce = factory.Sequence(lambda n: f"{n:032x}")
