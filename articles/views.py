from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.generic import DetailView, ListView

from comments.forms import SHARED_FORM_VALUES
from comments.models import comments_close_at
from comments.views import comment_section, with_comment_list

from . import cache as page_cache
from .models import Article, Author


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().select_related("author")


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        articles = Article.objects.select_related("author")
        if self.request.user.is_staff:
            return articles  # staff preview drafts and scheduled articles
        return articles.published()

    def get(self, request, *args, **kwargs):
        """Anonymous readers share one cached page (articles/cache.py); others get theirs."""
        if page_cache.is_plain(request):
            return page_cache.serve(
                request,
                kwargs["slug"],
                lambda: super(ArticleDetailView, self).get(request, *args, **kwargs),
                fresh=SHARED_FORM_VALUES,
            )
        response = super().get(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_cache=True)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not self.object.is_published
        shared = page_cache.is_plain(self.request)  # the page every anonymous reader gets
        cpage = self.kwargs.get("cpage", 1)
        context.update(comment_section(self.request, self.object, cpage, shared=shared))
        if shared:
            context["csrf_token"] = page_cache.CSRF_PLACEHOLDER  # each reader's, per response
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response.add_post_render_callback(lambda response: with_comment_list(response, context))
        if context["is_preview"]:
            add_never_cache_headers(response)
        elif context["comments_open"]:
            response.page_cache_until = comments_close_at(self.object)  # the form goes then
        return response


class AuthorDetailView(ListView):
    template_name = "articles/author_detail.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return self.author.articles.published()

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)
