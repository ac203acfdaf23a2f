"""`manage.py purge_mail`: old sent mail, expired unconfirmed subscriptions and expired used
links are forgotten; failed mail and confirmed subscriptions are kept."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from mail.models import OutgoingMail, UsedLink
from subscriptions.models import Subscription
from tests.factories import OutgoingMailFactory, SubscriptionFactory, UsedLinkFactory


def mail(state, sent_days_ago=None):
    sent_at = timezone.now() - timedelta(days=sent_days_ago) if sent_days_ago else None
    return OutgoingMailFactory(state=state, sent_at=sent_at)


def test_purge_mail(db):
    old_sent, recent_sent, failed = mail("sent", 40), mail("sent", 5), mail("failed")
    long_ago = timezone.now() - timedelta(days=8)
    stale = SubscriptionFactory(kind="posts", email="s@example.com", confirmed=False)
    Subscription.objects.filter(pk=stale.pk).update(confirmation_sent_at=long_ago)
    fresh = SubscriptionFactory(
        kind="posts", email="f@example.com", confirmed=False, confirmation_sent_at=timezone.now()
    )
    confirmed = SubscriptionFactory(
        kind="posts", email="c@example.com", confirmed_at=long_ago, confirmation_sent_at=long_ago
    )
    old_link, new_link = UsedLinkFactory(), UsedLinkFactory()
    UsedLink.objects.filter(pk=old_link.pk).update(used_at=long_ago)

    out = StringIO()
    call_command("purge_mail", "--dry-run", stdout=out)
    assert "Would delete 1 sent mail." in out.getvalue()
    assert OutgoingMail.objects.count() == 3

    call_command("purge_mail", stdout=StringIO())
    assert set(OutgoingMail.objects.all()) == {recent_sent, failed}
    assert set(Subscription.objects.all()) == {fresh, confirmed}
    assert list(UsedLink.objects.all()) == [new_link]
    assert old_sent.pk not in OutgoingMail.objects.values_list("pk", flat=True)
