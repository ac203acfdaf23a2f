"""How a link is built (deep in a site, a query string), and every seen token counting in the
score of a short comment."""

from spamfilter import classifier, features


def test_a_deep_link_and_a_query_string_give_tokens():
    found = features.tokens(
        "see https://www.youtube.com/user/somebody/videos?view=0 and http://bit.ly/x/y"
    )
    assert {"urldepth:3", "urldepth:2", "urlquery"} <= found


def test_a_link_to_a_home_or_one_level_down_gives_no_depth_token():
    found = features.tokens("my page http://www.site.example/ and http://other.example/page")
    assert not any(token.startswith("urldepth:") for token in found)
    assert "urlquery" not in found
    assert "links:2+" in found


def test_no_link_no_link_shape_tokens():
    found = features.tokens("plain words only, user/name/here is no link")
    assert not any(token.startswith(("urldepth:", "urlquery")) for token in found)


def test_neutral_tokens_count_two_strong_clues_are_not_certain_in_a_longer_comment():
    strong = {"check": (30, 2), "youtube": (30, 2)}
    neutral = {f"word{i}": (5, 5) for i in range(10)}
    short = classifier.score(strong, 100, 100).probability
    longer = classifier.score({**strong, **neutral}, 100, 100).probability
    assert short > 0.9
    assert longer < short - 0.05
