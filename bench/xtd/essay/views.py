from django.views.generic import DetailView

from essay.models import Article


class ArticleView(DetailView):
    model = Article
    template_name = "essay/article.html"


article = ArticleView.as_view()
