"""The whole OAuth 2 flow for Facebook, X and WordPress.com, the providers' endpoints mocked:
the icon's button, the redirect to the provider, the callback, the account created (or
connected), and back on the article under "You are commenting using your … account"."""

from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from comments.models import Comment
from tests.conftest import form_fields
from tests.factories import UserFactory
from tests.oauth import ESSAY_RESPOND, click_icon, enable_providers, social_login

GRAPH = "https://graph.facebook.com/v19.0"
X_API = "https://api.x.com/2"
WPCOM = "https://public-api.wordpress.com"


@dataclass
class Case:
    id: str
    name: str  # the provider's name in "your … account"
    authorize_url: str
    token: tuple  # (method, url)
    profile: tuple
    answers: dict
    user_name: str
    email: str  # "" when the provider gives none
    email_verified: bool
    avatar: str


FACEBOOK = Case(
    id="facebook",
    name="Facebook",
    authorize_url="https://www.facebook.com/v19.0/dialog/oauth",
    token=("GET", f"{GRAPH}/oauth/access_token"),
    profile=("GET", f"{GRAPH}/me"),
    answers={
        ("GET", f"{GRAPH}/oauth/access_token"): {
            "access_token": "fb-token",
            "token_type": "bearer",
            "expires_in": 5183944,
        },
        ("GET", f"{GRAPH}/me"): {
            "id": "101550000001",
            "name": "Ann Reader",
            "first_name": "Ann",
            "last_name": "Reader",
            "email": "ann@example.com",
            "picture": {
                "data": {
                    "url": "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=1",
                    "is_silhouette": False,
                    "width": 96,
                    "height": 96,
                }
            },
        },
    },
    user_name="Ann Reader",
    email="ann@example.com",
    email_verified=False,  # allauth never trusts Facebook's "verified"
    avatar="https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=1",
)

X = Case(
    id="twitter_oauth2",
    name="X",
    authorize_url="https://x.com/i/oauth2/authorize",
    token=("POST", f"{X_API}/oauth2/token"),
    profile=("GET", f"{X_API}/users/me"),
    answers={
        ("POST", f"{X_API}/oauth2/token"): {
            "access_token": "x-token",
            "token_type": "bearer",
            "expires_in": 7200,
            "scope": "users.read tweet.read",
        },
        ("GET", f"{X_API}/users/me"): {
            "data": {
                "id": "2244994945",
                "name": "Xavier Reader",
                "username": "xreader",
                "verified": False,
                "profile_image_url": "https://pbs.twimg.com/profile_images/1/xr_normal.jpg",
                "created_at": "2013-12-14T04:35:55.000Z",
            }
        },
    },
    user_name="Xavier Reader",
    email="",  # X gives no e-mail address: the visitor is asked for one
    email_verified=False,
    avatar="https://pbs.twimg.com/profile_images/1/xr_normal.jpg",
)

WORDPRESS_COM = Case(
    id="wordpress_com",
    name="WordPress.com",
    authorize_url=f"{WPCOM}/oauth2/authorize",
    token=("POST", f"{WPCOM}/oauth2/token"),
    profile=("GET", f"{WPCOM}/rest/v1.1/me"),
    answers={
        ("POST", f"{WPCOM}/oauth2/token"): {
            "access_token": "wp-token",
            "token_type": "bearer",
            "blog_id": "0",
            "blog_url": None,
            "scope": "auth",
        },
        ("GET", f"{WPCOM}/rest/v1.1/me"): {
            "ID": 98765,
            "display_name": "Wendy Press",
            "username": "wendypress",
            "email": "wendy@example.com",
            "email_verified": True,
            "avatar_URL": "https://0.gravatar.com/avatar/0123abcd?s=96&d=identicon",
            "profile_URL": "https://gravatar.com/wendypress",
        },
    },
    user_name="Wendy Press",
    email="wendy@example.com",
    email_verified=True,
    avatar="https://0.gravatar.com/avatar/0123abcd?s=96&d=identicon",
)

CASES = [FACEBOOK, X, WORDPRESS_COM]
ids = [case.id for case in CASES]


@pytest.fixture(autouse=True)
def _all_providers_on(settings):
    enable_providers(settings, "facebook", "twitter_oauth2", "wordpress_com")


