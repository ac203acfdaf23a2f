"""What is mailed, to whom, and when: receivers of the comments app's signals and of
Article's post_save, and the tasks that write the mails.

The receivers run once the transaction that changed a comment or an article has committed
(comments sends its signals on commit), and only enqueue tasks: nothing is rendered or sent in
the request.

- ``comment_status_changed`` (a comment created, ``old_status`` None, or its status changed):
  a new pending comment alerts the moderators; an approved comment is mailed to the article's
  subscribers (once per comment, however often it is approved); the commenter's "Notify me"
  boxes subscribe them.
- ``comment_needs_moderator``: anything else that needs a moderator, such as a comment
  reported past the threshold.
- ``article_saved`` (Article's post_save): a newly published article is mailed to the blog's
  subscribers once, when it goes live (a scheduled one at its publication time).

The tasks run in the worker. Each records its event (``NotificationEvent``) in the same
transaction as the mails it queues, so a task that runs twice queues nothing the second time.
"""

import logging
import uuid
from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from articles.models import Article
from comments import links as moderation_links
from comments.conf import settings as comments_settings
from comments.models import Comment
from comments.moderation import is_verified_address
from mail import links
from mail.delivery import absolute, queue_mail
from mail.models import OutgoingMail
from natoblog.addresses import normalise_email

from . import optin
from .models import NotificationEvent, Subscription

Status = Comment.Status
logger = logging.getLogger(__name__)


def later(task_, *args):
    """Enqueue a task once the current transaction (if any) commits."""
    transaction.on_commit(partial(task_.enqueue, *args))


# --- Receivers -------------------------------------------------------------------------------


def comment_status_changed(sender, comment, old_status, **kwargs):
    """Queue what a comment's new status calls for (``old_status`` is None on creation)."""
    rescued = old_status is None or old_status in (Status.SPAM, Status.TRASH)
    wants_mail = comment.notify_comments or comment.notify_posts
    if rescued and wants_mail and comment.status in (Status.PENDING, Status.APPROVED):
        later(subscribe_commenter, comment.pk)
    if old_status is None and comment.status == Status.PENDING:
        comment_needs_moderator(sender, comment, comment.moderation_reason)
    if comment.status == Status.APPROVED:
        later(announce_comment, comment.pk)


def comment_needs_moderator(sender, comment, reason, **kwargs):
    """Mail the article's author and COMMENTS_MODERATOR_EMAILS about a comment that needs a
    moderator, with the reason, the comment in context and Approve/Spam/Trash links. Nothing
    is sent if the comment's status has changed by the time the worker gets to it."""
    event = f"moderation:{comment.pk}:{uuid.uuid4().hex}"
    later(alert_moderators, comment.pk, reason, comment.status, event)


def article_saved(sender, instance, raw=False, **kwargs):
    """post_save of Article: announce it when it is (or will be) published, once."""
    article = instance
    if raw or article.status != Article.Status.PUBLISHED or article.published_at is None:
        return
    if NotificationEvent.objects.filter(key=article_event(article.pk)).exists():
        return
    task_ = announce_article
    if article.published_at > timezone.now():
        task_ = announce_article.using(run_after=article.published_at)
    later(task_, article.pk)


def article_event(article_id):
    return f"article-published:{article_id}"


def never_announce(article_id):
    """Never mail this article to the blog's followers (one imported from another site, which
    announced it there: importing is not publishing). Call in the transaction that saved it;
    a task already queued for it then finds it announced and sends nothing."""
    record_event(article_event(article_id))


def record_event(key):
    """Record an event; False if it was already recorded (then it must not be mailed again).
    Call inside the transaction that queues its mails."""
    _, created = NotificationEvent.objects.get_or_create(key=key)
    return created


# --- Tasks -----------------------------------------------------------------------------------


def load_comment(comment_id):
    return (
        Comment.objects.select_related("article__author", "parent", "user")
        .filter(pk=comment_id)
        .first()
    )


def comment_context(comment):
    article = comment.article
    parent = comment.parent
    return {
        "comment": comment,
        "article": article,
        "parent": parent if parent is not None and parent.is_approved else None,
        "comment_url": absolute(comment.get_absolute_url()),
        "article_url": absolute(article.get_absolute_url()),
        "parent_url": absolute(parent.get_absolute_url()) if parent is not None else "",
    }


def moderator_addresses(article):
    """The article's author and COMMENTS_MODERATOR_EMAILS, each address once."""
    addresses = []
    for address in [article.author.email, *comments_settings.COMMENTS_MODERATOR_EMAILS]:
        address = normalise_email(address or "")
        if address and address not in addresses:
            addresses.append(address)
    return addresses


