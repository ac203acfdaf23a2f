from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("post/<slug:slug>/", views.post_comment, name="post"),
    path("<int:pk>/", views.permalink, name="permalink"),
    path("timestamp/", views.form_timestamp, name="timestamp"),
    path("report/", views.report_comment, name="report"),
    # the Approve / Spam / Trash links of moderation mails
    path("moderate/<str:token>/", views.moderate, name="moderate"),
]
