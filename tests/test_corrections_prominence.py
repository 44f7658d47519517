"""Readers find corrections: a label by the headline, notices by seriousness, a filterable page, a JSON feed."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from corrections.models import Article, PublicNote
from corrections.services import actor_meta, correction_issue
from corrections.services.comments import comment_post

pytestmark = pytest.mark.django_db


def notice(slug: str, note: str, kind: str = "correction") -> None:
    version = Article.objects.get(slug=slug).version
    correction_issue(slug=slug, expected_version=version, kind=kind, note=note, meta=actor_meta(kind="system"))


def test_a_corrected_article_says_so_by_its_headline_and_links_to_the_notice(client: Client, article: str) -> None:
    """'Corrected' by the headline links to the correction notice, which has that id."""
    notice(article, "We gave the wrong date.")
    html = client.get(f"/articles/{article}/").content.decode()
    label = re.search(r'<p class="status-label[^"]*"><a href="#(note-\d+)">([^<]+)</a>', html)
    assert label and label.group(2) == "Corrected"
    assert f'id="{label.group(1)}"' in html
    assert html.index("status-label") < html.index("<h1>")


def test_label_names_the_most_serious_notice(client: Client, article: str) -> None:
    """An article only clarified is 'Clarified'; once corrected too it is 'Corrected'."""
    notice(article, "We have clarified who paid.", kind="clarification")
    assert ">Clarified</a>" in client.get(f"/articles/{article}/").content.decode()
    notice(article, "An update on the vote.", kind="update")
    notice(article, "We gave the wrong date.")
    html = client.get(f"/articles/{article}/").content.decode()
    assert ">Corrected</a>" in html


def test_notices_are_ordered_by_seriousness(client: Client, article: str) -> None:
    """A factual correction comes before a later clarification and update."""
    notice(article, "We gave the wrong date.")
    notice(article, "We have clarified who paid.", kind="clarification")
    notice(article, "An update on the vote.", kind="update")
    html = client.get(f"/articles/{article}/").content.decode()
    positions = [html.index(text) for text in ("wrong date", "who paid", "on the vote")]
    assert positions == sorted(positions)


def test_an_uncorrected_article_has_no_label(client: Client, article: str) -> None:
    assert "status-label" not in client.get(f"/articles/{article}/").content.decode()


def test_corrections_page_is_linked_from_the_article_and_the_home_page(client: Client, article: str) -> None:
    """Every page's header, the home page and each article link to /corrections/."""
    for url in ("/", f"/articles/{article}/", f"/articles/{article}/history/"):
        assert 'href="/corrections/"' in client.get(url).content.decode()
    assert "every correction we have made" in client.get("/").content.decode()


def test_home_page_marks_corrected_articles(client: Client, article: str) -> None:
    notice(article, "We gave the wrong date.")
    assert f'href="/articles/{article}/#note-2">corrected</a>' in client.get("/").content.decode()


@pytest.fixture
def several(publish: Any) -> str:
    first = publish("first", title="First story")
    notice(first, "We gave the wrong date.")
    notice(first, "We have clarified who paid.", kind="clarification")
    notice(first, "An update on the vote.", kind="update")
    return first


def test_corrections_page_counts_and_filters_by_kind(client: Client, several: str) -> None:
    """The page says how many notices there are, and narrows them to one kind."""
    html = client.get("/corrections/").content.decode()
    assert "3 notices." in html
    html = client.get("/corrections/?kind=clarification").content.decode()
    assert "who paid" in html and "wrong date" not in html and "on the vote" not in html
    assert "1 notice matches your filters." in html
    assert '<option value="clarification" selected>' in html


def test_corrections_page_filters_by_date(client: Client, several: str) -> None:
    """From and to dates are inclusive; a range with nothing says so; a malformed date is ignored."""
    today = timezone.localdate().isoformat()
    assert "3 notices match" in client.get(f"/corrections/?from={today}&to={today}").content.decode()
    html = client.get("/corrections/?to=2000-01-01").content.decode()
    assert "No corrections match these filters." in html and "0 notices match" in html
    assert "3 notices." in client.get("/corrections/?from=yesterday&kind=nonsense").content.decode()


def test_pagination_keeps_the_filters(client: Client, several: str, monkeypatch: Any) -> None:
    """The next page of a filtered list is filtered the same way."""
    from django.core.paginator import Paginator

    from corrections.views import pages

    monkeypatch.setattr(pages, "Paginator", lambda items, _: Paginator(items, 1))
    html = client.get("/corrections/?from=2000-01-01").content.decode()
    assert 'href="?from=2000-01-01&amp;page=2" rel="next"' in html


def test_json_feed_of_corrections(client: Client, several: str) -> None:
    """A JSON Feed 1.1 beside RSS and Atom, newest first, linked from the corrections page and the article."""
    response = client.get("/corrections/feed/json/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/feed+json")
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["content_text"] for item in feed["items"]] == [
        "An update on the vote.",
        "We have clarified who paid.",
        "We gave the wrong date.",
    ]
    assert feed["items"][0]["url"].startswith(f"{settings.SITE_URL}/articles/first/#note-")
    assert len({item["id"] for item in feed["items"]}) == 3
    assert 'type="application/feed+json"' in client.get("/corrections/").content.decode()
    html = client.get(f"/articles/{several}/").content.decode()
    assert f"/articles/{several}/corrections/feed/json/" in html
    one = json.loads(client.get(f"/articles/{several}/corrections/feed/json/").content)
    assert len(one["items"]) == 3 and "First story" in one["title"]
    assert client.get("/articles/nope/corrections/feed/json/").status_code == 404


def jsonld_of(html: str) -> dict[str, Any]:
    return json.loads(re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[0])


@override_settings(CORRECTIONS_POLICY_URL="https://news.example.org/corrections-policy")
def test_a_newsroom_sets_its_corrections_policy(client: Client, article: str) -> None:
    """CORRECTIONS_POLICY_URL is linked on every page and given as correctionsPolicy in JSON-LD."""
    html = client.get(f"/articles/{article}/").content.decode()
    assert jsonld_of(html)["publisher"]["correctionsPolicy"] == "https://news.example.org/corrections-policy"
    assert 'href="https://news.example.org/corrections-policy"' in html
    assert 'href="https://news.example.org/corrections-policy"' in client.get("/corrections/").content.decode()


def test_without_a_policy_there_is_no_policy_link(client: Client, article: str) -> None:
    html = client.get(f"/articles/{article}/").content.decode()
    assert "correctionsPolicy" not in html and "corrections policy" not in html


def test_date_modified_follows_the_text_not_comments(client: Client, article: str) -> None:
    """dateModified is the last change to the text or its notices; a comment does not move it."""
    published = jsonld_of(client.get(f"/articles/{article}/").content.decode())
    assert published["dateModified"] == published["datePublished"]
    comment_post(slug=article, body="Thanks.", author_name="Ann", meta=actor_meta(kind="reader"))
    assert jsonld_of(client.get(f"/articles/{article}/").content.decode())["dateModified"] == published["dateModified"]
    notice(article, "We gave the wrong date.")
    data = jsonld_of(client.get(f"/articles/{article}/").content.decode())
    note = PublicNote.objects.get()
    issued = note.issued_at.isoformat()
    assert data["dateModified"] == issued and data["correction"][0]["datePublished"] == issued
    assert data["correction"][0]["url"].endswith(f"/articles/{article}/#note-{note.version}")


def test_pages_carry_a_favicon(client: Client, article: str) -> None:
    html = client.get(f"/articles/{article}/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/corrections/favicon[^"]*\.svg"', html)
