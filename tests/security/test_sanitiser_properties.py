"""Property tests of the rich-text sanitiser (parley/bot/services/sanitize.py, used for articles):
whatever goes in, nothing that runs comes out, and cleaning twice changes nothing."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from parley.bot.services.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, clean_html

# Pieces attackers use, glued together with random text, tags and quotes.
ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="https://ok.example" onclick="alert(1)" target="_blank">ok</a>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<iframe src=https://evil.example></iframe>",
    '<form action="https://evil.example"><input name=p></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<p>", "</p>", "<b>", "</a>", "<a ", ">", '"', "'", "=", "&", "&lt;", "\x00",
]  # fmt: skip
GENERIC = {"title", "lang"}
html_input = st.lists(st.one_of(st.sampled_from(ATTACKS), st.text(max_size=12)), max_size=12).map(
    "".join
)


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def elements(cleaned: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = Elements()
    parser.feed(cleaned)
    parser.close()
    return parser.found


def scheme_of(url: str) -> str:
    # Browsers drop control characters and spaces inside a scheme: "jav\tascript:" runs.
    squeezed = "".join(ch for ch in url if ch > " ").lower()
    head, sep, _ = squeezed.partition(":")
    return head if sep and "/" not in head else ""


@settings(max_examples=150, deadline=None)
@given(html_input)
def test_nothing_that_runs_survives(raw: str):
    cleaned = clean_html(raw)
    assert "<script" not in cleaned.lower()
    for tag, attrs in elements(cleaned):
        assert tag in ALLOWED_TAGS
        for name, value in attrs:
            assert not name.startswith("on")
            # nh3 keeps its generic attributes (title, lang) on any tag: text, never code.
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | GENERIC or (tag, name) == (
                "a",
                "rel",
            )
            if name == "href":
                assert scheme_of(value or "") in {"", "http", "https", "mailto"}


@settings(max_examples=150, deadline=None)
@given(html_input)
def test_links_give_their_target_no_hold_on_the_page(raw: str):
    for tag, attrs in elements(clean_html(raw)):
        if tag == "a":
            rel = dict(attrs).get("rel") or ""
            assert {"noopener", "noreferrer"} <= set(rel.split())


@settings(max_examples=150, deadline=None)
@given(html_input)
def test_cleaning_twice_is_cleaning_once(raw: str):
    once = clean_html(raw)
    assert clean_html(once) == once
