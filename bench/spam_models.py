"""``make bench-spam``'s comparison of the spam filter's two models (bench/spam.py): the naive
Bayes alone, the linear SVM alone (what decides) and the two's log-odds added, in memory, on the
same leave-one-video-out; and the SVM with its threshold chosen on the training videos only."""

import math

FIGURES = ("precision", "recall", "f1", "false_positive_rate")


def logit(p):
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def average(results, key):
    return sum(r[key] for r in results) / len(results)


def models_compared(files, most_fp=0.02):
    """The two models alone and together, the same leave-one-video-out in memory (the pure
    functions of spamfilter.linear and spamfilter.classifier): average F1 and false-positive
    rate at the hold threshold; and the SVM (the filter's probability) with its threshold
    chosen on the training videos only (an inner leave-one-video-out over the three: the
    highest average F1 with an average false-positive rate <= ``most_fp``), never on the
    held-out one."""
    from collections import Counter

    from spamfilter import classifier, linear
    from spamfilter.labelled import figures, read
    from spamfilter.models import FilterSettings

    hold = FilterSettings._meta.get_field("hold_threshold").default
    rows = {path: read(path) for path in files}
    tokens = {
        id(row): sorted(linear.tokens(row.comment.body, row.comment.author_name))
        for path in files
        for row in rows[path]
    }

    def scorer(train):
        examples = [(tokens[id(row)], row.spam) for row in train]
        weights, df = linear.fit(examples), linear.frequencies(examples)
        spam, ham = Counter(), Counter()
        for row in train:
            (spam if row.spam else ham).update(linear.bayes_tokens(tokens[id(row)]))
        nspam = sum(row.spam for row in train)
        nham = len(train) - nspam

        def score(row):
            found = tokens[id(row)]
            counts = {t: (spam[t], ham[t]) for t in linear.bayes_tokens(found)}
            bayes = classifier.score(counts, nspam, nham, explain=0).probability
            svm = linear.probability(weights, found, df, len(examples))
            return {
                "naive Bayes alone": bayes,
                "both (log-odds added)": linear.sigmoid(logit(bayes) + logit(svm)),
                "linear SVM alone (the filter)": svm,
            }

        return score

    def leave_one_out(videos):
        """Each video's scores (as the dicts above) with the others learnt."""
        out = {}
        for held_out in videos:
            score = scorer([row for path in videos if path != held_out for row in rows[path]])
            out[held_out] = [score(row) for row in rows[held_out]]
        return out

    def at(scores, videos, name, threshold):
        return [
            figures([s[name] >= threshold for s in scores[path]], [row.spam for row in rows[path]])
            for path in videos
        ]

    outer = leave_one_out(files)
    names = list(next(iter(outer.values()))[0])
    out = {}
    for name, threshold in [*((name, hold) for name in names), (names[-1], 0.9)]:
        results = at(outer, files, name, threshold)
        out[f"{name}, p ≥ {threshold:.2f}"] = {k: average(results, k) for k in FIGURES}
    grid = [n / 100 for n in range(50, 100)] + [0.995]
    chosen, results = [], []
    both = names[-1]  # the SVM
    for held_out in files:
        others = [path for path in files if path != held_out]
        inner = leave_one_out(others)
        fine = [
            (average(at(inner, others, both, t), "f1"), t)
            for t in grid
            if average(at(inner, others, both, t), "false_positive_rate") <= most_fp
        ]
        threshold = max(fine)[1] if fine else grid[-1]
        chosen.append(threshold)
        results += at(outer, [held_out], both, threshold)
    out[f"{both}, threshold from the training videos ({', '.join(map(str, chosen))})"] = {
        k: average(results, k) for k in FIGURES
    }
    return out
