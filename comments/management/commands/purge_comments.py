from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from comments.models import Comment, DiscussionSettings


class Command(BaseCommand):
    help = (
        "Delete spam and trash older than N days (default: the Discussion settings' "
        "'delete spam and trash after'). Safe to run from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Override the number of days.")
        parser.add_argument("--dry-run", action="store_true", help="Only count.")

    def handle(self, *args, days=None, dry_run=False, **options):
        days = DiscussionSettings.load().purge_after_days if days is None else days
        cutoff = timezone.now() - timedelta(days=days)
        old = Comment.objects.filter(
            status__in=[Comment.Status.SPAM, Comment.Status.TRASH], updated_at__lt=cutoff
        )
        count = old.count()
        if not dry_run:
            old.delete()
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {count} spam and trash comment(s) older than {days} days.")
