"""The site in French (LANGUAGE_CODE = "fr"): the pages, the comment form and its errors, the
moderation queue and every mail hold no English of our catalogue (locale/fr/.../django.po: a
text whose French differs) in what a person reads (text, aria-label, title, alt...), outside
what visitors and authors wrote. The catalogue is complete, compiled, and holds every string
the code marks (manage.py messages --check, as CI runs it)."""

import gettext
import os
import re
import shutil
from datetime import UTC, datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article
from comments.models import Comment
from subscriptions.models import Subscription
from tests.factories import ArticleFactory, CommentFactory

S = Comment.Status
LOCALE = Path(django_settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
PO, MO = LOCALE / "django.po", LOCALE / "django.mo"
# What splits a message into the words a reader sees: placeholders and markup.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]*>|%%")
FIELD = re.compile(r"%\(\w+\)[sd]|\{\w*\}")  # what the code fills in


# --- The catalogue ----------------------------------------------------------------------------


def unquote(line):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), line.strip()[1:-1])


def entries():
    """(msgid, msgid_plural, [msgstr...], flags) of each message of the French .po."""
    found = []
    for block in PO.read_text(encoding="utf-8").strip().split("\n\n"):
        fields, flags, key = {}, set(), None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[key] += unquote(line)
            else:
                key, value = line.split(" ", 1)
                fields[key] = unquote(value)
        if fields.get("msgid"):
            strs = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
            found.append((fields["msgid"], fields.get("msgid_plural"), strs, flags))
    return found


@cache
def english_left():
    """The English of each message whose French differs: phrases (found inside a text) and
    single words (found as a whole text, such as a button's)."""
    phrases, words = set(), set()
    for msgid, plural, strs, _ in entries():
        for english in filter(None, [msgid, plural]):
            if english in strs or "F j" in english:  # the same in French; a date format
                continue
            for piece in PLACEHOLDER.split(english):
                piece = piece.strip(" “”\"'()—·–,.:;?!\n")
                if not re.search(r"[A-Za-z]{2}", piece) or any(piece in s for s in strs):
                    continue
                (phrases if " " in piece else words).add(piece)
    return phrases, words


