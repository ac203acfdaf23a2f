from django.urls import path

from . import feeds, own_views, views

app_name = "comments"

urlpatterns = [
    path("post/<slug:slug>/", views.post_comment, name="post"),
    path("<int:pk>/", views.permalink, name="permalink"),
    path("find/<slug:slug>/comment-<int:number>/", views.find_anchor, name="find-anchor"),
    path("timestamp/", views.form_timestamp, name="timestamp"),
    path("<int:pk>/edit/", own_views.edit_comment, name="edit"),
    path("<int:pk>/delete/", own_views.delete_comment, name="delete"),
    path("preview/", own_views.preview_comment, name="preview"),
    path("feed/", feeds.SiteCommentsFeed(), name="feed"),
    path("feed/atom/", feeds.SiteCommentsAtomFeed(), name="feed-atom"),
    path("report/", views.report_comment, name="report"),
    # the Approve / Spam / Trash links of moderation mails
    path("moderate/<str:token>/", views.moderate, name="moderate"),
]
