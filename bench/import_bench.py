"""make bench-import: import a generated WordPress export (100 posts, 100,000 comments) in a
process of its own, on a throwaway SQLite database, and print the seconds it took and its peak
memory (RSS); the same with 10,000 comments first, to show memory does not grow with them.

Each post has 1,000 comments (at 10,000: 100): a third start threads, the others reply to an
earlier comment of the post (some chains deeper than COMMENTS_THREAD_DEPTH), with HTML text,
entities, a few spam, pending and trashed ones, and pingbacks.

    .venv/bin/python bench/import_bench.py [--posts 100] [--comments 100000] [--keep DIR]
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import ROOT
from harness.processes import loopback_environment, manage

STRIP = ("DJANGO_", "DATABASE_", "REDIS_", "SQLITE_", "PAGE_CACHE_", "COMMENTS_", "CACHE_")
HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:wp="http://wordpress.org/export/1.2/">
<channel>
\t<title>Bench blog</title>
\t<link>https://bench.example</link>
\t<wp:wxr_version>1.2</wp:wxr_version>
\t<wp:base_site_url>https://bench.example</wp:base_site_url>
\t<wp:author><wp:author_login>writer</wp:author_login>\
<wp:author_email>writer@bench.example</wp:author_email>\
<wp:author_display_name><![CDATA[A Writer]]></wp:author_display_name></wp:author>
"""
COMMENT = """\t\t<wp:comment>
\t\t\t<wp:comment_id>{id}</wp:comment_id>
\t\t\t<wp:comment_author><![CDATA[Reader {id} &amp; co]]></wp:comment_author>
\t\t\t<wp:comment_author_email>{email}</wp:comment_author_email>
\t\t\t<wp:comment_author_url>https://reader.example/</wp:comment_author_url>
\t\t\t<wp:comment_author_IP>{ip}</wp:comment_author_IP>
\t\t\t<wp:comment_date_gmt>{date}</wp:comment_date_gmt>
\t\t\t<wp:comment_content><![CDATA[Comment {id}: I <strong>agree</strong> &amp; I don&#8217;t.

A second paragraph <script>x()</script>with a <a href="https://example.com/">link</a>.]]>\
</wp:comment_content>
\t\t\t<wp:comment_approved>{status}</wp:comment_approved>
\t\t\t<wp:comment_type>{kind}</wp:comment_type>
\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>
\t\t\t<wp:comment_user_id>0</wp:comment_user_id>
\t\t</wp:comment>
"""
STATUSES = ["1"] * 90 + ["0"] * 4 + ["spam"] * 4 + ["trash"] * 2


def generate(path, posts, comments):
    """Write the WXR file; returns its size in bytes."""
    rng = random.Random(14)
    per_post = comments // posts
    comment_id = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEAD)
        for post in range(1, posts + 1):
            out.write(
                f"\t<item>\n\t\t<title>Post number {post}</title>\n"
                f"\t\t<link>https://bench.example/2021/10/{post % 28 + 1:02d}/post-{post}/"
                "</link>\n"
                "\t\t<dc:creator><![CDATA[writer]]></dc:creator>\n"
                f"\t\t<content:encoded><![CDATA[<!-- wp:paragraph -->\n<p>Body of post {post}, "
                "with <em>emphasis</em>.</p>\n<!-- /wp:paragraph -->]]></content:encoded>\n"
                f"\t\t<wp:post_id>{post}</wp:post_id>\n"
                "\t\t<wp:post_date_gmt>2021-10-27 09:30:00</wp:post_date_gmt>\n"
                f"\t\t<wp:post_name>post-{post}</wp:post_name>\n"
                "\t\t<wp:status>publish</wp:status>\n\t\t<wp:post_type>post</wp:post_type>\n"
            )
            first = comment_id + 1
            for n in range(per_post):
                comment_id += 1
                parent = (
                    0 if n % 3 == 0 or comment_id == first else rng.randint(first, comment_id - 1)
                )
                kind = "pingback" if n % 97 == 5 else ""
                date = f"2021-11-{n % 28 + 1:02d} {n % 24:02d}:{n % 60:02d}:00"
                out.write(
                    COMMENT.format(
                        id=comment_id,
                        email=f"reader{comment_id % 5000}@bench.example",
                        ip=f"192.0.2.{comment_id % 250 + 1}",
                        date=date,
                        status=rng.choice(STATUSES),
                        kind=kind,
                        parent=parent,
                    )
                )
            out.write("\t</item>\n")
        out.write("</channel>\n</rss>\n")
    return path.stat().st_size


def measure(env, path):
    """(seconds, CPU seconds, peak RSS in MB, the command's output) of manage.py
    import_wordpress. CPU time (user + system) is what the import itself costs; the wall
    clock also counts waiting for a CPU on a shared machine."""
    command = [sys.executable, "manage.py", "import_wordpress", str(path)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"import_wordpress failed ({process.returncode}):\n{output}")
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, output  # ru_maxrss is in KB on Linux


def run(work, posts, comments):
    var = work / f"var-{comments}"
    env = loopback_environment(
        STRIP, var_dir=var, static_root=var / "static", SQLITE_PATH=str(var / "db.sqlite3")
    )
    var.mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--noinput", "-v0")
    path = work / f"bench-{posts}-{comments}.xml"
    size = generate(path, posts, comments)
    seconds, cpu, rss, output = measure(env, path)
    created = next(line for line in output.splitlines() if line.startswith("Created"))
    print(
        f"{posts} posts, {comments:,} comments ({size / 1e6:.1f} MB): "
        f"{seconds:.1f} s ({cpu:.1f} s of CPU), peak RSS {rss:.0f} MB  [{created}]",
        flush=True,
    )
    return seconds, rss


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--keep", help="a folder to keep the files and databases in")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="natoblog-bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        run(work, args.posts, args.comments // 10)
        seconds, _ = run(work, args.posts, args.comments)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    target = "under" if seconds < 60 else "OVER"
    print(f"target: under 60 s for {args.comments:,} comments: {target}")


if __name__ == "__main__":
    main()