class Readable(HTMLParser):
    """The texts a person reads in an HTML page: text and read attributes, without the
    scripts, the article's body and what commenters wrote."""

    ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "content", "label"}
    SKIPPED = {"essay-body", "comment-content", "author-bio", "report-quote"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__()
        self.texts, self.stack = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        skip = tag in ("script", "style", "blockquote", "textarea") or bool(classes & self.SKIPPED)
        if tag not in self.VOID:
            self.stack.append(skip)
        if not skip and not any(self.stack):
            hidden = attrs.get("type") == "hidden" or attrs.get("name") in ("csrfmiddlewaretoken",)
            meta = tag == "meta" and "description" not in str(attrs)  # og: and the like
            for name, value in attrs.items():
                read = name in self.ATTRIBUTES or name.startswith("data-title")
                read = read or (name == "value" and attrs.get("type") in ("submit", "button"))
                if value and read and not hidden and not meta:
                    self.texts.append(value)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not any(self.stack) and data.strip():
            self.texts.append(data)


def readable_html(html):
    parser = Readable()
    parser.feed(html)
    return [" ".join(text.split()) for text in parser.texts]


def assert_french(texts, *, user_text=()):
    """No English of our catalogue in these texts (``user_text``: what visitors wrote, left
    out)."""
    phrases, words = english_left()
    texts = [t for t in texts if t and t not in user_text]
    found = sorted(
        {p for p in phrases for t in texts if p in t}
        | {w for w in words for t in texts if t.strip(" :.?!*") == w}
    )
    assert found == [], f"English left: {found}"


def assert_french_page(response, **kwargs):
    assert response.status_code in (200, 400, 403, 409, 410, 429), response.status_code
    assert_french(readable_html(response.content.decode()), **kwargs)


def assert_french_mail(message):
    (html, _), *_ = message.alternatives
    user_text = [comment.body for comment in Comment.objects.all()]
    text = [" ".join(line.split()) for line in message.body.splitlines() if line[:2] != "> "]
    assert_french([message.subject, *text, *readable_html(html)], user_text=user_text)


def plain(text):
    """French puts no-break spaces before : ; ? ! and inside « »."""
    return text.replace("\xa0", " ")


@pytest.fixture
def french(settings):
    settings.LANGUAGE_CODE = "fr"
    with translation.override("fr"):
        yield


# --- The catalogue is complete, compiled and up to date ---------------------------------------


def test_every_message_is_translated_with_its_placeholders():
    header = PO.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "Plural-Forms: nplurals=2; plural=(n > 1);" in header
    assert len(entries()) > 400
    for msgid, plural, strs, flags in entries():
        assert "fuzzy" not in flags, msgid
        assert all(strs), f"untranslated: {msgid!r}"
        assert len(strs) == (2 if plural else 1), msgid
        english = set(FIELD.findall(msgid + (plural or "")))
        for french in strs:
            assert set(FIELD.findall(french)) <= english, (msgid, french)
        if not plural:
            assert set(FIELD.findall(strs[0])) == english, msgid


def test_the_compiled_catalogue_is_the_po():
    with open(MO, "rb") as file:
        catalogue = gettext.GNUTranslations(file)._catalog
    for msgid, plural, strs, _ in entries():
        if plural:
            assert [catalogue[(msgid, n)] for n in range(2)] == strs, msgid
        else:
            assert catalogue[msgid] == strs[0], msgid


def test_the_catalogue_holds_every_string_the_code_marks():
    """What CI runs (manage.py messages --check): makemessages on a copy of the site finds
    nothing new, nothing gone, and the .mo is the .po compiled."""
    if not all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msgfmt")):
        if os.environ.get("CI"):
            pytest.fail("GNU gettext is missing (.ci/run installs it)")
        pytest.skip("GNU gettext is not installed (apt-get install gettext)")
    call_command("messages", check=True, verbosity=0)


# --- Dates, plurals, the article page ---------------------------------------------------------


def test_dates_and_plurals_follow_french_rules(french):
    minutes = translation.ngettext("%(count)d minute", "%(count)d minutes", 0)
    assert minutes % {"count": 0} == "0 minute"  # French: 0 is singular
    from natoblog.templatetags.html_dates import date_at_time

    when = datetime(2026, 12, 1, 10, 57, tzinfo=UTC)
    assert date_at_time(when) == "1 décembre 2026 à 10:57"
    with translation.override("en"):
        assert date_at_time(when) == "December 1, 2026 at 10:57 a.m."


def test_the_article_page_with_threaded_comments(client, essay, french, post_comment):
    page = plain(client.get(essay.get_absolute_url()).content.decode())
    assert "Pas encore de commentaire sur « The Future of NATO »" in page
    ann = CommentFactory(article=essay, author_name="Ann", body="First!")
    assert "Un commentaire sur « The Future" in plain(
        client.get(essay.get_absolute_url()).content.decode()
    )
    reply = CommentFactory(article=essay, parent=ann, author_name="Bob", body="Indeed.")
    Comment.objects.filter(pk=reply.pk).update(
        created_at=datetime(2026, 12, 1, 10, 57, tzinfo=UTC)
    )
    # a comment of this visitor's, held for moderation, is shown to them
    assert post_comment(essay, body="Mine, held.").status_code == 302
    response = client.get(essay.get_absolute_url())
    page = plain(response.content.decode())
    assert '<html lang="fr">' in page
    assert "2 commentaires sur « The Future of NATO »" in page
    assert ">Répondre</a>" in page
    assert 'aria-label="Répondre à Ann"' in page
    assert "1 décembre 2026 à 10:57" in page
    assert "Votre commentaire est en attente de modération." in page
    assert 'data-title-reply="Laisser une réponse à %(name)s"' in page
    assert_french_page(response, user_text=["The Future of NATO"])


def test_a_removed_comment_and_a_reply_form(client, essay, french):
    from comments import actions

    parent = CommentFactory(article=essay, body="Soon gone.")
    CommentFactory(article=essay, parent=parent, body="Still here.")
    actions.empty([parent], author_name="Anonyme", status=S.TRASH, reason="test")
    response = client.get(f"{essay.get_absolute_url()}?replytocom={parent.pk + 1}")
    page = response.content.decode()
    assert "Ce commentaire a été retiré." in page
    assert "Laisser une réponse à" in page
    assert_french_page(response, user_text=["The Future of NATO"])


def test_the_page_cache_keeps_a_page_per_language(client, essay):
    from pagecache.cache import page_key

    request = client.get(essay.get_absolute_url()).wsgi_request
    with translation.override("fr"):
        french_key = page_key(request)
    with translation.override("en"):
        assert page_key(request) != french_key


# --- The comment form and its errors ----------------------------------------------------------


def test_the_comment_forms_errors(client, essay, french, post_comment):
    response = post_comment(essay, body="", author_name="", author_email="not-an-address")
    page = response.content.decode()
    assert "Votre commentaire n’a pas été publié." in page
    assert "Veuillez écrire votre commentaire." in page
    assert "Veuillez indiquer une adresse e-mail valide" in page
    assert_french_page(response, user_text=["The Future of NATO", "not-an-address"])


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"honeypot": "filled"}, "un champ qui doit rester vide"),
        ({"timestamp": "forged"}, "le formulaire était incomplet"),
    ],
)
def test_refused_comments(client, essay, french, post_comment, overrides, expected):
    response = post_comment(essay, **overrides)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert_french_page(response, user_text=["The Future of NATO", "A thoughtful comment."])


