"""The filter explained in the admin: the score in the queue (sortable, filterable), the
comment's page showing the probability and the tokens that pushed it most both ways, and the
list saying when the filter does not decide yet."""

import re

from django.urls import reverse

from comments.models import Comment
from spamfilter import features
from spamfilter.models import FilterSettings, Verdict

from .conftest import HAM_TEXTS, SPAM_TEXTS, teach

S = Comment.Status
CHANGELIST = "/admin/comments/comment/"


def post(essay, body, name="Visitor", email="v@example.com"):
    return Comment.objects.create(article=essay, body=body, author_name=name, author_email=email)


def order_in(page, *bodies):
    return sorted(bodies, key=page.index)


def test_the_queue_shows_sorts_and_filters_by_probability(moderator_client, essay):
    teach(spam=19, ham=20)  # scores, decides nothing: everything stays pending
    spam = post(essay, SPAM_TEXTS[0], "Promo Bot")
    ham = post(essay, HAM_TEXTS[0], "Ann Reader")
    p_spam = Verdict.objects.get(comment=spam).score
    p_ham = Verdict.objects.get(comment=ham).score
    page = moderator_client.get(CHANGELIST).content.decode()
    assert ">Spam score<" in page
    cells = re.findall(r'<span class="spam-score">([0-9.]+)</span>', page)
    assert sorted(cells) == sorted([f"{int(p * 100) / 100:.2f}" for p in (p_spam, p_ham)])
    url = f"{CHANGELIST}?o={list_index() + 1}"  # sorted by probability, ascending
    ascending = moderator_client.get(url).content.decode()
    assert order_in(ascending, "Ann Reader", "Promo Bot") == ["Ann Reader", "Promo Bot"]
    descending = moderator_client.get(url.replace("o=", "o=-")).content.decode()
    assert order_in(descending, "Ann Reader", "Promo Bot") == ["Promo Bot", "Ann Reader"]
    high = moderator_client.get(CHANGELIST + "?spam_probability=0.99").content.decode()
    assert "Promo Bot" in high
    assert "Ann Reader" not in high
    low = moderator_client.get(CHANGELIST + "?spam_probability=0").content.decode()
    assert "Ann Reader" in low
    assert "Promo Bot" not in low


def list_index():
    from django.contrib import admin

    model_admin = admin.site._registry[Comment]
    return model_admin.get_list_display(None).index("spam_score")


def test_the_comment_page_explains_the_score_both_ways(moderator_client, essay):
    teach()
    comment = post(essay, SPAM_TEXTS[0] + " " + HAM_TEXTS[0], "Promo Bot")
    page = moderator_client.get(
        reverse("admin:comments_comment_change", args=[comment.pk])
    ).content.decode()
    score = Verdict.objects.get(comment=comment).score
    assert f"Spam probability when it was posted: {int(score * 100) / 100:.2f}" in page
    spammy = page.split("Towards spam:")[1].split("Towards legitimate:")[0]
    hammy = page.split("Towards legitimate:")[1].split("</ul>")[0]
    assert "<code>url:cheap-pills.example</code>" in spammy
    assert "<code>name:promo</code>" in spammy
    shown = re.findall(r"<code>([^<]+)</code>", hammy)
    assert len(shown) == 8
    assert set(shown) <= features.tokens(HAM_TEXTS[0])  # the legitimate half's words
    assert "The spam filter has learnt 20 spam and 20 legitimate decisions." in page


def test_the_list_says_when_the_filter_decides_nothing_yet(moderator_client, essay):
    teach(spam=3, ham=25)
    page = moderator_client.get(CHANGELIST).content.decode()
    assert (
        "The spam filter has learnt 3 spam and 25 legitimate decisions. It only records its "
        "score and decides nothing until it has 20 of each."
    ) in page
    teach(spam=17, ham=0)
    page = moderator_client.get(CHANGELIST).content.decode()
    assert "decides nothing until" not in page


def test_an_unscored_comment_shows_a_dash_and_its_filter(moderator_client, essay):
    from tests.factories import CommentFactory

    CommentFactory(article=essay, author_name="Imported Ida")
    page = moderator_client.get(CHANGELIST + "?spam_probability=none").content.decode()
    assert "Imported Ida" in page


def test_the_thresholds_and_switch_are_on_the_discussion_settings_page(moderator_client):
    url = reverse("admin:comments_discussionsettings_change", args=[1])
    page = moderator_client.get(url).content.decode()
    for field in ("enabled", "spam_threshold", "hold_threshold"):
        assert f'name="spam_filter-0-{field}"' in page
    data = {
        "disallowed_action": "spam",
        "link_limit": 2,
        "require_previous_approval": "on",
        "report_threshold": 3,
        "purge_after_days": 30,
        "comment_order": "oldest",
        "spam_filter-TOTAL_FORMS": 1,
        "spam_filter-INITIAL_FORMS": 1,
        "spam_filter-MIN_NUM_FORMS": 1,
        "spam_filter-MAX_NUM_FORMS": 1,
        "spam_filter-0-discussion": 1,
        "spam_filter-0-spam_threshold": "0.95",
        "spam_filter-0-hold_threshold": "0.97",
    }
    refused = moderator_client.post(url, data)
    assert refused.status_code == 200
    assert "The hold threshold cannot be above the spam threshold" in refused.content.decode()
    data["spam_filter-0-hold_threshold"] = "0.8"
    assert moderator_client.post(url, data).status_code == 302
    saved = FilterSettings.load()
    assert (saved.enabled, saved.spam_threshold, saved.hold_threshold) == (False, 0.95, 0.8)
