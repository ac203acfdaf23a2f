"""The linear SVM (issue #16) reads its weights as weight * idf of its own tokens: the logistic
regression's weights mean nothing to it (its bias alone would score every comment alike), so
they are forgotten; the naive Bayes' counts stay. ``train_spam_filter --reset`` (and
``--from-csv`` again for labelled files) learns everything again with the new tokens (README,
"Spam filter")."""

from django.db import migrations


def forget_weights(apps, schema_editor):
    apps.get_model("spamfilter", "Weight").objects.all().delete()
    apps.get_model("spamfilter", "Verdict").objects.exclude(step=0).update(step=0)


class Migration(migrations.Migration):
    dependencies = [("spamfilter", "0002_linear_weights")]

    operations = [migrations.RunPython(forget_weights, migrations.RunPython.noop)]
