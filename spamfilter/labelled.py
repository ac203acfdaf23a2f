"""Labelled comments from a CSV file (the YouTube Spam Collection's columns:
``COMMENT_ID,AUTHOR,DATE,CONTENT,label``, label 1 spam / 0 legitimate; ``CLASS`` is accepted for
``label``), as unsaved comments; and the figures a labelled file gives a filter."""

import csv
from dataclasses import dataclass

from django.utils.translation import gettext as _

from comments.models import Comment

REQUIRED = ("AUTHOR", "CONTENT")


class LabelledFileError(ValueError):
    pass


@dataclass(frozen=True)
class Row:
    key: str  # what identifies the row (its COMMENT_ID, else its line)
    comment: Comment  # unsaved
    spam: bool


def read(path):
    """The rows of a labelled file, or LabelledFileError saying what is wrong."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            label = "label" if "label" in columns else "CLASS" if "CLASS" in columns else None
            missing = [c for c in REQUIRED if c not in columns] + ([] if label else ["label"])
            if missing:
                raise LabelledFileError(
                    _("%(file)s: missing column(s) %(columns)s (expected %(expected)s)")
                    % {
                        "file": path,
                        "columns": ", ".join(missing),
                        "expected": "COMMENT_ID,AUTHOR,DATE,CONTENT,label",
                    }
                )
            rows = []
            for line, record in enumerate(reader, start=2):
                value = (record.get(label) or "").strip()
                if value not in {"0", "1"}:
                    raise LabelledFileError(
                        _("%(file)s, line %(line)d: the label must be 0 or 1, not “%(value)s”")
                        % {"file": path, "line": line, "value": value}
                    )
                comment = Comment(author_name=record["AUTHOR"] or "", body=record["CONTENT"] or "")
                key = (record.get("COMMENT_ID") or "").strip() or f"{path}:{line}"
                rows.append(Row(key, comment, value == "1"))
            return rows
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise LabelledFileError(f"{path}: {error}") from error


def figures(predicted, actual):
    """Precision, recall, F1 and the false-positive rate of spam predictions (lists of bools),
    with the counts."""
    pairs = list(zip(predicted, actual, strict=True))
    tp = sum(1 for p, a in pairs if p and a)
    fp = sum(1 for p, a in pairs if p and not a)
    fn = sum(1 for p, a in pairs if not p and a)
    tn = sum(1 for p, a in pairs if not p and not a)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "false_positive_rate": fp / (fp + tn) if fp + tn else 0.0,
        "spam": tp + fn,
        "legitimate": fp + tn,
        "caught": tp,
        "legitimate_caught": fp,
    }
