"""The one moderation decision for a new comment.

Every path that creates a comment from a commenter (the form, a moderator's reply in the
admin, the shell) goes through ``moderate``, called by ``comments.actions.post``. Rules run in
WordPress's order; the first that decides wins, and the reason is stored on the comment for
moderators. (Moderators' own decisions afterwards are comments.actions' business.) The reason
is stored as written in the site's language at the time.

Apps above comments add their own rules with ``register_check(func)`` (spamfilter's
classifier and Akismet): ``func(comment, rules)`` returns a Decision or None, and runs after
the disallowed keys, before manual approval and the other holding rules, as WordPress runs
its spam plugins. A check that fails is logged and skipped: the rules decide alone.
"""

import ipaddress
import logging
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from natoblog.addresses import email_hash, normalise_email

LINK_RE = re.compile(r"https?://|www\.|<a\s", re.IGNORECASE)
logger = logging.getLogger(__name__)
_checks = []


def register_check(func):
    """Add a rule to the moderation decision (see the module's docstring). Idempotent."""
    if func not in _checks:
        _checks.append(func)
    return func


def run_checks(comment, rules):
    for check in _checks:
        try:
            decision = check(comment, rules)
        except Exception:
            logger.exception("Moderation check %s failed; the other rules decide", check)
            continue
        if decision is not None:
            return decision
    return None


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str


def parse_keys(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _key_pattern(key):
    start = r"(?<!\w)" if re.match(r"\w", key[0]) else ""
    end = r"(?!\w)" if re.match(r"\w", key[-1]) else ""
    return re.compile(start + re.escape(key) + end, re.IGNORECASE)


def _network(key):
    try:
        return ipaddress.ip_network(key, strict=False)
    except ValueError:
        return None


def find_key(keys, comment):
    """The first key that matches the comment, and where: ("viagra", "the comment")."""
    fields = [
        (_("the comment"), comment.body),
        (_("the name"), comment.author_name),
        (_("the e-mail"), comment.author_email),
        (_("the website"), comment.author_url),
        (_("the browser"), comment.user_agent),
    ]
    address = ipaddress.ip_address(comment.ip_address) if comment.ip_address else None
    for key in keys:
        network = _network(key)
        if network is not None:
            if address is not None and address.version == network.version and address in network:
                return key, _("the IP address")
            continue
        pattern = _key_pattern(key)
        for where, value in fields:
            if value and pattern.search(value):
                return key, where
    return None


def count_links(text):
    return len(LINK_RE.findall(text or ""))


def decide(comment, rules):
    """The status and reason for a new comment under the given DiscussionSettings."""
    from .models import Comment

    Status = Comment.Status
    user = comment.user
    if user is not None and user.is_active and user.is_staff:
        return Decision(Status.APPROVED, _("Approved: posted by a staff member"))

    match = find_key(parse_keys(rules.disallowed_keys), comment)
    if match:
        key, where = match
        return Decision(
            rules.disallowed_action,
            _("Disallowed key “%(key)s” in %(where)s") % {"key": key, "where": where},
        )

    decision = run_checks(comment, rules)
    if decision is not None:
        return decision

    if rules.manual_approval:
        return Decision(Status.PENDING, _("Held: every comment must be manually approved"))

    match = find_key(parse_keys(rules.moderation_keys), comment)
    if match:
        key, where = match
        return Decision(
            Status.PENDING,
            _("Held: moderation key “%(key)s” in %(where)s") % {"key": key, "where": where},
        )

    links = count_links(comment.body)
    if rules.link_limit and links >= rules.link_limit:
        return Decision(
            Status.PENDING,
            ngettext(
                "Held: %(count)d link (the limit is %(limit)d)",
                "Held: %(count)d links (the limit is %(limit)d)",
                links,
            )
            % {"count": links, "limit": rules.link_limit - 1},
        )

    if rules.require_previous_approval:
        if has_verified_email(comment):
            return Decision(
                Status.APPROVED, _("Approved: the author's e-mail address is verified")
            )
        if is_known_author(comment):
            return Decision(Status.APPROVED, _("Approved: the author has an approved comment"))
        return Decision(Status.PENDING, _("Held: first comment from this author"))

    return Decision(Status.APPROVED, _("Approved: passed every rule"))


def is_known_author(comment):
    from .models import Comment

    if not comment.author_email:
        return False
    known = Comment.objects.approved().filter(email_hash=email_hash(comment.author_email))
    return known.exists()


def has_verified_email(comment):
    """A logged-in author whose account has verified the comment's e-mail address."""
    return comment.user_id is not None and is_verified_address(comment.user, comment.author_email)


def is_verified_address(user, email):
    """Whether ``email`` is an address the logged-in ``user`` has verified (allauth's
    EmailAddress): such an author is known, and needs no confirmation mail to subscribe."""
    if user is None or not user.is_authenticated or not user.is_active or not email:
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(
        user=user, email__iexact=normalise_email(email), verified=True
    ).exists()


def moderate(comment, rules=None):
    """Set a new comment's status and the reason, from the site's discussion settings."""
    from .models import DiscussionSettings

    decision = decide(comment, rules or DiscussionSettings.load())
    comment.status = decision.status
    comment.moderation_reason = decision.reason
    return decision
