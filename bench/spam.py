"""``make bench-spam``: the spam filter on real comment spam (../shared/data/spam/, the YouTube
Spam Collection), a video it has not seen at a time.

For each file in turn: forget everything, seed the filter from the other three files with
``manage.py train_spam_filter --from-csv`` (what a moderator's decision learns, row by row),
then score the held-out file's comments as new comments with ``manage.py spam_report --json``.
Per file and averaged: precision, recall, F1 and the false-positive rate at the default
thresholds; in the same run the site's rules without the classifier (comments.moderation's
decision with the filter off), the learning curve (the average F1 after 25, 50, 100, 200 and
all training decisions, in a shuffled order), which of the naive Bayes' features help (each
kind left out in turn), the two models alone and together (and with the threshold chosen on
the training videos only), the scoring time per comment, and the size the dependencies add
to the virtualenv.
On a throwaway SQLite database; prints a Markdown table (README, "Spam filter") and writes
bench/spam_results.json. ``--database-url URL`` runs it on that database instead (a scratch
one: the filter's tables are reset, and left with the last model learnt) and writes
bench/spam_results_<vendor>.json (``make bench-spam BENCH_ARGS="--database-url
postgres://..."``).
"""

import argparse
import csv
import io
import json
import os
import random
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("NATOBLOG_SHARED_DATA") or ROOT.parent / "shared" / "data") / "spam"
CURVE = [25, 50, 100, 200, None]
REPEAT = 3  # timed passes over each held-out file (the best is reported)
# What the optional Akismet client adds (certifi and idna were there already, for requests).
AKISMET_DISTRIBUTIONS = ["akismet", "httpx", "httpcore", "h11", "anyio", "sniffio"]
DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def models_compared(files):
    from bench.spam_models import models_compared as compare  # ROOT is on the path (setup)

    return compare(files)


def setup(folder, database_url=None):
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("AKISMET_API_KEY", None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="natoblog.settings",
        SQLITE_PATH=str(Path(folder) / "bench-spam.sqlite3"),
        DJANGO_LOG_LEVEL="WARNING",
    )
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def command(*args):
    from django.core.management import call_command

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def train(files, limit=None):
    for n, path in enumerate(files):
        extra = ["--limit", str(limit)] if limit is not None else []
        command(
            "train_spam_filter", "--from-csv", str(path), *(["--reset"] if n == 0 else []), *extra
        )


def filter_figures(held_out, repeat=1):
    """spam_report's figures; with ``repeat``, its best scoring time of that many runs."""
    runs = [
        json.loads(command("spam_report", "--csv", str(held_out), "--json")) for _ in range(repeat)
    ]
    return {**runs[0], "ms_per_comment": min(run["ms_per_comment"] for run in runs)}


def rules_figures(held_out, **changes):
    """The one moderation decision on each row as a new comment, the filter off: caught = not
    approved (held or spam)."""
    from comments.models import Comment, DiscussionSettings
    from comments.moderation import decide
    from spamfilter.labelled import figures, read
    from spamfilter.models import FilterSettings

    rules = DiscussionSettings.load()
    FilterSettings.load(rules)
    FilterSettings.objects.update(enabled=changes.pop("spam_filter", False))
    for name, value in changes.items():
        setattr(rules, name, value)
    rows = read(held_out)
    timings = []
    for _ in range(REPEAT):  # the best of a few passes: the machine is shared
        started = time.perf_counter()
        caught = [decide(row.comment, rules).status != Comment.Status.APPROVED for row in rows]
        timings.append(1000 * (time.perf_counter() - started) / len(rows))
    result = figures(caught, [row.spam for row in rows])
    result["ms_per_comment"] = min(timings)
    FilterSettings.objects.update(enabled=True)
    return result


def shuffled(files, folder):
    """The rows of ``files`` in one file, in a fixed random order (both kinds early on)."""
    rows = []
    for path in files:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames
            rows += list(reader)
    random.Random(16).shuffle(rows)
    target = Path(folder) / "shuffled.csv"
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return target


