from django.urls import path

from . import views

app_name = "subscriptions"

# Under /comments/subscriptions/ (natoblog/urls.py), where links in mails already sent point.
urlpatterns = [
    path("confirm/<str:token>/", views.confirm_subscription, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("manage/<str:token>/", views.manage_subscriptions, name="manage"),
    path("follow/", views.follow, name="follow"),
]
