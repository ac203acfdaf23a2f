"""Cross-site scripting payloads, for every field of the comment form.

Each payload, if it ever ran, would set ``window.__xss`` or call ``alert`` (which the browser
test watches). Drawn from the usual lists: script tags, event-handler attributes, SVG and
MathML, ``javascript:``/``data:`` URLs, broken and nested tags, attribute breakouts, entity
and case tricks, and Markdown-style links.
"""

RUN = "window.__xss=1;alert(1)"

BODIES = [
    f"<script>{RUN}</script>",
    f"<SCRIPT SRC=//evil.example/x.js></SCRIPT><script>{RUN}</script>",
    f'<img src=x onerror="{RUN}">',
    f"<img src=x onerror={RUN}//",
    f'<svg onload="{RUN}">',
    f"<svg><script>{RUN}</script></svg>",
    f'<svg><a xlink:href="javascript:{RUN}"><text x="20" y="20">XSS</text></a></svg>',
    f'<math><mtext><table><mglyph><style><img src=x onerror="{RUN}">',
    f'<iframe src="javascript:{RUN}"></iframe>',
    f'<iframe srcdoc="<script>{RUN}</script>"></iframe>',
    f'<object data="data:text/html,<script>{RUN}</script>"></object>',
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    f'<a href="javascript:{RUN}">click me</a>',
    f'<a href="JaVaScRiPt:{RUN}">mixed case</a>',
    f'<a href="&#106;avascript:{RUN}">entity</a>',
    f'<a href=" javascript:{RUN}">leading space</a>',
    f'<a href="data:text/html,<script>{RUN}</script>">data url</a>',
    f"[click](javascript:{RUN})",
    f'<body onload="{RUN}">',
    f'<div style="background:url(javascript:{RUN})">styled</div>',
    f"<style>@import 'javascript:{RUN}';</style>",
    f'<details open ontoggle="{RUN}">',
    f'<input autofocus onfocus="{RUN}">',
    f'<video><source onerror="{RUN}"></video>',
    f'<marquee onstart="{RUN}">',
    f'"><script>{RUN}</script>',
    f"'><script>{RUN}</script>",
    f"</textarea><script>{RUN}</script>",
    f"</p></div></li></ol><script>{RUN}</script>",
    f"<scr<script>ipt>{RUN}</scr</script>ipt>",
    f"<<script>script>{RUN}<</script>/script>",
    f'<img """><script>{RUN}</script>">',
    f"<!--<script>-->{RUN}<!--</script>-->",
    f"<![CDATA[<script>{RUN}</script>]]>",
    f'<a href="https://example.com/" onclick="{RUN}">looks fine</a>',
    f'https://example.com/"onmouseover="{RUN}"',
    f"https://example.com/<script>{RUN}</script>",
    f"www.example.com/'onmouseover='{RUN}'",
    f'<base href="javascript:{RUN}//">',
    f'<meta http-equiv="refresh" content="0;url=javascript:{RUN}">',
    f'<form action="javascript:{RUN}"><button>go</button></form>',
    f'<button formaction="javascript:{RUN}">go</button>',
    f"<template><script>{RUN}</script></template>",
    f'<noscript><p title="</noscript><img src=x onerror={RUN}>">',
    f'<x onclick="{RUN}">custom element</x>',
    "\u202e<script>alert(1)</script>",
    f"<scr\x00ipt>{RUN}</scr\x00ipt>",
    "{{ 7*7 }} {% debug %} ${7*7} <%= 7*7 %>",
    # Markdown (comments/rendering.py): links, quotes, code and emphasis around markup
    f"[click](JaVaScRiPt:{RUN})",
    f"[entity](&#106;avascript:{RUN})",
    f'[quote](https://example.com/" onclick="{RUN})',
    f"[ref][1]\n\n[1]: javascript:{RUN}",
    f"<javascript:{RUN}>",
    f"![img](https://example.com/x.png) ![js](javascript:{RUN})",
    f'**<img src=x onerror="{RUN}">** *<svg onload="{RUN}">*',
    f"`<script>{RUN}</script>`\n\n    <script>{RUN}</script>",
    f"```html\n<script>{RUN}</script>\n```",
    f"> <script>{RUN}</script>\n\n- <img src=x onerror={RUN}>\n1. [x](data:text/html,x)",
    f'[<img src=x onerror="{RUN}">](https://example.com/)',
]

NAMES = [
    f"<script>{RUN}</script>",
    f'"><img src=x onerror="{RUN}">',
    f"' onmouseover='{RUN}' x='",
    f'Ann" data-reply-to="1" onclick="{RUN}',
    f"<svg/onload={RUN}>",
    "</span></a><b>bold</b>",
]

