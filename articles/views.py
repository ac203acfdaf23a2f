from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.generic import DetailView, ListView

from natoblog import splice
from pagecache import cache as page_cache
from pagecache.data import kept

from .models import Article, Author

# Jinja2 (articles/jinja2/): the page every reader gets; it shows its comments with
# comment_section(article) (comments/jinja.py).
TEMPLATE = "articles/article_detail.html"


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().select_related("author")


class ArticleDetailView(DetailView):
    template_name = TEMPLATE
    context_object_name = "article"

    def get_queryset(self):
        articles = Article.objects.select_related("author")
        if self.request.user.is_staff:
            return articles  # staff preview drafts and scheduled articles
        return articles.published()

    def get_object(self, queryset=None):
        """The article, with its author: read once per process for each version of its pages
        (pagecache.data, the group named by its slug: as fresh as the cached page), and shown
        to readers only while published (``is_published``, now: a scheduled article appears
        when its time comes, without a change to tell the cache). Staff read it each time."""
        if queryset is not None or self.request.user.is_staff:
            return super().get_object(queryset)
        slug = self.kwargs["slug"]
        article = kept(slug, ("article", slug), lambda: self._by_slug(slug), self.request)
        if article is None or not article.is_published:
            raise Http404("No such article.")
        return article

    @staticmethod
    def _by_slug(slug):
        return Article.objects.select_related("author").filter(slug=slug).first()

    def get(self, request, *args, **kwargs):
        """Anonymous readers share one cached page (pagecache); others get theirs."""
        if page_cache.is_plain(request):
            return page_cache.serve(
                request,
                kwargs["slug"],  # the article's pages are the group named by its slug
                lambda: super(ArticleDetailView, self).get(request, *args, **kwargs),
            )
        response = super().get(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_cache=True)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not self.object.is_published
        context["comment_page_number"] = self.kwargs.get("cpage", 1)
        if page_cache.is_plain(self.request):  # the page every anonymous reader gets
            # Nothing of any reader in it: no CSRF token in its forms (README, "Per-reader
            # bytes"); its templates leave csrf_input out when they see this.
            context["shared_page"] = True
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response.add_post_render_callback(splice.fill)  # the comment list (natoblog/splice.py)
        if context["is_preview"]:
            add_never_cache_headers(response)
        return response


def render_article(request, article, context=None, status=200):
    """The page of a published article, rendered for this request with extra ``context``: how
    another app answers with the article's page (the comment form sent back with its errors)."""
    context = {"article": article, "object": article, "is_preview": False, **(context or {})}
    response = splice.fill(render(request, TEMPLATE, context, status=status), request)
    patch_cache_control(response, private=True, no_cache=True)
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
