from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef
from django.utils import timezone

from comments import actions
from comments.conf import settings
from comments.models import Comment, DiscussionSettings
from comments.privacy import strip_network_data


class Command(BaseCommand):
    help = (
        "Delete spam and trash older than N days (default: the Discussion settings' "
        "'delete spam and trash after'), and remove the IP address and browser of comments "
        "older than COMMENTS_ANONYMISE_IP_AFTER_DAYS. Safe to run from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Override the number of days.")
        parser.add_argument(
            "--anonymise-after",
            type=int,
            help="Override COMMENTS_ANONYMISE_IP_AFTER_DAYS (0: keep IP addresses).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only count.")

    def handle(self, *args, days=None, anonymise_after=None, dry_run=False, **options):
        days = DiscussionSettings.load().purge_after_days if days is None else days
        cutoff = timezone.now() - timedelta(days=days)
        old = Comment.objects.filter(
            status__in=[Comment.Status.SPAM, Comment.Status.TRASH], updated_at__lt=cutoff
        )
        # A removed comment that still has replies keeps its place in the thread (readers see
        # "This comment was removed."): its content and personal data go, the row stays.
        with_replies = old.filter(Exists(Comment.objects.filter(parent=OuterRef("pk"))))
        emptied = with_replies.exclude(body="", author_email="").count()
        deleted = old.count() - with_replies.count()
        if not dry_run:
            kept = list(with_replies)
            actions.empty(kept, author_name="Removed")
            old.exclude(pk__in=[comment.pk for comment in kept]).delete()
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {deleted} spam and trash comment(s) older than {days} days"
            f" (and empty {emptied} kept as placeholders for their replies)."
        )

        if anonymise_after is None:
            anonymise_after = settings.COMMENTS_ANONYMISE_IP_AFTER_DAYS
        if anonymise_after > 0:
            aged = Comment.objects.filter(
                created_at__lt=timezone.now() - timedelta(days=anonymise_after)
            )
            if dry_run:
                count = aged.exclude(ip_address=None, user_agent="").count()
            else:
                count = strip_network_data(aged)
            verb = "Would remove" if dry_run else "Removed"
            self.stdout.write(
                f"{verb} the IP address and browser of {count} comment(s) older than "
                f"{anonymise_after} days."
            )
