"""Readers and aggregators see every public correction: a page, RSS and Atom feeds, and JSON-LD on the article."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from corrections.models import Article
from corrections.services import actor_meta, article_publish, correction_issue
from corrections.templatetags.transparency import jsonld_script

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def correct(slug: str, note: str, kind: str = "correction") -> None:
    version = Article.objects.get(slug=slug).version
    correction_issue(slug=slug, expected_version=version, kind=kind, note=note, meta=actor_meta(kind="system"))


@pytest.fixture
def corrected(publish: Any) -> tuple[str, str]:
    """Two articles; the first corrected, then the second, then the first again (newest last)."""
    first, second = publish("first", title="First story"), publish("second", title="Second story")
    correct(first, "We gave the wrong date.")
    correct(second, "We misspelled a name.")
    correct(first, "We have clarified who paid.", kind="clarification")
    return first, second


def test_corrections_page_lists_every_public_correction_newest_first(client: Client, corrected: Any) -> None:
    first, second = corrected
    html = client.get("/corrections/").content.decode()
    positions = [html.index(note) for note in ("who paid", "misspelled a name", "wrong date")]
    assert positions == sorted(positions)
    assert f'href="/articles/{first}/"' in html and f'href="/articles/{second}/"' in html
    assert "Clarification," in html and "Correction," in html
    assert 'type="application/rss+xml"' in html


def test_corrections_page_with_none_yet(client: Client) -> None:
    assert "No corrections yet." in client.get("/corrections/").content.decode()


def test_rss_feed_of_all_corrections(client: Client, corrected: Any) -> None:
    """An RSS 2.0 feed, newest first, each item linked to its article with a unique guid."""
    first, _ = corrected
    response = client.get("/corrections/feed/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("description") for item in items] == [
        "We have clarified who paid.",
        "We misspelled a name.",
        "We gave the wrong date.",
    ]
    assert items[0].findtext("title") == "Clarification: First story"
    assert items[0].findtext("link") == f"{settings.SITE_URL}/articles/{first}/"
    assert len({item.findtext("guid") for item in items}) == 3
    assert items[0].findtext("pubDate")


def test_atom_feed_of_all_corrections(client: Client, corrected: Any) -> None:
    response = client.get("/corrections/feed/atom/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3
    assert entries[0].find(f"{ATOM}link").get("href").endswith("/articles/first/")
    assert entries[0].findtext(f"{ATOM}updated")


def test_per_article_feeds(client: Client, corrected: Any) -> None:
    """Each article has its own RSS and Atom feed of its corrections, linked from its page; unknown ones are 404."""
    first, _ = corrected
    rss = ET.fromstring(client.get(f"/articles/{first}/corrections/feed/").content)
    assert [i.findtext("description") for i in rss.find("channel").findall("item")] == [
        "We have clarified who paid.",
        "We gave the wrong date.",
    ]
    assert "First story" in rss.find("channel").findtext("title")
    atom = ET.fromstring(client.get(f"/articles/{first}/corrections/feed/atom/").content)
    assert len(atom.findall(f"{ATOM}entry")) == 2
    assert client.get("/articles/nope/corrections/feed/").status_code == 404
    html = client.get(f"/articles/{first}/").content.decode()
    assert f"/articles/{first}/corrections/feed/atom/" in html


def jsonld_of(html: str) -> dict[str, Any]:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    return json.loads(scripts[0])


def test_article_page_carries_news_article_json_ld_with_corrections(client: Client, corrected: Any) -> None:
    """Search engines find a NewsArticle whose corrections are CorrectionComment entries with dates."""
    first, _ = corrected
    data = jsonld_of(client.get(f"/articles/{first}/").content.decode())
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == "First story"
    assert data["url"] == f"{settings.SITE_URL}/articles/{first}/"
    assert [(c["@type"], c["text"]) for c in data["correction"]] == [
        ("CorrectionComment", "We gave the wrong date."),
        ("CorrectionComment", "We have clarified who paid."),
    ]
    assert all(c["datePublished"] for c in data["correction"])


def test_json_ld_cannot_break_out_of_its_script_element(client: Client) -> None:
    """A title or note containing </script> stays inside the JSON and still parses to the same text."""
    hostile = 'Bridge </script><script>alert("x")</script> & <!-- more'
    article_publish(slug="hostile", title=hostile, body="Body text.", meta=actor_meta(kind="system"))
    correct("hostile", hostile)
    html = client.get("/articles/hostile/").content.decode()
    assert "<script>alert" not in html
    data = jsonld_of(html)
    assert data["headline"] == hostile and data["correction"][0]["text"] == hostile
    assert "<" not in str(jsonld_script({"a": "</script>"})).removeprefix('<script type="application/ld+json">')[:-9]


def test_an_article_without_corrections_has_no_correction_entries(client: Client, article: str) -> None:
    data = jsonld_of(client.get(f"/articles/{article}/").content.decode())
    assert "correction" not in data and data["@type"] == "NewsArticle"


@pytest.mark.parametrize("path", ["/corrections/feed/", "/corrections/feed/atom/", "/articles/first/corrections/feed/"])
def test_feed_readers_show_a_note_as_written_and_run_none_of_its_markup(
    client: Client, publish: Any, path: str
) -> None:
    """The note is escaped once for HTML and once for XML: parsed as a reader would, it is text, not markup."""
    from html.parser import HTMLParser

    note = 'Tom & Jerry <img src=x onerror="alert(1)"> said <b>"no"</b>'
    correct(publish("first", title="First story"), note)
    root = ET.fromstring(client.get(path).content)
    items = root.findall("channel/item/description") + root.findall(f"{ATOM}entry/{ATOM}summary")
    [html] = [element.text or "" for element in items]
    tags: list[str] = []
    text: list[str] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: Any) -> None:
            tags.append(tag)

        def handle_data(self, data: str) -> None:
            text.append(data)

    Reader(convert_charrefs=True).feed(html)
    assert tags == [] and "".join(text) == note