def size_of(names):
    total = 0
    for name in names:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            continue
        total += sum(f.size or 0 for f in files)
    return total


def ablation(files):
    """Which features help: the same leave-one-video-out, in memory (the pure functions of
    spamfilter.features and spamfilter.classifier, no database), each variant leaving one
    kind of token out (and one combining as SpamBayes does). Average F1 and false-positive
    rate at the default hold threshold."""
    from collections import Counter

    from spamfilter import classifier, features
    from spamfilter.labelled import figures, read

    variants = {
        "all features": lambda t: t,
        "without pairs of words": lambda t: {x for x in t if " " not in x},
        "without the name": lambda t: {x for x in t if not x.startswith("name:")},
        "without links (domains, count, shape)": lambda t: {
            x for x in t if not x.startswith(("url:", "links:", "urldepth:", "urlquery"))
        },
        "without the links' shape (depth, query)": lambda t: {
            x for x in t if not x.startswith(("urldepth:", "urlquery"))
        },
        # the combining as SpamBayes does it: tokens in 0.4-0.6 left out
        "all features, tokens in 0.4-0.6 left out": lambda t: t,
    }
    strength = {"all features, tokens in 0.4-0.6 left out": 0.1}
    rows = {path: read(path) for path in files}
    tokens = {
        id(row): features.tokens(row.comment.body, row.comment.author_name)
        for path in files
        for row in rows[path]
    }
    out = {}
    default_strength = classifier.MINIMUM_PROB_STRENGTH
    for name, keep in variants.items():
        classifier.MINIMUM_PROB_STRENGTH = strength.get(name, default_strength)
        results = []
        for held_out in files:
            spam, ham, nspam, nham = Counter(), Counter(), 0, 0
            for path in files:
                if path == held_out:
                    continue
                for row in rows[path]:
                    if row.spam:
                        spam.update(keep(tokens[id(row)]))
                        nspam += 1
                    else:
                        ham.update(keep(tokens[id(row)]))
                        nham += 1
            predicted = []
            for row in rows[held_out]:
                found = keep(tokens[id(row)])
                counts = {t: (spam[t], ham[t]) for t in found}
                predicted.append(classifier.score(counts, nspam, nham).probability >= 0.9)
            results.append(figures(predicted, [row.spam for row in rows[held_out]]))
        out[name] = {k: average(results, k) for k in ("f1", "false_positive_rate")}
    classifier.MINIMUM_PROB_STRENGTH = default_strength
    return out


def average(results, key):
    return sum(r[key] for r in results) / len(results)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        help="a scratch database to run on instead of a throwaway SQLite one (its spam "
        "filter tables are reset)",
    )
    args = parser.parse_args()
    files = sorted(DATA.glob("*.csv"))
    if len(files) < 2:
        sys.exit(f"make bench-spam needs the labelled files in {DATA} (see ../shared/data)")
    with tempfile.TemporaryDirectory() as folder:
        setup(folder, args.database_url)
        from django.db import connection

        vendor = connection.vendor
        per_file, curve = [], {}
        for held_out in files:
            others = [f for f in files if f != held_out]
            print(f"==> {held_out.name}: learning the other {len(others)} files", flush=True)
            train(others)
            per_file.append(
                {
                    "file": held_out.name,
                    "filter": filter_figures(held_out, repeat=REPEAT),
                    "rules": rules_figures(held_out),
                    "rules_no_previous_approval": rules_figures(
                        held_out, require_previous_approval=False
                    ),
                    "rules_no_previous_approval_with_filter": rules_figures(
                        held_out, require_previous_approval=False, spam_filter=True
                    ),
                }
            )
            mixed = shuffled(others, folder)
            for size in CURVE:
                command(
                    "train_spam_filter",
                    "--reset",
                    "--from-csv",
                    str(mixed),
                    *(["--limit", str(size)] if size else []),
                )
                curve.setdefault(size or "all", []).append(filter_figures(held_out))
    results = {
        "database": vendor,
        "files": per_file,
        "curve": {
            str(size): {
                "f1": average(points, "f1"),
                "false_positive_rate": average(points, "false_positive_rate"),
                "learnt": points[0]["learnt"],
                "deciding": all(p["deciding"] for p in points),
            }
            for size, points in curve.items()
        },
        "features": ablation(files),
        "models": models_compared(files),  # bench/spam_models.py
        "dependency_bytes": {"classifier": 0, "akismet": size_of(AKISMET_DISTRIBUTIONS)},
    }
    name = "spam_results.json" if vendor == "sqlite" else f"spam_results_{vendor}.json"
    (ROOT / "bench" / name).write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))


