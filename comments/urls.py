from django.urls import path

from . import mail_views, views

app_name = "comments"

urlpatterns = [
    path("post/<slug:slug>/", views.post_comment, name="post"),
    path("<int:pk>/", views.permalink, name="permalink"),
    path("report/", views.report_comment, name="report"),
]

# Pages opened from links in mails, and the "Follow this blog" form (comments/mail_views.py).
urlpatterns += [
    path("moderate/<str:token>/", mail_views.moderate, name="moderate"),
    path(
        "subscriptions/confirm/<str:token>/",
        mail_views.confirm_subscription,
        name="subscription-confirm",
    ),
    path(
        "subscriptions/unsubscribe/<str:token>/",
        mail_views.unsubscribe,
        name="subscription-unsubscribe",
    ),
    path(
        "subscriptions/manage/<str:token>/",
        mail_views.manage_subscriptions,
        name="subscriptions-manage",
    ),
    path("subscriptions/follow/", mail_views.follow, name="follow"),
]
