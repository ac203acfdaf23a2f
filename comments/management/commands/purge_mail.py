from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from comments import signing
from comments.models import OutgoingMail, Subscription, UsedLink


class Command(BaseCommand):
    help = (
        "Forget what e-mail no longer needs: mail sent more than N days ago (default 30), "
        "subscriptions never confirmed whose confirmation link has expired, and used "
        "moderation links that have expired anyway. Failed mail is kept for staff. "
        "Safe to run from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="Keep sent mail this long.")
        parser.add_argument("--dry-run", action="store_true", help="Only count.")

    def handle(self, *args, days=30, dry_run=False, **options):
        now = timezone.now()
        expired = now - signing.short_max_age()
        groups = [
            (
                "sent mail",
                OutgoingMail.objects.filter(
                    state=OutgoingMail.State.SENT, sent_at__lt=now - timedelta(days=days)
                ),
            ),
            (
                "unconfirmed subscription(s)",
                Subscription.objects.pending().filter(confirmation_sent_at__lt=expired),
            ),
            ("used link(s)", UsedLink.objects.filter(used_at__lt=expired)),
        ]
        verb = "Would delete" if dry_run else "Deleted"
        for label, queryset in groups:
            count = queryset.count()
            if not dry_run:
                queryset.delete()
            self.stdout.write(f"{verb} {count} {label}.")
