from django.urls import include, path
from essay.views import article

urlpatterns = [
    path("articles/<slug:slug>/", article, name="article"),
    path("comments/", include("django_comments_xtd.urls")),
]