def test_a_duplicate_and_a_rate_limit(client, essay, french, post_comment, settings):
    assert post_comment(essay, body="Once.").status_code == 302
    response = post_comment(essay, body="Once.")
    assert response.status_code == 409
    assert_french_page(response, user_text=["The Future of NATO", "Once."])
    settings.COMMENTS_RATE_LIMIT_PER_EMAIL = 1
    response = post_comment(essay, body="Twice.")
    assert response.status_code == 429
    assert "attendez" in response.content.decode()
    assert_french_page(response, user_text=["The Future of NATO", "Twice."])


def test_closed_comments_and_the_page_to_post_again(rf, essay, french, post_comment):
    from django.contrib.auth.models import AnonymousUser

    from comments.views import database_unavailable

    Article.objects.filter(pk=essay.pk).update(comments_enabled=False)
    response = post_comment(essay)
    assert "Les commentaires sont fermés sur cet article" in response.content.decode()
    assert_french_page(response, user_text=["The Future of NATO", "A thoughtful comment."])
    request = rf.post("/", {"body": "Keep me."})
    request.user = AnonymousUser()
    response = database_unavailable(request, essay.slug)  # the database is away: post again
    assert "Votre commentaire n’est pas encore publié" in response.content.decode()
    assert_french(readable_html(response.content.decode()))


# --- The report and follow pages, the moderation links' pages ----------------------------------


def test_the_report_page_and_its_message(client, essay, french):
    comment = CommentFactory(article=essay, body="Report me.")
    url = reverse("comments:report") + f"?comment={comment.pk}"
    response = client.get(url)
    assert "Signaler ce commentaire" in response.content.decode()
    assert_french_page(response, user_text=["The Future of NATO", "Report me."])
    response = client.post(url, {"comment": comment.pk, "reason": ""}, follow=True)
    assert "Merci. Les modérateurs examineront ce commentaire." in response.content.decode()
    assert_french_page(response, user_text=["The Future of NATO", "Report me."])


def test_the_follow_page_and_its_errors(client, db, french):
    response = client.get(reverse("subscriptions:follow"))
    assert "Suivre ce blog" in response.content.decode()
    assert_french_page(response)
    response = client.post(reverse("subscriptions:follow"), {"follow-email": "nope"})
    assert "Veuillez corriger l’adresse" in response.content.decode()
    assert_french_page(response, user_text=["nope"])
    response = client.post(
        reverse("subscriptions:follow"), {"follow-email": "f@example.com"}, follow=True
    )
    assert_french_page(response)


def test_the_articles_list_and_the_error_pages(client, essay, french):
    assert_french_page(client.get(reverse("articles:index")), user_text=[essay.excerpt])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert_french(readable_html(response.content.decode()))


def test_the_account_pages(client, db, french, django_user_model):
    from allauth.account.models import EmailAddress

    for name in ("login", "account_signup", "account_reset_password"):
        assert_french_page(client.get(reverse(name)))
    user = django_user_model.objects.create_user("ann", "ann@example.com", "pw", first_name="Ann")
    EmailAddress.objects.create(user=user, email="ann@example.com", verified=True, primary=True)
    CommentFactory(user=user, author_name="Ann", body="Mine.")
    client.force_login(user)
    pages = ["accounts:profile", "accounts:delete", "account_email", "account_change_password"]
    for name in pages:
        response = client.get(reverse(name))
        assert_french_page(response, user_text=[user.comments.get().article.title, "Mine."])
    response = client.post(reverse("accounts:delete"), {"comments": "anonymise"})
    assert "Veuillez cocher la case pour confirmer." in response.content.decode()
    assert_french_page(response)


# --- The moderation queue in the admin --------------------------------------------------------

CHANGELIST = "/admin/comments/comment/"


def test_the_moderation_queue(moderator_client, essay, french):
    parent = CommentFactory(article=essay, author_name="Parent Person", body="Parent.")
    held = CommentFactory(
        article=essay,
        parent=parent,
        status=S.PENDING,
        author_name="Held Harry",
        body="A comment to hold.",
        moderation_reason="Retenu : premier commentaire de cet auteur",
    )
    response = moderator_client.get(CHANGELIST + "?status__exact=pending")
    page = response.content.decode()
    assert "Mettre à la corbeille" in page
    assert "En réponse à" in page
    assert_french_page(response, user_text=["The Future of NATO", "Held Harry"])

    response = moderator_client.post(
        CHANGELIST, {"action": "approve", "_selected_action": [held.pk]}, follow=True
    )
    messages = [plain(str(m)) for m in response.context["messages"]]
    assert messages == ["Approuvé : 1 commentaire."]
    assert_french_page(response, user_text=["The Future of NATO"])
    held.refresh_from_db()
    assert held.moderation_reason == "Approuvé par mod"

    response = moderator_client.get(f"{CHANGELIST}{held.pk}/change/")
    page = response.content.decode()
    assert "Faire confiance à cet auteur" in page
    assert "Répondre à Held Harry" in page
    assert_french_page(response, user_text=["The Future of NATO", "Parent.", "A comment to hold."])
    response = moderator_client.post(f"{CHANGELIST}{held.pk}/trust/", follow=True)
    assert_french_page(response, user_text=["The Future of NATO", "Parent.", "A comment to hold."])
    assert_french_page(moderator_client.get("/admin/"))


