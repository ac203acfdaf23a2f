"""Helpers of the moving tests: run the import commands as an owner would, and read a WXR
file independently of the importer (ElementTree, whole file) to know what it holds."""

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from django.core.management import call_command

DATA = Path(__file__).resolve().parents[1] / "data"
WORDPRESS_EDGES = DATA / "wordpress" / "edge-cases.xml"
DISQUS_EDGES = DATA / "disqus" / "edge-cases.xml"
STATUS = {"1": "approved", "0": "pending", "spam": "spam", "trash": "trash"}
STATUS["post-trashed"] = "trash"


def run(command, *args):
    """Run a management command; its output."""
    out = io.StringIO()
    call_command(command, *[str(arg) for arg in args], stdout=out, stderr=io.StringIO())
    return out.getvalue()


def wxr_posts(path):
    """{post_id: {"slug", "status", "comments": {id: (status, kind, parent)}}} of the items
    whose wp:post_type is post, read with ElementTree (namespaces of any WXR version)."""
    root = ET.parse(path).getroot()
    uri = next(
        u for u in re.findall(r'xmlns:wp="([^"]+)"', Path(path).read_text()) if "export" in u
    )

    def wp(tag):
        return f"{{{uri}}}{tag}"

    posts = {}
    for item in root.iter("item"):
        if (item.findtext(wp("post_type")) or "").strip() != "post":
            continue
        comments = {}
        for comment in item.findall(wp("comment")):
            kind = (comment.findtext(wp("comment_type")) or "").strip() or "comment"
            if kind == "note":
                continue
            comments[comment.findtext(wp("comment_id")).strip()] = (
                STATUS[comment.findtext(wp("comment_approved")).strip()],
                kind,
                (comment.findtext(wp("comment_parent")) or "0").strip(),
            )
        posts[item.findtext(wp("post_id")).strip()] = {
            "slug": (item.findtext(wp("post_name")) or "").strip(),
            "status": item.findtext(wp("status")).strip(),
            "comments": comments,
        }
    return posts
