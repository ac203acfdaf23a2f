"""The spam filter's model, in the database (every app server shares it; a backup carries it):
how many spam and legitimate ("ham") decisions each token was seen in, the totals, and what
the filter made of each comment. Nothing is pickled: counts only, updated atomically."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from comments.models import Comment


class Token(models.Model):
    token = models.CharField(_("token"), max_length=100, primary_key=True)
    spam = models.PositiveIntegerField(_("spam decisions"), default=0)
    ham = models.PositiveIntegerField(_("legitimate decisions"), default=0)

    class Meta:
        verbose_name = _("spam filter token")
        verbose_name_plural = _("spam filter tokens")

    def __str__(self):
        return self.token


class Totals(models.Model):
    """How many spam and legitimate decisions the filter has learnt (one row)."""

    spam = models.PositiveIntegerField(default=0)
    ham = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("spam filter totals")
        verbose_name_plural = _("spam filter totals")

    def __str__(self):
        return f"{self.spam} spam, {self.ham} ham"

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]


class Verdict(models.Model):
    """What the filter made of one comment: its score when it was posted, and what it learnt
    from it since (the tokens it learnt, so that a moderator changing their mind takes back
    exactly what was learnt)."""

    class Label(models.TextChoices):
        NONE = "", _("nothing")
        SPAM = "spam", _("spam")
        HAM = "ham", _("not spam")

    comment = models.OneToOneField(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="spam_verdict",
    )
    score = models.FloatField(_("spam probability"), null=True, blank=True, db_index=True)
    akismet = models.CharField(_("Akismet's answer"), max_length=20, blank=True)
    learnt_as = models.CharField(
        _("learnt as"), max_length=4, choices=Label.choices, blank=True, default=""
    )
    tokens = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("spam verdict")
        verbose_name_plural = _("spam verdicts")

    def __str__(self):
        return f"{self.comment_id}: {self.score}"


class Seed(models.Model):
    """A row of a labelled file the filter learnt (train_spam_filter --from-csv): learnt
    once, however often the command runs."""

    key = models.CharField(max_length=200, primary_key=True)
    learnt_as = models.CharField(max_length=4)

    class Meta:
        verbose_name = _("spam filter seed")
        verbose_name_plural = _("spam filter seeds")

    def __str__(self):
        return self.key