def log_in(client, case, **kwargs):
    """The whole flow; for X, also the one extra step that asks for the e-mail address."""
    flow = social_login(client, case.id, case.answers, **kwargs)
    if case.email:
        return flow, flow.callback
    assert flow.callback.status_code == 302
    assert flow.callback["Location"] == "/accounts/3rdparty/signup/"
    step = client.get("/accounts/3rdparty/signup/")
    assert step.status_code == 200
    page = step.content.decode()
    assert f'value="{case.user_name}"' in page  # the name the provider gave, to check
    done = client.post(
        "/accounts/3rdparty/signup/", {"name": case.user_name, "email": "xavier@example.com"}
    )
    return flow, done


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_the_icon_redirects_to_the_provider(client, essay, case):
    response = click_icon(client, case.id)
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == case.authorize_url
    params = parse_qs(location.query)
    assert params["client_id"] == [f"{case.id}-id"]
    assert params["response_type"] == ["code"]
    assert params["redirect_uri"] == [f"http://testserver/accounts/{case.id}/login/callback/"]
    assert params["state"][0]
    if case is X:
        assert params["code_challenge_method"] == ["S256"]  # X requires PKCE
    if case is WORDPRESS_COM:
        assert params["scope"] == ["auth"]


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_log_in_creates_the_account_and_returns_to_the_article(client, essay, case):
    _flow, back = log_in(client, case)
    assert back.status_code == 302
    assert back["Location"] == ESSAY_RESPOND

    user = get_user_model().objects.get()
    assert user.get_full_name() == case.user_name
    assert not user.has_usable_password()
    account = SocialAccount.objects.get(user=user)
    assert account.provider == case.id

    page = client.get(essay.get_absolute_url()).content.decode()
    assert f"You are commenting using your {case.name} account ({case.user_name})." in page
    assert f'src="{case.avatar}"'.replace("&", "&amp;") in page
    assert 'referrerpolicy="no-referrer"' in page
    assert 'name="author_email"' not in page
    assert 'name="author_name"' not in page
    assert "click an icon to log in" not in page


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_the_token_and_profile_requests(client, essay, case):
    flow, _ = log_in(client, case)
    token_call = flow.provider.call_to(*case.token)
    sent = token_call.get("data") or token_call.get("params")
    assert sent["code"] == "the-code"
    assert sent["redirect_uri"] == f"http://testserver/accounts/{case.id}/login/callback/"
    if case is X:
        assert token_call["auth"].username == "twitter_oauth2-id"  # HTTP basic auth
        assert sent["code_verifier"]
    else:
        assert sent["client_id"] == f"{case.id}-id"
        assert sent["client_secret"] == "s3cret"
    profile_call = flow.provider.call_to(*case.profile)
    token = case.answers[case.token]["access_token"]
    headers = profile_call.get("headers") or {}
    params = profile_call.get("params") or {}
    assert headers.get("Authorization") == f"Bearer {token}" or params.get("access_token") == (
        token
    )


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_a_comment_posted_while_logged_in_keeps_the_account_link(client, essay, case):
    log_in(client, case)
    response = client.post(
        "/comments/post/the-future-of-nato/", {"body": "Logged in.", **form_fields()}
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    user = get_user_model().objects.get()
    assert comment.user == user
    assert comment.author_name == case.user_name
    assert comment.author_email == (case.email or "xavier@example.com")


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_a_verified_address_makes_a_known_author(
    client, essay, case, django_capture_on_commit_callbacks, run_tasks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        log_in(client, case)
    run_tasks()
    address = EmailAddress.objects.get()
    assert address.verified is case.email_verified
    # an unverified address gets a confirmation link, without blocking the log-in
    assert bool(mail.outbox) is not case.email_verified
    client.post("/comments/post/the-future-of-nato/", {"body": "First words.", **form_fields()})
    comment = Comment.objects.get()
    if case.email_verified:
        assert comment.status == Comment.Status.APPROVED
        assert comment.moderation_reason == "Approved: the author's e-mail address is verified"
    else:
        assert comment.status == Comment.Status.PENDING


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_logging_in_again_uses_the_same_account(client, essay, case):
    log_in(client, case)
    client.post("/accounts/logout/", {"next": ESSAY_RESPOND})
    flow = social_login(client, case.id, case.answers)
    assert flow.callback.status_code == 302
    assert flow.callback["Location"] == ESSAY_RESPOND
    assert get_user_model().objects.count() == 1
    assert SocialAccount.objects.count() == 1
    page = client.get(essay.get_absolute_url()).content.decode()
    assert f"You are commenting using your {case.name} account ({case.user_name})." in page


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_connecting_to_an_existing_account(client, essay, case, django_user_model):
    user = UserFactory(username="olga", email="olga@example.com", first_name="Olga", last_name="K")
    EmailAddress.objects.create(user=user, email="olga@example.com", verified=True, primary=True)
    client.force_login(user)
    flow = social_login(
        client, case.id, case.answers, next_url="/accounts/profile/", process="connect"
    )
    assert flow.callback.status_code == 302
    assert flow.callback["Location"] == "/accounts/profile/"
    assert SocialAccount.objects.get().user == user
    assert django_user_model.objects.count() == 1
    page = client.get("/accounts/profile/").content.decode()
    assert f"{case.name} (" in page


def test_log_out_from_the_form_returns_to_the_article_logged_out(client, essay):
    log_in(client, FACEBOOK)
    page = client.get(essay.get_absolute_url()).content.decode()
    assert 'action="/accounts/logout/"' in page
    response = client.post("/accounts/logout/", {"next": ESSAY_RESPOND})
    assert response.status_code == 302
    assert response["Location"] == ESSAY_RESPOND
    page = client.get(essay.get_absolute_url()).content.decode()
    assert "You are commenting using" not in page
    assert "Fill in your details below or click an icon to log in:" in page


def test_change_switches_to_another_account(client, essay):
    log_in(client, FACEBOOK)
    page = client.get(essay.get_absolute_url()).content.decode()
    assert (
        'href="/accounts/login/?next=/articles/the-future-of-nato/%23respond">Change</a>' in page
    )
    login_page = client.get("/accounts/login/", {"next": ESSAY_RESPOND})
    assert login_page.status_code == 200
    text = login_page.content.decode()
    assert "You are logged in as Ann Reader." in text
    assert "Log in with </span>WordPress.com" in text
    # log in with another provider: the new account replaces the old one
    flow = social_login(client, "wordpress_com", WORDPRESS_COM.answers)
    assert flow.callback["Location"] == ESSAY_RESPOND
    page = client.get(essay.get_absolute_url()).content.decode()
    assert "You are commenting using your WordPress.com account (Wendy Press)." in page


def test_provider_refusing_the_code_shows_an_error_and_logs_no_one_in(client, essay):
    answers = {**WORDPRESS_COM.answers, WORDPRESS_COM.token: (400, {"error": "invalid_grant"})}
    flow = social_login(client, "wordpress_com", answers)
    assert flow.callback.status_code == 401
    page = flow.callback.content.decode()
    assert "Log-in failed" in page
    assert 'class="site-header' in page  # the site's own chrome
    assert f'<a href="{ESSAY_RESPOND}">Back to where you were</a>' in page
    assert get_user_model().objects.count() == 0


def test_profile_endpoint_failing_shows_an_error(client, essay):
    answers = {**WORDPRESS_COM.answers, WORDPRESS_COM.profile: (500, {"error": "oops"})}
    flow = social_login(client, "wordpress_com", answers)
    assert "Log-in failed" in flow.callback.content.decode()
    assert get_user_model().objects.count() == 0


def test_cancelling_at_the_provider(client, essay):
    start = click_icon(client, "facebook")
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    response = client.get(
        "/accounts/facebook/login/callback/",
        {"error": "access_denied", "state": state},
        follow=True,
    )
    assert response.redirect_chain == [(ESSAY_RESPOND, 302)]
    page = response.content.decode()
    assert "You did not log in with Facebook." in page
    assert "Fill in your details below or click an icon to log in:" in page
    assert get_user_model().objects.count() == 0


def test_cancelling_without_a_place_to_return_to(client, essay):
    start = client.post("/accounts/facebook/login/", {"process": "login"})
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    response = client.get(
        "/accounts/facebook/login/callback/",
        {"error": "access_denied", "state": state},
        follow=True,
    )
    assert "Log-in cancelled" in response.content.decode()


def test_a_callback_without_state_is_refused(client, essay):
    response = Client().get("/accounts/facebook/login/callback/", {"code": "stolen"})
    assert "Log-in failed" in response.content.decode()
    assert get_user_model().objects.count() == 0


def test_log_in_url_opened_with_get_asks_to_continue(client, essay):
    response = client.get("/accounts/facebook/login/", {"next": ESSAY_RESPOND})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Log in with Facebook" in page
    assert 'method="post"' in page


def test_a_silhouette_is_no_avatar(client, essay):
    profile = dict(FACEBOOK.answers[FACEBOOK.profile])
    profile["picture"] = {"data": {"url": "https://fb.example/grey.png", "is_silhouette": True}}
    answers = {**FACEBOOK.answers, FACEBOOK.profile: profile}
    social_login(client, "facebook", answers)
    page = client.get(essay.get_absolute_url()).content.decode()
    assert "You are commenting using your Facebook account (Ann Reader)." in page
    assert "fb.example" not in page
