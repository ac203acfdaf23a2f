"""How the filter does on a labelled file, scored as new comments are (nothing stored, nothing
learnt): manage.py spam_report, and make bench-spam."""

import time

from . import store
from .check import probability_of
from .labelled import figures
from .models import FilterSettings


def report(rows, rules=None):
    """The figures at the Discussion settings' thresholds: "caught" (held or sent to spam:
    probability ≥ the hold threshold) at the top level, "sent_to_spam" (≥ the spam threshold)
    beside them, and the scoring time per comment. ``rules``: FilterSettings (default: the
    site's)."""
    rules = rules or FilterSettings.load()
    probabilities = []
    started = time.perf_counter()
    for row in rows:
        probability, _ = probability_of(row.comment)
        probabilities.append(0.5 if probability is None else probability)
    elapsed = time.perf_counter() - started
    actual = [row.spam for row in rows]
    nspam, nham = store.totals()
    return {
        **figures([p >= rules.hold_threshold for p in probabilities], actual),
        "sent_to_spam": figures([p >= rules.spam_threshold for p in probabilities], actual),
        "hold_threshold": rules.hold_threshold,
        "spam_threshold": rules.spam_threshold,
        "rows": len(rows),
        "ms_per_comment": 1000 * elapsed / len(rows) if rows else 0.0,
        "learnt": {"spam": nspam, "ham": nham},
        "deciding": store.is_ready(nspam, nham),
    }
