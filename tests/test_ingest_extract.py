"""No false edits: the same words, however the site renders them, have the same fingerprint."""

from __future__ import annotations

import pytest

from corrections.ingest import normalise
from corrections.ingest.extract import ExtractError, check_selector, extract, html_to_text
from corrections.ingest.parse import ParseError, parse_feed, parse_sitemap, parse_wordpress
from corrections.ingest.urls import canonical_url, slug_for

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Bridge | Gazette</title>
<link rel="canonical" href="/news/bridge/?utm_source=x#top"></head><body>
<nav><a href="/">Home</a> {nav}</nav><p class="timestamp">{stamp}</p><div class="ad">{ad}</div>
<article><h1>Bridge to be rebuilt</h1><p class="byline">By Ann · <time>{stamp}</time></p>
<div class="story-body">{body}<div class="ad">{ad}</div></div></article>
<aside>Most read</aside><footer>{stamp}</footer><script>var t = "{stamp}";</script></body></html>"""
BODY = "<p>The mayor, Jon Smith, said “it’s overdue” – to applause.</p><p>Work starts in May.</p>"


def page(body: str = BODY, *, nav: str = "", stamp: str = "10:32", ad: str = "Buy watches", selector: str = "") -> str:
    html = PAGE.format(nav=nav, stamp=stamp, ad=ad, body=body).encode()
    found = extract(html, url="http://news.test/news/bridge/", selector=selector)
    return normalise.fingerprint(found.title, found.body)


def test_the_article_is_found_without_its_page_furniture() -> None:
    """Title, body paragraphs and canonical URL come out; navigation, ads, byline and stamps do not."""
    found = extract(PAGE.format(nav="", stamp="10:32", ad="Buy", body=BODY).encode(), url="http://news.test/x")
    assert found.title == "Bridge to be rebuilt"
    assert found.body == "The mayor, Jon Smith, said “it’s overdue” – to applause.\n\nWork starts in May."
    assert found.canonical_url == "http://news.test/news/bridge/"


@pytest.mark.parametrize(
    "change",
    [
        {"ad": "Sofas half price"},
        {"nav": '<a href="/sport">Sport</a> <a href="/weather">Weather</a>'},
        {"stamp": "Updated 11:45"},
        {"body": BODY.replace("</p><p>", "</p>\n\n   <p>").replace(" said", "\n   said")},
        {"body": BODY.replace("Jon Smith", "Jon\u00a0Smith").replace("Work", "Wo\u00adrk")},
        {"body": BODY.replace("“", '"').replace("”", '"').replace("’", "'").replace("–", "-")},
        {
            "body": BODY.replace("Jon Smith", "<strong>Jon <em>Smith</em></strong>").replace(
                "May", "<a href='/may'>May</a>"
            )
        },
        {"body": BODY.replace("<p>Work", "<!-- ad slot --><p>Work").replace("said", "said\u200b")},
    ],
    ids=["ads", "navigation", "timestamps", "white-space", "special-spaces", "typography", "markup", "invisible"],
)
def test_a_change_of_form_alone_is_not_an_edit(change: dict[str, str]) -> None:
    """Ads, navigation, timestamps, white space, typography and markup changing leave the fingerprint as it was."""
    assert page(**change) == page()


def test_a_change_of_words_is_an_edit() -> None:
    """One changed word changes the fingerprint."""
    assert page(BODY.replace("Jon Smith", "John Smith")) != page()


def test_the_sources_selector_wins() -> None:
    """With a selector only that element is read, even where the guess would read more."""
    html = PAGE.format(nav="", stamp="", ad="", body=BODY + '<p class="standfirst">Not this.</p>').encode()
    found = extract(html, url="http://news.test/x", selector=".story-body p:not(.standfirst)")
    assert found.body.endswith("Work starts in May.")


def test_a_selector_that_matches_nothing_is_an_error_in_words() -> None:
    """A selector that finds nothing names itself and the page, so the editor can fix it."""
    with pytest.raises(ExtractError, match=r"“\.nope” matches nothing on http://news\.test/x"):
        extract(PAGE.encode(), url="http://news.test/x", selector=".nope")


def test_a_page_without_text_is_an_error_in_words() -> None:
    """HTML that yields no article text is reported, never recorded as an empty article."""
    with pytest.raises(ExtractError, match="No article text found"):
        extract(b"<html><body><nav>Home</nav><script>x()</script></body></html>", url="http://news.test/x")


def test_an_invalid_selector_is_refused() -> None:
    """A selector lxml cannot use is refused with the reason."""
    with pytest.raises(ExtractError, match="is not a CSS selector"):
        check_selector("div[[")


def test_a_page_in_another_encoding_is_read() -> None:
    """A page's declared charset is honoured."""
    html = '<html><head><meta charset="iso-8859-1"></head><body><article><p>Café crème</p></article></body></html>'
    assert extract(html.encode("latin-1"), url="http://news.test/x").body == "Café crème"


