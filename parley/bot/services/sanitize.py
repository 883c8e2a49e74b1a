"""Rich text that is safe to show on any page: the few tags an article needs, links that can only
go to web or mail addresses, nothing that runs. Bodies are cleaned once, on the way in."""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "hr", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
_INLINE_TAG = re.compile(r"</?(?:a|strong|b|em|i|u|s|code)(?:\s[^>]*)?>")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def clean_html(raw: str) -> str:
    # rel="noopener noreferrer nofollow": a link in a public article gives its target no hold
    # on our page and no search-engine credit to spammers' links.
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


def plain_text(cleaned: str) -> str:
    """The words of already-cleaned HTML, one space between blocks (for search and snippets);
    inline tags go without a trace ("<b>3</b>天" is "3天"). A regular expression is enough here:
    nh3's output is well-formed, with no comments or scripts left."""
    text = _TAG.sub(" ", _INLINE_TAG.sub("", cleaned))
    return _SPACE.sub(" ", html.unescape(text)).strip()


def snippet(text: str, length: int = 160) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
