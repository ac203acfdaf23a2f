"""The columns of the table: wrk against each target, for one number of comments."""

import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from bench import PAGE, SLUG
from harness.nginx import has_brotli

# what differs in each response: the CSRF tokens and the comment form's timestamp
TOKEN = re.compile(
    rb'(?<=name="csrfmiddlewaretoken" value=")[^"]*|(?<=name="timestamp" value=")[^"]*'
)
LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNIT = {"us": 0.001, "ms": 1, "s": 1000}


def wrk(
    url, args, duration=None, connections=None, threads=2, script=None, headers=(), timeout=10
):
    duration = duration or args.duration
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections or args.connections}",
        f"-d{duration}s",
        "--timeout",
        f"{timeout}s",
        "--latency",
    ]
    if script:
        command += ["-s", str(script)]
    for header in headers:
        command += ["-H", header]
    result = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=duration + 60, check=True
    )
    out = result.stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if bad or (errors and "timeout 0" not in errors.group(1)):
        sys.exit(f"wrk {url}: errors\n{out}")
    latency = {p: float(v) * UNIT[u] for p, v, u in LATENCY.findall(out)}
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": round(latency["50"], 2),
        "p99_ms": round(latency["99"], 2),
        "requests": requests,
    }


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read(), dict(response.headers)


def measure(size, per_page, django, ports, work, args):
    app, proxy = f"http://127.0.0.1:{ports['app']}", f"http://127.0.0.1:{ports['nginx']}"
    queries_uncached, render_ms, _ = django.measure(PAGE + "?bench")
    queries_cached, _, _ = django.measure(PAGE)
    # The page as nginx serves it to a new reader (once nginx has the current one: it may keep
    # a page PAGE_CACHE_PROXY_SECONDS), copied as a file for nginx to serve.
    current = TOKEN.sub(b"", fetch(app + PAGE, {"Host": "127.0.0.1"})[0])  # as nginx asks
    deadline = time.monotonic() + 10
    while True:
        body, headers = fetch(proxy + PAGE)
        if headers.get("X-Proxy-Cache") == "HIT" and TOKEN.sub(b"", body) == current:
            break
        if time.monotonic() > deadline:
            sys.exit(f"nginx does not serve the current page: {headers}")
        time.sleep(0.2)
    (work / "html" / f"page-{size}.html").write_bytes(body)
    gzip = ("Accept-Encoding: gzip",)
    targets = {
        "static": (f"http://127.0.0.1:{ports['static']}/page-{size}.html", ()),
        "uncached": (proxy + PAGE + "?bench", ()),
        "cached_app": (app + PAGE, ()),
        "cached_nginx": (proxy + PAGE, ()),
        "cached_nginx_gzip": (proxy + PAGE, gzip),
    }
    if has_brotli():
        targets["cached_nginx_br"] = (proxy + PAGE, ("Accept-Encoding: gzip, deflate, br",))
    targets["revisit"] = (proxy + PAGE, revisit_headers(ports))
    for url, headers in targets.values():  # every worker warm: templates, connections
        wrk(url, args, duration=2, headers=headers)
    runs = {name: [] for name in targets}
    for round_ in range(args.rounds):
        for name, (url, headers) in targets.items():
            runs[name].append(wrk(url, args, headers=headers))
            print(f"  round {round_ + 1} {name:17} {runs[name][-1]['rps']:>9.1f} req/s")
    loads = {}
    for name, found in runs.items():
        median = sorted(found, key=lambda run: run["rps"])[len(found) // 2]
        loads[name] = median | {"rps": round(statistics.median(run["rps"] for run in found), 1)}
    posting = post_under_load(proxy, django, args)
    static = loads["static"]["rps"]
    result = {
        "comments": size,
        "comments_per_page": per_page or 50,
        "html_bytes": len(body),
        "queries": {"uncached": queries_uncached, "cached": queries_cached},
        "render_ms": round(render_ms, 1),
        "load": loads,
        # the same bytes as the static copy (gzip is compared with nothing)
        "ratios_to_static": {
            name: round(loads[name]["rps"] / static, 3)
            for name in ("uncached", "cached_app", "cached_nginx")
        },
        "post": posting,
    }
    return result


def revisit_headers(ports):
    """A reader's cookie and the ETag nginx gave them with the page: the headers of their next
    visit, which must get a 304."""
    cookie = f"csrftoken={secrets.token_hex(16)}"
    _, headers = fetch(f"http://127.0.0.1:{ports['nginx']}{PAGE}", {"Cookie": cookie})
    connection = http.client.HTTPConnection("127.0.0.1", ports["nginx"], timeout=30)
    connection.request("GET", PAGE, headers={"Cookie": cookie, "If-None-Match": headers["ETag"]})
    status = connection.getresponse().status
    connection.close()
    if status != 304:
        sys.exit(f"a repeat visit through nginx got {status}, not 304")
    return (f"Cookie: {cookie}", f"If-None-Match: {headers['ETag']}")


POST_SCRIPT = """\
-- A reader posting a comment every 100 ms, with the CSRF cookie and its secret as the token,
-- and the form's hidden fields (a timestamp signed a minute before, the empty honeypot).
local secret = os.getenv("BENCH_CSRF")
local timestamp = os.getenv("BENCH_TIMESTAMP")
local run = os.getenv("BENCH_RUN")  -- no text twice: the duplicate check would refuse it
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrftoken=" .. secret
function request()
  n = n + 1
  local body = "csrfmiddlewaretoken=" .. secret .. "&timestamp=" .. timestamp .. "&honeypot="
    .. "&author_name=Bench+Poster&author_email=bench.poster%40example.com"
    .. "&body=Posted+under+load%2C+run+" .. run .. "%2C+number+" .. n
  return wrk.format(nil, nil, nil, body)
end
function delay()
  return 100
end
"""


def post_under_load(proxy, django, args):
    """Posts (approved at once: the author has an approved comment) while readers load the
    page through nginx; every post changes the page. ``django``: an InProcess (bench/seed.py),
    for the form's signed timestamp."""
    script = Path(tempfile.gettempdir()) / f"natoblog-bench-post-{os.getpid()}.lua"
    script.write_text(POST_SCRIPT)
    os.environ["BENCH_CSRF"] = secrets.token_hex(16)
    os.environ["BENCH_TIMESTAMP"] = quote(django.form_token(time.time() - 60), safe="")
    os.environ["BENCH_RUN"] = secrets.token_hex(4)
    duration = max(args.duration, 10)
    try:
        readers = subprocess.Popen(
            [
                "wrk",
                "-t1",
                f"-c{args.connections}",
                f"-d{duration}s",
                "--latency",
                proxy + PAGE,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(0.5)
        posts = wrk(
            proxy + f"/comments/post/{SLUG}/",
            args,
            duration=duration - 1,
            connections=1,
            threads=1,
            script=script,
        )
        reads, _ = readers.communicate(timeout=duration + 30)
    finally:
        script.unlink()
    print(f"  post          p50 {posts['p50_ms']} ms, p99 {posts['p99_ms']} ms")
    return posts | {"reads_rps": float(re.search(r"Requests/sec:\s+([\d.]+)", reads).group(1))}