def moderation_url(comment, action):
    token = moderation_links.moderation_token(comment, action)
    return absolute(reverse("comments:moderate", args=[token]))


@task()
def alert_moderators(comment_id, reason, expected_status, event):
    comment = load_comment(comment_id)
    if comment is None or comment.status != expected_status:
        return "skipped: the comment is gone or was moderated meanwhile"
    addresses = moderator_addresses(comment.article)
    if not addresses:
        logger.warning(
            "Comment %s needs a moderator, but neither the article's author nor "
            "COMMENTS_MODERATOR_EMAILS has an address to tell.",
            comment.pk,
        )
    with transaction.atomic():
        if not record_event(event):
            return "skipped: already done"
        for address in addresses:
            context = comment_context(comment)
            context.update(
                reason=reason,
                is_pending=comment.status == Status.PENDING,
                approve_url=moderation_url(comment, "approve"),
                spam_url=moderation_url(comment, "spam"),
                trash_url=moderation_url(comment, "trash"),
                admin_url=absolute(reverse("admin:comments_comment_change", args=[comment.pk])),
                max_age_days=links.short_max_age().days,
            )
            queue_mail(OutgoingMail.Kind.MODERATION, address, "comments/email/moderation", context)
    return f"queued {len(addresses)}"


@task()
def announce_comment(comment_id):
    """Mail a newly approved comment to the article's confirmed subscribers (not to its own
    author), and to the article's author if COMMENTS_NOTIFY_AUTHOR_ON_APPROVAL. Once per
    comment."""
    comment = load_comment(comment_id)
    if comment is None or not comment.is_approved:
        return "skipped: not approved"
    own = {normalise_email(comment.author_email)}
    if comment.user is not None and comment.user.email:
        own.add(normalise_email(comment.user.email))
    subscribers = (
        Subscription.objects.confirmed()
        .filter(kind=Subscription.Kind.COMMENTS, article=comment.article)
        .exclude(email__in=own)
        .order_by("pk")
    )
    count = 0
    with transaction.atomic():
        if not record_event(f"comment-approved:{comment.pk}"):
            return "skipped: already announced"
        mailed = set()
        for subscription in subscribers:
            context = comment_context(comment)
            context.update(optin.links_for(subscription), subscription=subscription)
            queue_mail(
                OutgoingMail.Kind.NEW_COMMENT,
                subscription.email,
                "subscriptions/email/new_comment",
                context,
                unsubscribe_url=context["unsubscribe_url"],
            )
            mailed.add(subscription.email)
            count += 1
        author = normalise_email(comment.article.author.email or "")
        if (
            comments_settings.COMMENTS_NOTIFY_AUTHOR_ON_APPROVAL
            and author
            and author not in mailed
            and author not in own
        ):
            queue_mail(
                OutgoingMail.Kind.AUTHOR,
                author,
                "subscriptions/email/approved",
                comment_context(comment),
            )
            count += 1
    return f"queued {count}"


@task()
def subscribe_commenter(comment_id):
    """Act on the comment form's "Notify me" boxes (never for spam or trash)."""
    comment = load_comment(comment_id)
    if comment is None or comment.status not in (Status.PENDING, Status.APPROVED):
        return "skipped"
    if not comment.author_email:
        return "skipped: no address"  # an account without one
    verified = is_verified_address(comment.user, comment.author_email)
    if comment.notify_comments:
        optin.subscribe(comment.author_email, article=comment.article, verified=verified)
    if comment.notify_posts:
        optin.subscribe(comment.author_email, verified=verified)
    return "done"


@task()
def announce_article(article_id):
    """Mail a newly published article to the blog's confirmed subscribers, once ever."""
    article = Article.objects.published().select_related("author").filter(pk=article_id).first()
    if article is None:
        return "skipped: not published (yet)"
    subscribers = Subscription.objects.confirmed().filter(kind=Subscription.Kind.POSTS)
    count = 0
    with transaction.atomic():
        if not record_event(article_event(article.pk)):
            return "skipped: already announced"
        for subscription in subscribers.order_by("pk"):
            context = {
                "article": article,
                "article_url": absolute(article.get_absolute_url()),
                "subscription": subscription,
                **optin.links_for(subscription),
            }
            queue_mail(
                OutgoingMail.Kind.NEW_POST,
                subscription.email,
                "subscriptions/email/new_post",
                context,
                unsubscribe_url=context["unsubscribe_url"],
            )
            count += 1
    return f"queued {count}"