def line(name, results):
    cells = [
        f"{r['precision']:.3f} / {r['recall']:.3f} / {r['f1']:.3f} / "
        f"{r['false_positive_rate']:.3f}"
        for r in results
    ]
    avg = {k: average(results, k) for k in ("precision", "recall", "f1", "false_positive_rate")}
    return (
        f"| {name} | " + " | ".join(cells) + f" | **{avg['precision']:.3f} / "
        f"{avg['recall']:.3f} / {avg['f1']:.3f} / {avg['false_positive_rate']:.3f}** |"
    )


def table(results):
    files = results["files"]
    head = (
        "| precision / recall / F1 / FPR | "
        + " | ".join(f["file"].removesuffix(".csv") for f in files)
        + " | average |"
    )
    rows = [
        head,
        "|" + "---|" * (len(files) + 2),
        line(
            f"filter: held or spam (p ≥ {files[0]['filter']['hold_threshold']:.2f})",
            [f["filter"] for f in files],
        ),
        line("filter: sent to spam (p ≥ 0.99)", [f["filter"]["sent_to_spam"] for f in files]),
        line("rules alone (defaults)", [f["rules"] for f in files]),
        line(
            "rules alone, no previous-approval rule",
            [f["rules_no_previous_approval"] for f in files],
        ),
        line(
            "the same rules + filter", [f["rules_no_previous_approval_with_filter"] for f in files]
        ),
    ]
    curve = [
        "",
        "| training decisions | " + " | ".join(results["curve"]) + " |",
        "|" + "---|" * (len(results["curve"]) + 1),
        "| average F1 | " + " | ".join(f"{p['f1']:.3f}" for p in results["curve"].values()) + " |",
        "| average FPR | "
        + " | ".join(f"{p['false_positive_rate']:.3f}" for p in results["curve"].values())
        + " |",
        "| decides (≥ 20 of each) | "
        + " | ".join("yes" if p["deciding"] else "no" for p in results["curve"].values())
        + " |",
    ]
    features = [
        "",
        "| naive Bayes features (in memory, its p ≥ 0.90) | average F1 | average FPR |",
        "|---|---|---|",
        *(
            f"| {name} | {p['f1']:.3f} | {p['false_positive_rate']:.3f} |"
            for name, p in results["features"].items()
        ),
    ]
    models = [
        "",
        "| models (in memory) | precision / recall / F1 / FPR, averaged |",
        "|---|---|",
        *(
            f"| {name} | {p['precision']:.3f} / {p['recall']:.3f} / {p['f1']:.3f} / "
            f"{p['false_positive_rate']:.3f} |"
            for name, p in results["models"].items()
        ),
    ]
    ms = average([f["filter"] for f in files], "ms_per_comment")
    decide_ms = average(
        [f["rules_no_previous_approval_with_filter"] for f in files], "ms_per_comment"
    )
    sizes = results["dependency_bytes"]
    database = DATABASES.get(results["database"], results["database"])
    tail = [
        "",
        f"Scoring (best of {REPEAT} passes): {ms:.2f} ms per comment (the whole moderation "
        f"decision with the filter: {decide_ms:.2f} ms), {database}.",
        f"Added to the virtualenv: classifier {sizes['classifier']} bytes (pure Python); "
        f"the optional Akismet client {sizes['akismet'] / 1e6:.1f} MB "
        f"({', '.join(AKISMET_DISTRIBUTIONS)}).",
    ]
    return "\n".join(rows + curve + features + models + tail)


if __name__ == "__main__":
    main()