# --- Every mail -------------------------------------------------------------------------------


@pytest.fixture
def run(django_capture_on_commit_callbacks, run_tasks):
    """Do something, then let the worker write and send what it queued."""

    def do(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = action(*args, **kwargs)
        run_tasks()
        return result

    return do


def test_the_moderation_mail_and_its_page(
    client, essay, french, post_comment, run, mailoutbox, moderator_emails
):
    parent = CommentFactory(article=essay, author_name="Ann", body="The parent.")
    run(post_comment, essay, parent=parent.pk, body="Held for a moderator.")
    (message,) = [m for m in mailoutbox if m.to == ["mods@example.com"]]
    assert message.subject.startswith("[natoblog] À modérer")
    assert "Retenu : premier commentaire de cet auteur" in plain(message.body)
    assert_french_mail(message)
    link = re.search(r"http://testserver(/comments/moderate/\S+)", message.body)[1]
    response = client.get(link)
    assert "Approuver\xa0?" in response.content.decode()
    assert_french_page(response, user_text=["The Future of NATO", "The parent."])
    response = client.post(link)
    assert "Commentaire approuvé" in response.content.decode()
    assert_french_page(response, user_text=["The Future of NATO", "The parent."])
    assert_french_page(client.post(link), user_text=["The Future of NATO"])  # used: an error


def test_the_confirmation_mail_and_its_pages(client, essay, french, post_comment, run, mailoutbox):
    run(post_comment, essay, notify_comments="on", author_email="ann@example.com")
    (message,) = mailoutbox
    assert message.subject == "[natoblog] Veuillez confirmer votre abonnement"
    assert_french_mail(message)
    link = re.search(r"http://testserver(/comments/subscriptions/confirm/\S+)", message.body)[1]
    assert_french_page(client.get(link), user_text=["The Future of NATO"])
    response = client.post(link)
    assert "Vous êtes abonné" in response.content.decode()
    assert_french_page(response, user_text=["The Future of NATO"])


def test_the_new_comment_mail_and_the_unsubscribe_pages(client, essay, french, run, mailoutbox):
    Subscription.objects.create(
        kind="comments", article=essay, email="sub@example.com", confirmed_at=timezone.now()
    )
    parent = CommentFactory(article=essay, author_name="Ann", body="The parent.")
    mailoutbox.clear()
    run(CommentFactory, article=essay, parent=parent, author_name="Bob", body="Hi.")
    (message,) = [m for m in mailoutbox if m.to == ["sub@example.com"]]
    assert plain(message.subject) == "[natoblog] Nouveau commentaire sur « The Future of NATO »"
    assert_french_mail(message)
    for path in ("unsubscribe", "manage"):
        link = re.search(rf"testserver(/comments/subscriptions/{path}/[^\s\"]+)", message.body)[1]
        assert_french_page(client.get(link), user_text=["The Future of NATO"])
        assert_french_page(client.post(link, {"subscription": "all"}, follow=True))


def test_the_new_post_mail(db, french, run, mailoutbox):
    Subscription.objects.create(kind="posts", email="f@example.com", confirmed_at=timezone.now())
    run(ArticleFactory, title="Burden Sharing", excerpt="Who pays.")
    (message,) = mailoutbox
    assert "Nouvel article" in message.subject
    assert_french_mail(message)


def test_the_approved_comment_mail_to_the_articles_author(
    db, french, run, mailoutbox, settings, moderator
):
    from comments.actions import moderate_action

    settings.COMMENTS_NOTIFY_AUTHOR_ON_APPROVAL = True
    article = ArticleFactory(title="On Deterrence")
    article.author.email = "author@example.com"
    article.author.save()
    comment = CommentFactory(article=article, status=S.PENDING, body="Approve me.")
    mailoutbox.clear()
    run(moderate_action, [comment], "approve", user=moderator)
    (message,) = [m for m in mailoutbox if m.to == ["author@example.com"]]
    assert "a été approuvé" in message.subject
    assert_french_mail(message)


def test_the_account_mails_frame(db, french):
    from django.template.loader import render_to_string

    text = render_to_string("account/email/base_message.txt", {"SITE_NAME": "natoblog"})
    assert "Bonjour de la part de natoblog" in text
    assert_french(text.splitlines())
