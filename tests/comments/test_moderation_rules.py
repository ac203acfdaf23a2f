"""The one moderation decision: each rule, their order, and the stored reason."""

import pytest

from comments.models import Comment, DiscussionSettings
from tests.factories import CommentFactory, UserFactory

S = Comment.Status


@pytest.fixture
def rules(db):
    rules = DiscussionSettings.load()
    rules.require_previous_approval = False  # start from "approve unless a rule says no"
    rules.save()
    return rules


def new_comment(article, **fields):
    """Create a comment the way any path does (form, admin, import, shell): through save()."""
    data = {
        "author_name": "Visitor",
        "author_email": "visitor@example.com",
        "body": "Plain words.",
        "ip_address": "198.51.100.7",
        "user_agent": "Mozilla/5.0",
    }
    data.update(fields)
    return Comment.objects.create(article=article, **data)


def test_defaults_match_wordpress(db):
    rules = DiscussionSettings.load()
    assert rules.manual_approval is False
    assert rules.require_previous_approval is True
    assert rules.link_limit == 2
    assert rules.disallowed_action == "spam"
    assert rules.report_threshold == 3
    assert rules.purge_after_days == 30


def test_shell_created_comment_is_moderated(essay):
    comment = Comment.objects.create(
        article=essay, author_name="X", author_email="x@example.com", body="Hi"
    )
    assert comment.status == S.PENDING
    assert comment.moderation_reason == "Held: first comment from this author"


def test_passes_every_rule(essay, rules):
    comment = new_comment(essay)
    assert comment.status == S.APPROVED
    assert comment.moderation_reason == "Approved: passed every rule"


@pytest.mark.parametrize(
    ("key", "fields", "where"),
    [
        ("viagra", {"body": "Cheap VIAGRA here"}, "the comment"),
        ("Spammy McSpam", {"author_name": "spammy mcspam"}, "the name"),
        ("bad@example.com", {"author_email": "BAD@example.com"}, "the e-mail"),
        ("@spam.example", {"author_email": "joe@spam.example"}, "the e-mail"),
        ("spam.example", {"author_url": "https://www.spam.example/x"}, "the website"),
        ("203.0.113.9", {"ip_address": "203.0.113.9"}, "the IP address"),
        ("203.0.113.0/24", {"ip_address": "203.0.113.77"}, "the IP address"),
        ("EvilBot", {"user_agent": "evilbot/1.0"}, "the browser"),
    ],
)
def test_disallowed_keys_mark_spam(essay, rules, key, fields, where):
    rules.disallowed_keys = f"other\n{key}\n"
    rules.save()
    comment = new_comment(essay, **fields)
    assert comment.status == S.SPAM
    assert comment.moderation_reason == f"Disallowed key “{key}” in {where}"


def test_disallowed_can_go_to_trash(essay, rules):
    rules.disallowed_keys = "viagra"
    rules.disallowed_action = "trash"
    rules.save()
    assert new_comment(essay, body="viagra").status == S.TRASH


def test_matching_is_on_whole_words(essay, rules):
    rules.disallowed_keys = "ass"
    rules.save()
    assert new_comment(essay, body="A classic assessment of the class.").status == S.APPROVED
    assert new_comment(essay, body="What an ass!").status == S.SPAM


def test_ip_key_does_not_match_other_addresses(essay, rules):
    rules.disallowed_keys = "203.0.113.0/24"
    rules.save()
    assert new_comment(essay, ip_address="203.0.114.1").status == S.APPROVED
    assert new_comment(essay, ip_address="2001:db8::1").status == S.APPROVED


def test_manual_approval_holds_everything(essay, rules):
    rules.manual_approval = True
    rules.save()
    comment = new_comment(essay)
    assert comment.status == S.PENDING
    assert comment.moderation_reason == "Held: every comment must be manually approved"


def test_moderation_keys_hold(essay, rules):
    rules.moderation_keys = "crypto"
    rules.save()
    comment = new_comment(essay, body="Let me tell you about Crypto.")
    assert comment.status == S.PENDING
    assert comment.moderation_reason == "Held: moderation key “crypto” in the comment"


@pytest.mark.parametrize(
    ("links", "status"),
    [(0, S.APPROVED), (1, S.APPROVED), (2, S.PENDING), (3, S.PENDING)],
)
def test_link_limit(essay, rules, links, status):
    body = " ".join(f"https://site{i}.example/" for i in range(links)) or "no links"
    comment = new_comment(essay, body=body)
    assert comment.status == status
    if status == S.PENDING:
        assert comment.moderation_reason == f"Held: {links} links (the limit is 1)"


def test_link_limit_zero_is_off(essay, rules):
    rules.link_limit = 0
    rules.save()
    body = " ".join(f"https://site{i}.example/" for i in range(5))
    assert new_comment(essay, body=body).status == S.APPROVED


def test_previous_approval_required_by_default(essay):
    first = new_comment(essay, author_email="new@example.com")
    assert first.status == S.PENDING
    assert first.moderation_reason == "Held: first comment from this author"
    CommentFactory(article=essay, author_email="Known@Example.com")
    known = new_comment(essay, author_email="known@example.com")
    assert known.status == S.APPROVED
    assert known.moderation_reason == "Approved: the author has an approved comment"


def test_staff_are_approved(essay):
    staff = UserFactory(username="ed", email="ed@example.com", is_staff=True)
    comment = new_comment(essay, user=staff, body="https://a.example https://b.example")
    assert comment.status == S.APPROVED
    assert comment.moderation_reason == "Approved: posted by a staff member"


def test_order_disallowed_beats_manual_approval_and_moderation(essay, rules):
    rules.manual_approval = True
    rules.moderation_keys = "casino"
    rules.disallowed_keys = "casino"
    rules.save()
    assert new_comment(essay, body="casino").status == S.SPAM


def test_order_manual_approval_before_moderation_keys(essay, rules):
    rules.manual_approval = True
    rules.moderation_keys = "casino"
    rules.save()
    comment = new_comment(essay, body="casino")
    assert comment.moderation_reason == "Held: every comment must be manually approved"


def test_order_moderation_keys_before_links(essay, rules):
    rules.moderation_keys = "casino"
    rules.save()
    comment = new_comment(essay, body="casino https://a.example https://b.example")
    assert comment.moderation_reason == "Held: moderation key “casino” in the comment"


def test_order_links_hold_even_a_known_author(essay):
    CommentFactory(article=essay, author_email="known@example.com")
    comment = new_comment(
        essay, author_email="known@example.com", body="https://a.example https://b.example"
    )
    assert comment.status == S.PENDING
    assert comment.moderation_reason.startswith("Held: 2 links")


def test_known_author_still_spam_when_disallowed(essay):
    CommentFactory(article=essay, author_email="known@example.com")
    rules = DiscussionSettings.load()
    rules.disallowed_keys = "known@example.com"
    rules.save()
    assert new_comment(essay, author_email="known@example.com").status == S.SPAM


def test_the_form_goes_through_the_same_decision(post_comment, essay):
    rules = DiscussionSettings.load()
    rules.disallowed_keys = "viagra"
    rules.save()
    post_comment(essay, body="viagra for all")
    comment = Comment.objects.get()
    assert comment.status == S.SPAM
    assert comment.moderation_reason == "Disallowed key “viagra” in the comment"


def test_editing_an_existing_comment_does_not_re_moderate(essay, rules):
    comment = new_comment(essay)
    rules.manual_approval = True
    rules.save()
    comment.body = "Edited."
    comment.save()
    comment.refresh_from_db()
    assert comment.status == S.APPROVED
