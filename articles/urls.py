from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="index"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path(
        "articles/<slug:slug>/comment-page-<int:cpage>/",
        views.ArticleDetailView.as_view(),
        name="detail-page",
    ),
    path("authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author"),
]
