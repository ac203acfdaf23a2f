from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from mail import links
from mail.models import OutgoingMail, UsedLink
from mail.signals import purging


class Command(BaseCommand):
    help = (
        "Forget what e-mail no longer needs: mail sent more than N days ago (default 30), "
        "used single-use links that have expired anyway, and what other apps hand over "
        "(subscriptions: those never confirmed whose confirmation link has expired). Failed "
        "mail is kept for staff. Safe to run from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="Keep sent mail this long.")
        parser.add_argument("--dry-run", action="store_true", help="Only count.")

    def handle(self, *args, days=30, dry_run=False, **options):
        now = timezone.now()
        expired = now - links.short_max_age()
        groups = [
            (
                "sent mail",
                OutgoingMail.objects.filter(
                    state=OutgoingMail.State.SENT, sent_at__lt=now - timedelta(days=days)
                ),
            ),
        ]
        # Other apps' mail-related leftovers (mail.signals.purging), before the links.
        for _, answer in purging.send(sender=self.__class__, links_expired_before=expired):
            groups += answer
        groups.append(("used link(s)", UsedLink.objects.filter(used_at__lt=expired)))
        verb = "Would delete" if dry_run else "Deleted"
        for label, queryset in groups:
            count = queryset.count()
            if not dry_run:
                queryset.delete()
            self.stdout.write(f"{verb} {count} {label}.")
