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

# What browsers send (Chromium, Firefox, Safari): the page's copy they get.
BROWSER = "Accept-Encoding: gzip, deflate, br"
GZIP = "Accept-Encoding: gzip"
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
    alone = f"http://127.0.0.1:{ports['alone']}"  # gunicorn alone (--alone-worker-class)
    # The page as nginx serves it (once nginx has the current one: its page file), and its
    # compressed copies, as files for nginx to serve
    # (gzip_static, brotli_static): the same bytes every reader gets.
    copies = {}
    for suffix, headers in (("", {}), (".gz", {"Accept-Encoding": "gzip"}), (".br", {})):
        if suffix == ".br":
            headers = {"Accept-Encoding": BROWSER.split(": ", 1)[1]}
        current = fetch(app + PAGE, {"Host": "127.0.0.1", **headers})[0]  # as nginx asks
        deadline = time.monotonic() + 10
        while True:
            body, answer = fetch(proxy + PAGE, headers)
            if answer.get("X-Page-Cache") == "file" and body == current:
                break
            if time.monotonic() > deadline:
                sys.exit(f"nginx does not serve the current page: {answer}")
            time.sleep(0.2)
        copies[suffix] = body
        (work / "html" / f"page-{size}.html{suffix}").write_bytes(body)
    body = copies[""]
    static = f"http://127.0.0.1:{ports['static']}/page-{size}.html"
    targets = {
        "static": (static, ()),
        "static_gzip": (static, (GZIP,)),
        "static_br": (static, (BROWSER,)),
        "uncached": (proxy + PAGE + "?bench", ()),
        "cached_app": (alone + PAGE, ()),
        "cached_app_gzip": (alone + PAGE, (GZIP,)),
        "cached_app_br": (alone + PAGE, (BROWSER,)),
        "cached_nginx": (proxy + PAGE, ()),
        "cached_nginx_gzip": (proxy + PAGE, (GZIP,)),
        "cached_nginx_br": (proxy + PAGE, (BROWSER,)),
    }
    if not has_brotli():  # nginx cannot serve the .br file: the browser's column is gzip's
        del targets["static_br"]
    targets["revisit"] = (proxy + PAGE, revisit_headers(ports))
    for url, headers in targets.values():  # every worker warm: templates, connections
        wrk(url, args, duration=2, headers=headers)
    # in this process, once every app server has started and is idle (a worker still
    # importing Django would take a core from the first size's figures)
    queries_uncached, render_ms, _ = django.measure(PAGE + "?bench")
    queries_cold, render_ms_cold, _ = django.measure(PAGE + "?bench", cold=True)
    queries_cached, _, _ = django.measure(PAGE)
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
    result = {
        "comments": size,
        "comments_per_page": per_page or 50,
        "html_bytes": len(body),
        "compressed_bytes": {"gzip": len(copies[".gz"]), "br": len(copies[".br"])},
        "queries": {"uncached": queries_uncached, "cold": queries_cold, "cached": queries_cached},
        "render_ms": round(render_ms, 1),
        "render_ms_cold": round(render_ms_cold, 1),
        "load": loads,
        # each against the static file of the same bytes (the same encoding)
        "ratios_to_static": {
            name: round(loads[name]["rps"] / loads[base]["rps"], 3)
            for name, base in RATIO_BASES.items()
            if name in loads and base in loads
        },
        "post": posting,
    }
    return result


RATIO_BASES = {
    "uncached": "static",
    "cached_app": "static",
    "cached_app_gzip": "static_gzip",
    "cached_app_br": "static_br",
    "cached_nginx": "static",
    "cached_nginx_gzip": "static_gzip",
    "cached_nginx_br": "static_br",
}


def revisit_headers(ports):
    """The ETag nginx gave a browser with the page: the headers of its next visit, which must
    get a 304."""
    _, headers = fetch(f"http://127.0.0.1:{ports['nginx']}{PAGE}")
    connection = http.client.HTTPConnection("127.0.0.1", ports["nginx"], timeout=30)
    connection.request("GET", PAGE, headers={"If-None-Match": headers["ETag"]})
    status = connection.getresponse().status
    connection.close()
    if status != 304:
        sys.exit(f"a repeat visit through nginx got {status}, not 304")
    return (BROWSER, f"If-None-Match: {headers['ETag']}")


POST_SCRIPT = """\
-- A reader posting a comment every 100 ms from the shared page (no session: no CSRF token),
-- with the form's hidden fields (a timestamp signed a minute before, the empty honeypot).
local timestamp = os.getenv("BENCH_TIMESTAMP")
local run = os.getenv("BENCH_RUN")  -- no text twice: the duplicate check would refuse it
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
function request()
  n = n + 1
  local body = "timestamp=" .. timestamp .. "&honeypot="
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
                "-H",
                BROWSER,
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
