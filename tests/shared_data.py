"""The real files other projects made (../shared/data beside the repository: WordPress and
Disqus exports, labelled comment spam; see its README). Tests read them at run time and skip,
saying so, when they are absent; they are never copied into the repository.
NATOBLOG_SHARED_DATA names another folder."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("NATOBLOG_SHARED_DATA") or ROOT.parent / "shared" / "data")


def shared_file(*parts):
    """The path of a shared data file, or skip the test (with the path it looked for)."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data absent: {path} (set NATOBLOG_SHARED_DATA)")
    return path


def shared_files(folder, pattern="*"):
    """Every file of a shared data folder, sorted, or skip the test."""
    files = sorted(shared_file(folder).glob(pattern))
    if not files:
        pytest.skip(f"no {pattern} in {SHARED_DATA / folder}")
    return files
