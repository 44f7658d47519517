"""The article in a page: its title, body text, canonical URL and times.

The body is the element the source's CSS selector names; without one, the
usual article containers (``itemprop=articleBody``, ``.entry-content``,
``<article>``…), and only then trafilatura's guess over the whole page. Inside
the body, ads, share bars, bylines, timestamps, scripts and forms are dropped,
and the text is read block by block (paragraphs apart by a blank line), the way
the widget reads the same element on the newsroom's page.
"""

from __future__ import annotations

import codecs
import html as html_lib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import lxml.html
import trafilatura
from cssselect import SelectorError
from django.utils.dateparse import parse_datetime
from lxml import etree
from lxml.cssselect import CSSSelector

from . import normalise
from .urls import canonical_url

DROP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "aside",
    "footer",
    "form",
    "iframe",
    "button",
    "svg",
    "object",
    "embed",
    "select",
    "textarea",
    "input",
    "h1",
    "header",
}
BLOCK_TAGS = {
    "address",
    "article",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
}
# Class or id tokens of things that are not the story: ads, promotions, share bars, bylines, stamps.
BOILERPLATE = re.compile(
    r"^(ad|ads|advert\w*|adsbygoogle|ad[-_]\w+|\w+[-_]ads?|sponsor\w*|promo\w*|newsletter\w*|related\w*|"
    r"share|sharing|social\w*|outbrain\w*|taboola\w*|byline\w*|dateline|timestamp|\w+-meta|"
    r"updated|last-updated|published-date|comments?)$",
    re.IGNORECASE,
)
#: Without a container or a selector, a guess shorter than this is not taken for an article.
GUESS_MIN_CHARS = 80
CONTAINERS = [
    "[itemprop='articleBody']",
    ".entry-content",
    ".post-content",
    ".article-body",
    ".story-body",
    ".article__body",
    "article",
    "main",
    "[role='main']",
]


class ExtractError(Exception):
    """A page that yields no article, in words."""


@dataclass(frozen=True)
class Page:
    title: str
    body: str
    canonical_url: str
    published_at: datetime | None = None
    modified_at: datetime | None = None


def check_selector(selector: str) -> str:
    """The selector if lxml can use it; ExtractError saying why not otherwise."""
    try:
        CSSSelector(selector)
    except (SelectorError, SyntaxError, etree.XPathError) as error:
        raise ExtractError(f"“{selector}” is not a CSS selector we can use: {error}") from error
    return selector


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    value = value.strip().replace("Z", "+00:00")
    try:
        moment = parse_datetime(value) or parse_datetime(value.replace(" ", "T"))
    except ValueError:
        return None
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _boilerplate(element: etree._Element) -> bool:
    if not isinstance(element.tag, str):
        return True  # comments and processing instructions
    if element.tag.lower() in DROP_TAGS:
        return True
    attrs = element.attrib
    if "data-newsdesk-ignore" in attrs or "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    tokens = (attrs.get("class", "") + " " + attrs.get("id", "")).split()
    return any(BOILERPLATE.match(token) for token in tokens)


def paragraphs(root: etree._Element) -> list[str]:
    """The element's text, block by block, without the boilerplate inside it."""
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = normalise.clean_paragraph("".join(current))
        if text:
            blocks.append(text)
        current.clear()

    def walk(element: etree._Element) -> None:
        block = isinstance(element.tag, str) and element.tag.lower() in BLOCK_TAGS
        if block:
            flush()
        if element.text:
            current.append(element.text)
        for child in element:
            if _boilerplate(child):
                if child.tail:
                    current.append(child.tail)
                continue
            if isinstance(child.tag, str) and child.tag.lower() == "br":
                current.append(" ")
            else:
                walk(child)
            if child.tail:
                current.append(child.tail)
        if block:
            flush()

    walk(root)
    flush()
    return blocks


def html_to_text(fragment: str) -> str:
    """A piece of HTML (a CMS's rendered content) as the stored body text."""
    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return normalise.clean(paragraphs(root))


