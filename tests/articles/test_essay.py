"""The essay and its bio, word for word as the seed page has them."""

from pathlib import Path

from django.urls import reverse

from tests.html import blocks, texts

SEED = (Path(__file__).resolve().parent.parent / "data" / "the-future-of-nato.txt").read_text(
    encoding="utf-8"
)
LINES = SEED.split("\n")
BIO_INDEX = next(i for i, line in enumerate(LINES) if line.startswith("Oliver Gao is"))
TITLE = LINES[0]
ESSAY = [line for line in LINES[1:BIO_INDEX] if line.strip()]
HEADINGS = ["Security and Technology", "Relations with Russia"]
BIO = LINES[BIO_INDEX]


def test_seed_copy_is_the_capture():
    assert TITLE == "The Future of\u00a0NATO"
    assert len(ESSAY) == 13
    assert all(h in ESSAY for h in HEADINGS)


def test_every_paragraph_word_for_word(client, essay):
    response = client.get(reverse("articles:detail", kwargs={"slug": "the-future-of-nato"}))
    assert response.status_code == 200
    page = response.content.decode()
    body = page[page.index('class="essay-body"') : page.index('class="author-box"')]
    shown = [(tag, text) for tag, text in blocks(body) if tag in {"p", "h2"}]
    expected = [("h2" if line in HEADINGS else "p", line.strip()) for line in ESSAY]
    assert [(tag, text.strip()) for tag, text in shown] == expected


def test_typographic_characters_kept(client, essay):
    page = client.get(essay.get_absolute_url()).content.decode()
    assert "“future-proofing”" in page
    assert "NATO’s current trajectory" in page
    assert texts(page, "h1") == [TITLE]


def test_headings_are_headings(client, essay):
    page = client.get(essay.get_absolute_url()).content.decode()
    assert texts(page, "h2")[:2] == HEADINGS


def test_author_box_has_the_bio(client, essay):
    page = client.get(essay.get_absolute_url()).content.decode()
    assert essay.author.name == "Oliver Gao"
    assert BIO.strip() in [text.strip() for text in texts(page, "p")]
    assert page.index("essay-body") < page.index(BIO.split(".")[0])


def test_essay_is_published_with_metadata(essay):
    assert essay.is_published
    assert essay.get_absolute_url() == "/articles/the-future-of-nato/"
    assert essay.excerpt