def test_cms_html_becomes_paragraphs() -> None:
    """A CMS's rendered HTML becomes paragraphs apart by a blank line, as the widget reads the page."""
    assert html_to_text("<p>One <b>two</b></p>\n<ul><li>three</li></ul><script>x</script>") == "One two\n\nthree"


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://News.Example:80/a/b/?utm_source=x&utm_medium=y&id=3#top", "http://news.example/a/b/?id=3"),
        ("https://news.example/a?fbclid=1&gclid=2&ref=tw", "https://news.example/a"),
        ("https://news.example:8443//a//b/amp/", "https://news.example:8443/a/b/"),
    ],
)
def test_canonical_urls_drop_tracking(url: str, canonical: str) -> None:
    """Tracking parameters, fragments, default ports and AMP suffixes do not make a new article."""
    assert canonical_url(url) == canonical


def test_slugs_come_from_the_url_or_the_title() -> None:
    """A readable slug: the last path segment, or the title when the URL ends in an id."""
    assert slug_for("https://n.example/2026/11/harbour-bridge.html") == "harbour-bridge"
    assert slug_for("https://n.example/story/12345", "Harbour bridge") == "harbour-bridge"


def test_a_malformed_feed_is_an_error_in_words() -> None:
    """A feed that is not XML is reported with the reason."""
    with pytest.raises(ParseError, match="is not an RSS or Atom feed"):
        parse_feed(b"<html><body>Oops</body></html>", url="http://news.test/feed")


def test_an_atom_feed_is_read() -> None:
    """Atom entries give their link, title and times."""
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>G</title>
    <entry><title>A &amp; B</title><link href="http://news.test/a"/><id>1</id>
    <updated>2026-11-20T08:00:00Z</updated></entry></feed>"""
    (entry,) = parse_feed(atom, url="http://news.test/atom")
    assert (entry.url, entry.title, entry.modified_at.isoformat()) == (
        "http://news.test/a",
        "A & B",
        "2026-11-20T08:00:00+00:00",
    )


def test_a_sitemap_index_lists_its_sitemaps_newest_first() -> None:
    """An index's child sitemaps are read newest first."""
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>http://n.test/old.xml</loc><lastmod>2020-01-01</lastmod></sitemap>
    <sitemap><loc>http://n.test/new.xml</loc><lastmod>2026-01-01</lastmod></sitemap></sitemapindex>"""
    assert parse_sitemap(index, url="http://n.test/s.xml") == ([], ["http://n.test/new.xml", "http://n.test/old.xml"])


def test_a_sitemap_with_entities_is_not_expanded() -> None:
    """XML entities are not resolved, so a sitemap cannot read local files or explode in memory."""
    evil = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://n.test/&x;</loc></url></urlset>"""
    entries, _ = parse_sitemap(evil, url="http://n.test/s.xml")
    assert all("root:" not in entry.url for entry in entries)


def test_wordpress_errors_are_in_words() -> None:
    """A WordPress error object is reported with its message."""
    with pytest.raises(ParseError, match="No route was found"):
        parse_wordpress(b'{"code": "rest_no_route", "message": "No route was found"}', url="http://n.test/wp-json")


def test_a_page_without_an_article_element_is_still_read() -> None:
    """Without a container or selector the extractor's guess is used, minus the page furniture."""
    text = " ".join(["The harbour bridge will be rebuilt over two years, the council said on Tuesday."] * 3)
    html = f"""<html><head><title>Bridge</title></head><body><div class="menu"><a href="/">Home</a></div>
    <div class="ad">Watches</div><div id="c"><div><p>{text}</p><p>Work starts in May, officials said.</p></div></div>
    <div class="footer-links"><a href="/about">About us</a></div></body></html>"""
    found = extract(html.encode(), url="http://news.test/x")
    assert found.body.startswith("The harbour bridge") and "Watches" not in found.body
