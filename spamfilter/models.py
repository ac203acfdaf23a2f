"""The spam filter's model, in the database (every app server shares it; a backup carries it):
how many spam and legitimate ("ham") decisions each token was seen in, the totals, and what
the filter made of each comment. Nothing is pickled: counts only, updated atomically."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comments.models import Comment, DiscussionSettings


class Token(models.Model):
    token = models.CharField(_("token"), max_length=100, primary_key=True)
    spam = models.PositiveIntegerField(_("spam decisions"), default=0)
    ham = models.PositiveIntegerField(_("legitimate decisions"), default=0)

    class Meta:
        verbose_name = _("spam filter token")
        verbose_name_plural = _("spam filter tokens")

    def __str__(self):
        return self.token


class Weight(models.Model):
    """The linear SVM's weight of one token, times its idf (spamfilter/linear.py): each
    moderator decision adds one step to its tokens' weights (an atomic increment),
    ``train_spam_filter`` re-fits them all from every decision."""

    token = models.CharField(_("token"), max_length=100, primary_key=True)
    weight = models.FloatField(_("weight"), default=0.0)

    class Meta:
        verbose_name = _("spam filter weight")
        verbose_name_plural = _("spam filter weights")

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
    # the linear SVM's step learnt from it (spamfilter/linear.py), taken back as is
    step = models.FloatField(default=0.0)

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
    # its tokens, for train_spam_filter's re-fit of the weights from every decision
    tokens = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("spam filter seed")
        verbose_name_plural = _("spam filter seeds")

    def __str__(self):
        return self.key


class FilterSettings(models.Model):
    """The filter's switch and thresholds, edited by moderators on the Discussion settings
    page (an inline there: spamfilter/admin.py). One row, beside DiscussionSettings' one."""

    discussion = models.OneToOneField(
        DiscussionSettings,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="spam_filter",
        editable=False,
    )
    enabled = models.BooleanField(
        _("spam filter"),
        default=True,
        help_text=_(
            "Score each new comment with the filter that learns from the moderators' "
            "decisions (and Akismet, when configured)."
        ),
    )
    spam_threshold = models.FloatField(
        _("spam at this probability"),
        default=0.99,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("A comment scored at or above this goes to spam (0 to 1)."),
    )
    # 0.95: the hold threshold chosen on the training videos of make bench-spam (README)
    hold_threshold = models.FloatField(
        _("hold at this probability"),
        default=0.95,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("A comment scored at or above this waits in the queue (0 to 1)."),
    )

    class Meta:
        verbose_name = _("spam filter settings")
        verbose_name_plural = _("spam filter settings")

    def __str__(self):
        return gettext("Spam filter settings")

    def clean(self):
        if self.hold_threshold > self.spam_threshold:
            raise ValidationError(
                {
                    "hold_threshold": _(
                        "The hold threshold cannot be above the spam threshold (a comment "
                        "sure enough to go to spam is also held)."
                    )
                }
            )

    @classmethod
    def load(cls, rules=None):
        rules = rules or DiscussionSettings.load()
        return cls.objects.get_or_create(discussion=rules)[0]
