"""Every page of the site, in each of its states, is valid HTML to the Nu Html Checker (vnu,
the W3C's validator): zero errors; its warnings are printed.

The pages are rendered with Django's test client, written to files and checked by one run of
vnu (the JVM is slow to start). A known-bad control document goes with them, so a checker
that silently reports nothing fails the test too.

Needs java and the vnu jar: `make vnu` (scripts/install_vnu.sh) installs them into .venv/vnu/.
Without them the test is skipped, unless NATOBLOG_REQUIRE_VNU=1: what .ci/run sets, after
installing them.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from comments import actions
from comments.links import moderation_token
from comments.models import Comment
from subscriptions import tokens
from subscriptions.models import Subscription
from tests.conftest import comment_data
from tests.factories import ArticleFactory, CommentFactory
from tests.oauth import enable_providers

ROOT = Path(__file__).resolve().parents[2]
JAR = Path(
    os.environ.get("NATOBLOG_VNU_JAR")
    or ROOT / ".venv" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)
JAVA = shutil.which("java")
REQUIRE = os.environ.get("NATOBLOG_REQUIRE_VNU") == "1"
MISSING = "the Nu Html Checker needs java and vnu.jar: make vnu (.ci/run installs them)"
# a document with one error vnu must report: the checker itself is checked
CONTROL = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Control</title></head>'
    '<body><time datetime="2026-12-01T10:57:00.768205+00:00">six digits</time></body></html>'
)

pytestmark = pytest.mark.skipif(not REQUIRE and not (JAVA and JAR.is_file()), reason=MISSING)


class Pages:
    """The HTML documents to check, by name, each with the status it must answer."""

    def __init__(self):
        self.documents = {}

    def add(self, name, response, status=200, shows=None):
        """The page a response holds; `shows`: a text that proves it is in the state meant."""
        assert response.status_code == status, (name, response.status_code)
        assert response["Content-Type"].startswith("text/html"), (name, response["Content-Type"])
        self.documents[name] = html = response.content.decode()
        assert shows is None or shows in html, (name, shows)


def vnu(documents):
    """Run vnu once over the documents: {name: [message, ...]}, with vnu's own messages."""
    with tempfile.TemporaryDirectory(prefix="natoblog-vnu-") as work:
        files = {}
        for number, (name, html) in enumerate(documents.items()):
            path = Path(work) / f"{number:02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.html"
            path.write_text(html, encoding="utf-8")
            files[path.name] = name
        checker = [JAVA, "-jar", str(JAR), "--format", "json", "--exit-zero-always", "--stdout"]
        run = subprocess.run(
            [*checker, *(str(Path(work) / file) for file in files)],
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert run.returncode == 0, run.stderr
    found = {name: [] for name in documents}
    for message in json.loads(run.stdout)["messages"]:
        name = files.get(message.get("url", "").rsplit("/", 1)[-1])
        assert name is not None, message  # a message about no page: vnu itself failed
        found[name].append(message)
    return found


def version():
    run = subprocess.run([JAVA, "-jar", str(JAR), "--version"], capture_output=True, text=True)
    return run.stdout.strip()


def describe(message):
    where = f"line {message.get('lastLine', '?')}"
    extract = (message.get("extract") or "").strip().replace("\n", " ")
    return f"{where}: {message['message']}" + (f"  [{extract}]" if extract else "")


def is_error(message):
    # "error" and "non-document-error" (vnu could not read it); "info" with subType
    # "warning" is a warning; plain "info" is only informative
    return message["type"] != "info"


def article_pages(pages, essay, client, settings):
    """The home page, the article with threads (a reply to a reply; a removed parent whose
    reply stays; a second page holding the visitor's own comment, awaiting moderation), the
    form with errors, a reply form, the author page, reports and the follow form."""
    settings.COMMENTS_PER_PAGE = 2
    # microseconds in the date (never in the future: the article must be published now)
    essay.published_at = timezone.now().replace(microsecond=123456) - timedelta(seconds=1)
    essay.save()
    ArticleFactory()  # a second article on the home page
    first = CommentFactory(
        article=essay,
        author_name="Ann Reader",
        author_url="https://ann.example/",
        body="First, with a link: https://example.com/ and *emphasis*.\n\nA second paragraph.",
    )
    reply = CommentFactory(article=essay, parent=first)
    CommentFactory(article=essay, parent=reply)
    removed = CommentFactory(article=essay)
    CommentFactory(article=essay, parent=removed, body="A reply that stays.")
    actions.change_status([removed], Comment.Status.SPAM, "Set by a test")
    for _ in range(2):
        CommentFactory(article=essay)
    article = essay.get_absolute_url()
    post = reverse("comments:post", kwargs={"slug": essay.slug})
    assert client.post(post, comment_data()).status_code == 302

    pages.add("home", client.get("/"))
    pages.add("article with threaded comments", client.get(article), shows="was removed.")
    pages.add(
        "comment page 2, own pending comment",
        client.get(f"{article}comment-page-2/"),
        shows="Your comment is awaiting moderation.",
    )
    pages.add(
        "article after a failed post",
        client.post(post, comment_data(body="")),
        shows="invalid-feedback",
    )
    pages.add(
        "article with ?replytocom",
        client.get(f"{article}?replytocom={reply.pk}"),
        shows="Leave a Reply to",
    )
    pages.add("author page", client.get(essay.author.get_absolute_url()))
    closed = ArticleFactory(comments_enabled=False)
    pages.add("article with comments closed", client.get(closed.get_absolute_url()))

    report = f"/comments/report/?comment={first.pk}"
    pages.add("report page", client.get(report))
    pages.add(
        "report with errors",
        client.post("/comments/report/", {"comment": first.pk, "reason": "x" * 201}),
        shows="invalid-feedback",
    )
    reported = client.post(report, {"comment": first.pk}, follow=True)
    pages.add("article after a report", reported, shows="Thank you.")
    follow = reverse("subscriptions:follow")
    pages.add("follow page", client.get(follow))
    bad_address = client.post(follow, {"email": "not-an-address"})
    pages.add("follow with a bad address", bad_address, shows="invalid-feedback")
    return first


def account_pages(pages, essay, client, django_user_model, settings):
    """Log-in, sign-up and password reset (empty, with errors, done), with the log-in
    providers on; the account's own pages; and the pages of allauth's mail links."""
    member = django_user_model.objects.create_user(
        "ann", "ann@example.com", "pw", first_name="Ann", last_name="Reader"
    )
    EmailAddress.objects.create(user=member, email="ann@example.com", verified=True, primary=True)
    for status in (Comment.Status.APPROVED, Comment.Status.PENDING):
        CommentFactory(article=essay, user=member, author_name="Ann Reader", status=status)

    pages.add("log-in", client.get("/accounts/login/"))
    pages.add(
        "log-in failed",
        client.post("/accounts/login/", {"login": "nobody@example.com", "password": "wrong"}),
        shows="alert-danger",
    )
    pages.add("sign-up", client.get("/accounts/signup/"))
    pages.add(
        "sign-up with errors",
        client.post("/accounts/signup/", {"email": "not-an-address", "password1": "x"}),
        shows="invalid-feedback",
    )
    pages.add("confirm-email sent", client.get("/accounts/confirm-email/"))
    pages.add("password reset", client.get("/accounts/password/reset/"))
    pages.add(
        "password reset sent",
        client.post("/accounts/password/reset/", {"email": "ann@example.com"}, follow=True),
    )
    enable_providers(settings, "facebook", "twitter_oauth2", "wordpress_com")
    pages.add("log-in with providers", Client().get("/accounts/login/"), shows="Facebook")
    enable_providers(settings)

    uidb36, key = user_pk_to_url_str(member), default_token_generator.make_token(member)
    reset = reverse("account_reset_password_from_key", kwargs={"uidb36": uidb36, "key": key})
    pages.add("password reset link", Client().get(reset, follow=True), shows="new password")
    bad = reverse("account_reset_password_from_key", kwargs={"uidb36": uidb36, "key": "1-x"})
    pages.add("password reset link, bad", Client().get(bad, follow=True), shows="expired")
    unverified = EmailAddress.objects.create(user=member, email="ann@work.example")
    confirm = reverse("account_confirm_email", args=[EmailConfirmationHMAC(unverified).key])
    pages.add("confirm-email link", Client().get(confirm), shows="Please confirm")
    pages.add("confirm-email link, bad", Client().get(confirm[:-3] + "xx/"), shows="invalid")

    own = Client()
    own.force_login(member)
    pages.add("account page", own.get("/accounts/profile/"))
    pages.add("delete-account page", own.get("/accounts/delete/"))
    pages.add("article, logged in", own.get(essay.get_absolute_url()))
    pages.add("e-mail addresses", own.get("/accounts/email/"))
    pages.add("password change", own.get("/accounts/password/change/"))
    pages.add("log-out", own.get("/accounts/logout/"))


def mail_link_pages(pages, essay, parent):
    """The pages that links in moderation and subscription mails open: each GET, its POST's
    answer, and a link that was altered."""
    held = Comment.objects.create(
        article=essay,
        parent=parent,
        author_name="Held",
        author_email="held@example.com",
        body="Held words.",
    )
    followed = Subscription.objects.create(
        kind="comments", article=essay, email="ann@example.com", confirmed_at=timezone.now()
    )
    pending = Subscription.objects.create(kind="posts", email="ann@example.com")
    links = {
        "moderation link": f"/comments/moderate/{moderation_token(held, 'approve')}/",
        "confirm link": f"/comments/subscriptions/confirm/{tokens.confirmation_token(pending)}/",
        "unsubscribe link": (
            f"/comments/subscriptions/unsubscribe/{tokens.unsubscribe_token(followed)}/"
        ),
        "manage link": (
            f"/comments/subscriptions/manage/{tokens.manage_token(pending.email_hash)}/"
        ),
    }
    mail = Client()
    moderate = links["moderation link"]
    altered = moderate[:-6] + ("A" if moderate[-6] != "A" else "B") + moderate[-5:]
    pages.add("broken link", mail.get(altered), status=400, shows="This link is not valid")
    for name, path in links.items():
        pages.add(name, mail.get(path))
    for name, path in links.items():
        data = {"subscription": pending.pk} if name == "manage link" else {}
        pages.add(f"{name}, done", mail.post(path, data, follow=True))
    pages.add("unsubscribe link, already gone", mail.get(links["unsubscribe link"]))


def error_pages(pages, essay, client):
    pages.add("404", client.get("/no-such-page/"), status=404)
    missing = f"{essay.get_absolute_url()}comment-page-9/"
    pages.add("404, no such comment page", client.get(missing), status=404)
    # what the error handlers and the database-down middleware render
    request = RequestFactory().get("/")
    for template in ("400.html", "500.html", "503.html"):
        pages.documents[template] = render_to_string(template, request=request)


def admin_pages(pages, essay, admin_user):
    staff = Client()
    staff.force_login(admin_user)
    comment = Comment.objects.filter(article=essay).first()
    changelist = reverse("admin:comments_comment_changelist")
    pages.add("admin index", staff.get(reverse("admin:index")))
    pages.add("admin comment list", staff.get(changelist))
    pages.add(
        "admin comment change page",
        staff.get(reverse("admin:comments_comment_change", args=[comment.pk])),
    )
    pages.add(
        "admin erase personal data",
        staff.post(
            changelist, {"action": "erase_personal_data", "_selected_action": [comment.pk]}
        ),
    )


def test_every_page_is_valid_html(essay, client, admin_user, django_user_model, settings):
    if not (JAVA and JAR.is_file()):  # only reached when NATOBLOG_REQUIRE_VNU=1
        pytest.fail(f"{MISSING} (NATOBLOG_REQUIRE_VNU=1 forbids skipping)", pytrace=False)
    pages = Pages()
    first = article_pages(pages, essay, client, settings)
    account_pages(pages, essay, client, django_user_model, settings)
    mail_link_pages(pages, essay, first)
    error_pages(pages, essay, client)
    admin_pages(pages, essay, admin_user)
    results = vnu({**pages.documents, "control": CONTROL})

    control = results.pop("control")
    assert any(is_error(m) and "datetime" in m["message"] for m in control), control
    errors, notes, by_text = [], [], {}
    for name, messages in results.items():
        for message in messages:
            line = f"{name}: {describe(message)}"
            if is_error(message):
                errors.append(line)
                continue
            kind = message.get("subType", "info")
            notes.append(f"{kind}: {line}")
            by_text.setdefault(f"{kind}: {message['message']}", set()).add(name)
    print(
        f"\nvnu {version()} checked {len(results)} pages: {len(errors)} errors, {len(notes)} notes"
    )
    for line in notes:
        print("  " + line)
    for text, names in sorted(by_text.items()):
        warnings.warn(
            f"vnu {text} (on {len(names)} pages: {', '.join(sorted(names))})", stacklevel=1
        )
    assert not errors, "\n".join(["vnu found errors:", *errors])
