"""Personal data export and erasure for one e-mail address (management commands and admin
actions), and the registry other kinds of data join."""

import json
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

import privacy
from comments.models import Comment
from privacy import registry
from tests.factories import CommentFactory, SubscriptionFactory, UserFactory

CHANGELIST = "/admin/comments/comment/"


@pytest.fixture
def ann(essay):
    """Ann's data: two comments (one a reply to another reader's), a reply to her, her
    account (with a verified address), a subscription, a failed log-in; and someone else's
    comment and subscription."""
    from allauth.account.models import EmailAddress

    user = UserFactory(
        username="ann", email="Ann@Example.com", first_name="Ann", last_name="Reader"
    )
    EmailAddress.objects.create(user=user, email="ann@example.com", verified=True, primary=True)
    SubscriptionFactory(article=essay, email="ann@example.com", confirmed=False)
    SubscriptionFactory(kind="posts", email="bob@example.com", confirmed=False)
    other = CommentFactory(article=essay, author_name="Bob", author_email="bob@example.com")
    first = CommentFactory(
        article=essay,
        author_name="Ann Reader",
        author_email="ann@example.com",
        author_url="https://ann.example/",
        ip_address="192.0.2.7",
        user_agent="Firefox/140",
        notify_comments=True,
        notify_posts=True,
        body="Ann's first thought.",
    )
    second = CommentFactory(
        article=essay,
        parent=other,
        user=user,
        author_name="Ann R.",
        author_email="ANN@example.com ",
        ip_address="2001:db8::7",
        body="Ann replies to Bob.",
    )
    reply = CommentFactory(article=essay, parent=first, author_email="bob@example.com")
    AccessAttempt.objects.create(
        username="ann",
        ip_address="192.0.2.7",
        user_agent="Firefox/140",
        path_info="/admin/login/",
        failures_since_start=2,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
    )
    return {"user": user, "first": first, "second": second, "other": other, "reply": reply}


def essay_title():
    from articles.models import Article

    return Article.objects.get(slug="the-future-of-nato").title


def export(email):
    out = StringIO()
    call_command("export_personal_data", email, stdout=out)
    return json.loads(out.getvalue())


def test_export_holds_every_comment_the_account_and_log_in_records(ann):
    data = export(" ann@EXAMPLE.com")
    assert data["email"] == "ann@example.com"
    comments = data["groups"]["comments"]["items"]
    assert [c["comment"] for c in comments] == ["Ann's first thought.", "Ann replies to Bob."]
    assert comments[0]["ip_address"] == "192.0.2.7"
    assert comments[0]["user_agent"] == "Firefox/140"
    assert comments[0]["author_url"] == "https://ann.example/"
    assert comments[0]["notify_comments"] is True
    assert comments[0]["article_url"] == "http://testserver/articles/the-future-of-nato/"
    assert comments[1]["in_reply_to"] == ann["other"].pk
    [account] = data["groups"]["account"]["items"]
    assert account["username"] == "ann"
    assert account["first_name"] == "Ann"
    assert account["email_addresses"] == [
        {"email": "ann@example.com", "verified": True, "primary": True}
    ]
    [subscription] = data["groups"]["subscriptions"]["items"]
    assert (subscription["kind"], subscription["article"]) == ("comments", essay_title())
    [attempt] = data["groups"]["login_attempts"]["items"]
    assert attempt["ip_address"] == "192.0.2.7"
    # nothing of Bob's
    assert "bob@example.com" not in json.dumps(data)


def test_export_to_a_file(ann, tmp_path):
    path = tmp_path / "ann.json"
    err = StringIO()
    call_command("export_personal_data", "ann@example.com", output=str(path), stderr=err)
    assert len(json.loads(path.read_text())["groups"]["comments"]["items"]) == 2
    assert "2 comments" in err.getvalue()


def test_export_of_an_unknown_address_is_empty(db):
    data = export("nobody@example.com")
    assert all(group["items"] == [] for group in data["groups"].values())


def test_commands_refuse_what_is_not_an_address(db):
    with pytest.raises(CommandError, match="Not an e-mail address"):
        call_command("export_personal_data", "not-an-address")
    with pytest.raises(CommandError, match="Not an e-mail address"):
        call_command("erase_personal_data", "not-an-address", "--yes")


def test_erase_asks_for_yes_and_changes_nothing_without_it(ann):
    out = StringIO()
    with pytest.raises(CommandError, match="run again with --yes"):
        call_command("erase_personal_data", "ann@example.com", stdout=out)
    assert "Comments: 2" in out.getvalue()
    assert Comment.objects.filter(author_name="Ann Reader").exists()


