import pytest

from comments.models import Comment
from spamfilter import store
from tests.factories import CommentFactory

SPAM_TEXTS = [
    "check out my channel and subscribe free money http://cheap-pills.example/win",
    "subscribe to my channel please check out my video http://promo.example/",
    "free gift cards click here http://cheap-pills.example/gift subscribe",
    "make money online from home check out http://promo.example/money",
]
HAM_TEXTS = [
    "the alliance must adapt its posture to deterrence in the east",
    "burden sharing among members remains contested after the summit",
    "a thoughtful essay on defence spending and the eastern flank",
    "I disagree with the part about enlargement, the treaty says otherwise",
]


def teach(spam=20, ham=20):
    """Teach the filter ``spam`` spam and ``ham`` legitimate decisions (the texts above)."""
    from comments.models import Comment

    for n in range(spam):
        comment = Comment(body=SPAM_TEXTS[n % len(SPAM_TEXTS)], author_name="Promo Bot")
        store.learn(store.comment_tokens(comment), store.SPAM)
    for n in range(ham):
        comment = Comment(body=HAM_TEXTS[n % len(HAM_TEXTS)], author_name="Ann Reader")
        store.learn(store.comment_tokens(comment), store.HAM)


@pytest.fixture
def trained(db):
    """A filter that has learnt enough to decide (20 of each kind)."""
    teach()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what waits for the transaction to commit (the signals the filter learns from)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def held(essay):
    """A comment that looks like spam, waiting in the moderation queue."""
    return CommentFactory(
        article=essay,
        status=Comment.Status.PENDING,
        author_name="Promo Bot",
        author_email="bot@spam.example",
        body="Check out my channel http://promo.example/",
    )