def plain_title(value: str) -> str:
    """A title that may hold markup or entities (WordPress's ``title.rendered``) as plain text."""
    text = re.sub(r"<[^>]+>", "", value)
    return normalise.clean_title(html_lib.unescape(text))


def _meta(doc: etree._Element, *names: str) -> str:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = doc.xpath(f"//meta[@{attr}=$n]/@content", n=name)
            if found and found[0].strip():
                return str(found[0]).strip()
    return ""


def _title(doc: etree._Element, body_root: etree._Element | None) -> str:
    title = _meta(doc, "og:title", "twitter:title")
    if not title and body_root is not None:
        heading = body_root.xpath(".//h1") or doc.xpath("//h1")
        title = heading[0].text_content() if heading else ""
    if not title:
        title = (doc.findtext(".//title") or "").split(" | ")[0]
    return normalise.clean_title(title)


def _find_body(doc: etree._Element, selector: str, url: str) -> etree._Element | None:
    if selector:
        found = CSSSelector(check_selector(selector))(doc)
        if not found:
            raise ExtractError(f"The body selector “{selector}” matches nothing on {url}.")
        if len(found) == 1:
            return found[0]
        wrapper = etree.Element("div")
        wrapper.extend(found)  # several matches (e.g. "p.story"): their text in page order
        return wrapper
    for candidate in CONTAINERS:
        found = CSSSelector(candidate)(doc)
        if found:
            return max(found, key=lambda element: len(element.text_content()))
    return None


META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def encoding_of(content: bytes, content_type: str = "") -> str:
    """The page's encoding: the HTTP header's, else a <meta> charset, else UTF-8."""
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value.strip("\"' "):
            return _codec(value.strip("\"' "))
    found = META_CHARSET.search(content[:4096])
    return _codec(found.group(1).decode("ascii")) if found else "utf-8"


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


def _guess(doc: etree._Element) -> str | None:
    """Trafilatura's guess at the article, over the page with the obvious furniture already removed."""
    for element in [e for e in doc.iter() if e is not doc and _boilerplate(e) and e.getparent() is not None]:
        element.drop_tree()
    return trafilatura.extract(
        lxml.html.tostring(doc, encoding="unicode"),
        favor_precision=True,
        include_comments=False,
        include_tables=False,
    )


def extract(content: bytes, *, url: str, selector: str = "", content_type: str = "") -> Page:
    """The article in an HTML page, or ExtractError saying why there is none."""
    if not content.strip():
        raise ExtractError(f"{url} returned an empty page.")
    try:
        parser = lxml.html.HTMLParser(encoding=encoding_of(content, content_type))
        doc = lxml.html.document_fromstring(content, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise ExtractError(f"{url} is not an HTML page we can read: {error}") from error
    canonical = doc.xpath("//link[@rel='canonical']/@href") or [_meta(doc, "og:url")]
    canonical_href = str(canonical[0]).strip() if canonical and canonical[0] else ""
    time_attr = doc.xpath("//time[@datetime]/@datetime")
    body_root = _find_body(doc, selector, url)
    title = _title(doc, body_root)
    if body_root is not None:
        blocks = paragraphs(body_root)
    else:
        guessed = _guess(doc)
        blocks = [line for line in (guessed or "").split("\n") if line.strip()]
        if sum(len(block) for block in blocks) < GUESS_MIN_CHARS:
            blocks = []  # a guess this short is navigation or a teaser, not the article
    if blocks and normalise.key(blocks[0]) == normalise.key(title):
        blocks = blocks[1:]
    body = normalise.clean(blocks)
    if not body:
        raise ExtractError(f"No article text found on {url}; give the source a CSS selector for the article body.")
    return Page(
        title=title or body.split("\n", 1)[0][:120],
        body=body,
        canonical_url=canonical_url(urljoin(url, canonical_href) if canonical_href else url),
        published_at=parse_time(_meta(doc, "article:published_time", "datePublished", "date"))
        or parse_time(str(time_attr[0]) if time_attr else None),
        modified_at=parse_time(_meta(doc, "article:modified_time", "dateModified", "og:updated_time")),
    )