def test_erase_anonymises_keeps_threads_and_ends_notifications(ann, essay):
    out = StringIO()
    call_command("erase_personal_data", "ann@example.com", "--yes", stdout=out)
    assert "comments: 2 erased" in out.getvalue()
    for key in ["first", "second"]:
        comment = Comment.objects.get(pk=ann[key].pk)
        assert comment.author_name == "Anonymous"
        assert comment.author_email == ""
        assert comment.email_hash == ""
        assert comment.author_url == ""
        assert comment.ip_address is None
        assert comment.user_agent == ""
        assert comment.user is None
        assert not comment.notify_comments
        assert not comment.notify_posts
    # the threads keep their shape and their text
    assert Comment.objects.get(pk=ann["second"].pk).parent_id == ann["other"].pk
    assert Comment.objects.get(pk=ann["reply"].pk).parent_id == ann["first"].pk
    assert Comment.objects.get(pk=ann["first"].pk).body == "Ann's first thought."
    assert Comment.objects.count() == 4
    # other people's data is untouched
    assert Comment.objects.get(pk=ann["other"].pk).author_name == "Bob"
    # the account is deleted as "Delete my account" does, the subscriptions ended, the failed
    # log-ins gone; Bob's subscription stays
    from subscriptions.models import Subscription

    assert not type(ann["user"]).objects.filter(pk=ann["user"].pk).exists()
    assert list(Subscription.objects.values_list("email", flat=True)) == ["bob@example.com"]
    assert not AccessAttempt.objects.exists()
    # and an export now finds nothing
    assert all(g["items"] == [] for g in export("ann@example.com")["groups"].values())
    page = Client().get(essay.get_absolute_url()).content.decode()
    assert "Ann Reader" not in page
    assert "https://ann.example/" not in page


def test_a_staff_account_is_kept_with_a_message(essay, django_user_model):
    UserFactory(username="ed", email="ed@example.com", is_staff=True)
    out = StringIO()
    call_command("erase_personal_data", "ed@example.com", "--yes", stdout=out)
    assert "account: 0 erased, 1 kept" in out.getvalue()
    assert "staff account “ed” was kept" in out.getvalue()
    assert django_user_model.objects.get(username="ed").is_active


def test_other_apps_register_what_they_hold(ann, monkeypatch):
    monkeypatch.setattr(registry, "_providers", dict(registry._providers))
    ended = []
    privacy.register(
        "newsletter",
        "Newsletter",
        lambda email: [{"email": email, "list": "weekly"}],
        lambda email: ended.append(email) or privacy.Erasure(erased=1),
    )
    data = export("ann@example.com")
    assert data["groups"]["newsletter"]["items"] == [
        {"email": "ann@example.com", "list": "weekly"}
    ]
    out = StringIO()
    call_command("erase_personal_data", "ann@example.com", "--yes", stdout=out)
    assert ended == ["ann@example.com"]
    assert "newsletter: 1 erased" in out.getvalue()


def test_erasure_is_all_or_nothing(ann, monkeypatch):
    monkeypatch.setattr(registry, "_providers", dict(registry._providers))

    def broken(email):
        raise RuntimeError("the subscriptions store is down")

    privacy.register("newsletter", "Newsletter", lambda email: [], broken)
    with pytest.raises(RuntimeError):
        call_command("erase_personal_data", "ann@example.com", "--yes", stdout=StringIO())
    assert Comment.objects.get(pk=ann["first"].pk).author_name == "Ann Reader"


# The admin actions ----------------------------------------------------------------------------


@pytest.fixture
def superuser_client(django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


def test_admin_exports_the_selected_authors(ann, superuser_client):
    response = superuser_client.post(
        CHANGELIST,
        {"action": "export_personal_data", "_selected_action": [ann["first"].pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    [person] = json.loads(response.content)["exports"]
    assert person["email"] == "ann@example.com"
    assert len(person["groups"]["comments"]["items"]) == 2


def test_admin_erase_asks_first_then_erases(ann, superuser_client):
    selected = {"action": "erase_personal_data", "_selected_action": [ann["second"].pk]}
    confirm = superuser_client.post(CHANGELIST, selected)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Erase personal data?" in page
    assert "ann@example.com" in page
    assert "2 comments" in page
    assert Comment.objects.get(pk=ann["first"].pk).author_name == "Ann Reader"

    done = superuser_client.post(CHANGELIST, {**selected, "post": "yes"}, follow=True)
    assert "Erased the personal data of 1 author: 2 comments anonymised" in done.content.decode()
    assert Comment.objects.get(pk=ann["first"].pk).author_name == "Anonymous"
    assert Comment.objects.get(pk=ann["other"].pk).author_name == "Bob"


def test_moderators_cannot_export_or_erase(ann, moderator_client):
    page = moderator_client.get(CHANGELIST).content.decode()
    assert "export_personal_data" not in page
    assert "erase_personal_data" not in page
    response = moderator_client.post(
        CHANGELIST,
        {"action": "erase_personal_data", "_selected_action": [ann["first"].pk], "post": "yes"},
    )
    assert response.status_code in {200, 302}
    assert Comment.objects.get(pk=ann["first"].pk).author_name == "Ann Reader"