# Refused by the form: only http(s) addresses are websites.
URLS = [
    f"javascript:{RUN}",
    f"JAVASCRIPT:{RUN}",
    f" javascript:{RUN}",
    f"java\tscript:{RUN}",
    f"data:text/html,<script>{RUN}</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    f"vbscript:{RUN}",
    f'https://example.com/" onmouseover="{RUN}',
]

# Accepted by the form (valid web addresses) and rendered as harmless links.
SAFE_URLS_WITH_MARKUP = [
    f"https://example.com/?q=<script>{RUN}</script>",
    f'https://example.com/"onmouseover="{RUN}',
    f"https://example.com/'><script>{RUN}</script>",
    f"//evil.example/<script>{RUN}</script>",
]

# Refused as e-mail addresses...
EMAILS = [
    f"<script>{RUN}</script>@example.com",
    f"a@<svg onload={RUN}>.com",
]
# ...and one that is valid (a quoted local part): accepted, and never shown.
VALID_EMAIL_WITH_MARKUP = f'"<script>{RUN}</script>"@example.com'


# Helpers ---------------------------------------------------------------------------------------


def post_payloads(client, article):
    """Post every body payload through the Leave a Reply form, each with a hostile name and a
    hostile (but valid) website in turn; returns the new comments, approved as a moderator
    would approve them."""
    from django.urls import reverse

    from comments import actions
    from comments.models import Comment
    from tests.conftest import comment_data

    url = reverse("comments:post", kwargs={"slug": article.slug})
    posted = []
    for n, body in enumerate(BODIES):
        data = comment_data(
            body=body,
            author_name=NAMES[n % len(NAMES)],
            author_email=f"xss{n}@example.com",
            author_url=SAFE_URLS_WITH_MARKUP[n % len(SAFE_URLS_WITH_MARKUP)] if n % 3 else "",
        )
        response = client.post(url, data)
        if "\x00" in body:
            assert response.status_code == 200  # refused: "Null characters are not allowed."
            continue
        assert response.status_code == 302, (body, response.status_code)
        posted.append(Comment.objects.get(author_email=f"xss{n}@example.com"))
    actions.change_status(
        Comment.objects.filter(pk__in=[c.pk for c in posted]),
        Comment.Status.APPROVED,
        "Set by a test",
    )
    return posted


def comment_fragment(page, pk):
    """The HTML of one comment on an article page: from its <li> to the next comment, the
    form or the end of the section."""
    start = page.index(f'<li id="comment-{pk}"')
    ends = [
        page.find(marker, start + 1)
        for marker in ('<li id="comment-', 'id="respond"', "</section>")
    ]
    return page[start : min(end for end in ends if end != -1)]


# what comment text may hold: comments/rendering.py's Markdown subset
TEXT_TAGS = {"p", "br", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li"}
TEMPLATE_TAGS = {"li", "article", "footer", "img", "div", "span", "a", "time", *TEXT_TAGS}
AVATAR_ATTRS = {"class", "src", "alt", "width", "height", "loading"}


def markup_problems(fragment):
    """What in a rendered comment is markup the commenter brought: any element or attribute
    outside what the template writes, any script-capable URL. [] for a clean comment."""
    import re

    from tests.html import elements, unsafe_markup

    found = unsafe_markup(fragment)
    avatars = [
        attrs
        for tag, attrs in elements(fragment)
        if tag == "img" and attrs.get("class") == "avatar" and set(attrs) <= AVATAR_ATTRS
    ]
    if len(avatars) == 1 and found.count("img") == 1:
        found.remove("img")  # the template's own avatar
    found += [tag for tag, _ in elements(fragment) if tag not in TEMPLATE_TAGS]
    content = re.search(r'<div class="comment-content">(.*?)</div>', fragment, re.S)
    if content is None:
        found.append("no comment content")
    else:
        for tag, attrs in elements(content.group(1)):
            if tag not in TEXT_TAGS:
                found.append(f"{tag} in the comment text")
            # (an <a> with no href, which nh3 leaves when it drops a bad address, is inert)
            href = attrs.get("href")
            if tag == "a" and href is not None and not href.startswith(("http://", "https://")):
                found.append(f"link to {href!r} in the comment text")
    if re.search(r"<\s*/?\s*(script|svg|iframe|style|math|object|embed)", fragment, re.I):
        found.append("a raw dangerous tag")
    return found


def admin_problems(html, baseline):
    """Elements and attributes that can run code, or inline scripts, in an admin page beyond
    those of the same page showing harmless comments (the admin's own scripts and SVG icons).
    [] when the commenters' markup shows as text."""
    import re
    from collections import Counter

    from tests.html import unsafe_markup

    def code(page):
        found = Counter(unsafe_markup(page))
        for match in re.finditer(r"<script\b([^>]*)>(.*?)</script>", page, re.S | re.I):
            if match.group(2).strip() or "src=" not in match.group(1):
                found["inline script"] += 1
        return found

    return sorted((code(html) - code(baseline)).elements())
