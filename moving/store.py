"""What both importers write besides the comments themselves: origins (what was imported from
where, so a second run creates nothing), old addresses, and the lookups they share."""

import html
import ipaddress
from datetime import UTC, datetime

from allauth.account.models import EmailAddress
from django.utils import timezone

from .models import OldLink, Origin


class Origins:
    """The Origin rows of one source: looked up by kind and key, new ones written in bulk."""

    def __init__(self, source):
        self.source = source
        self.pending = []

    def find(self, kind, key):
        return (
            Origin.objects.filter(source=self.source, kind=kind, key=key)
            .values_list("object_id", flat=True)
            .first()
        )

    def find_many(self, kind, prefix, keys):
        """{key: object id} of those of ``keys`` (each after ``prefix``: a post's comments)
        imported before; exact lookups, on the unique index."""
        found = {}
        keys = list(keys)
        for start in range(0, len(keys), 500):
            wanted = [prefix + key for key in keys[start : start + 500]]
            found.update(
                (key[len(prefix) :], pk)
                for key, pk in Origin.objects.filter(
                    source=self.source, kind=kind, key__in=wanted
                ).values_list("key", "object_id")
            )
        return found

    def add(self, kind, key, object_id):
        self.pending.append(Origin(source=self.source, kind=kind, key=key, object_id=object_id))
        if len(self.pending) >= 2000:
            self.flush()

    def flush(self):
        Origin.objects.bulk_create(self.pending, batch_size=1000)
        self.pending = []


def add_old_link(path, article_id, report):
    """Have ``path`` (an old address of the article) answer 301 to it. An address already
    taken (by this article on an earlier run, or by another) is left as it is."""
    if not path or path in ("/", "/?"):
        return
    path = path[:500]
    _, created = OldLink.objects.get_or_create(path=path, defaults={"article_id": article_id})
    if created:
        report.created["redirects"] += 1


def unescaped(value, limit=None):
    """A name or a title as exporters write them (HTML entities: "&raquo;"), decoded once."""
    value = html.unescape(value or "").strip()
    return value[:limit] if limit else value


def ip_or_none(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def parse_datetime(value, *formats):
    """An aware UTC datetime from an export's date, or None ("0000-00-00 00:00:00")."""
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    for fmt in formats:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=UTC) if timezone.is_naive(parsed) else parsed
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if timezone.is_naive(parsed) else parsed


class Accounts:
    """The site's account with a verified e-mail address (for a registered commenter)."""

    def __init__(self):
        self.found = {}

    def user_id(self, email):
        email = (email or "").strip().lower()
        if not email:
            return None
        if email not in self.found:
            self.found[email] = (
                EmailAddress.objects.filter(email__iexact=email, verified=True)
                .values_list("user_id", flat=True)
                .first()
            )
        return self.found[email]
