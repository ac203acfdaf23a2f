"""Who reaches the moderation tools: the Moderators group, and nobody else."""

import pytest
from django.contrib.auth.models import Group

from tests.factories import CommentFactory, UserFactory


def test_group_exists_after_migrate(db):
    group = Group.objects.get(name="Moderators")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_comment", "change_comment", "delete_comment", "view_article"} <= codenames
    assert "change_article" not in codenames
    assert "change_user" not in codenames


def test_moderator_can_moderate(moderator_client, essay):
    comment = CommentFactory(article=essay, status="pending")
    assert moderator_client.get("/admin/comments/comment/").status_code == 200
    assert moderator_client.get(f"/admin/comments/comment/{comment.pk}/change/").status_code == 200
    assert moderator_client.get("/admin/comments/discussionsettings/1/change/").status_code == 200


def test_moderator_reads_but_cannot_edit_articles(moderator_client, essay):
    page = moderator_client.get(f"/admin/articles/article/{essay.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # view-only
    response = moderator_client.post(
        f"/admin/articles/article/{essay.pk}/change/", {"title": "Hijacked"}
    )
    assert response.status_code == 403
    essay.refresh_from_db()
    assert essay.title != "Hijacked"
    assert moderator_client.get("/admin/articles/article/add/").status_code == 403


@pytest.mark.parametrize(
    "url", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"]
)
def test_moderator_cannot_reach_users(moderator_client, url):
    assert moderator_client.get(url).status_code == 403


def test_non_staff_user_reaches_no_admin(client, essay):
    user = UserFactory(username="reader", email="r@example.com")
    client.force_login(user)
    for url in ["/admin/", "/admin/comments/comment/", "/admin/articles/article/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_anonymous_visitor_reaches_no_admin(client, db):
    response = client.get("/admin/comments/comment/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
