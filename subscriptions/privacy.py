"""What subscriptions hold for an e-mail address (registered with privacy in
SubscriptionsConfig.ready)."""

from privacy import Erasure

from .models import Subscription


def export_subscriptions(email):
    return [
        {
            "kind": s.kind,
            "article": s.article.title if s.article_id else None,
            "email": s.email,
            "created_at": s.created_at.isoformat(),
            "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
        }
        for s in Subscription.objects.for_address(email).select_related("article")
    ]


def end_subscriptions(email):
    count, _ = Subscription.objects.for_address(email).delete()
    return Erasure(erased=count)
