"""Pull: a newsroom's feed, sitemap and WordPress API bring articles in, and edits on the site are recorded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from corrections.models import Article, Event, Source, TrackedPage, UnannouncedEdit
from corrections.services import sources as source_services

from .newsroom import Newsroom, newsroom_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def add_source(newsroom: Newsroom, kind: str, path: str, selector: str = "") -> Source:
    return source_services.source_create(kind=kind, url=newsroom.url(path), selector=selector)


def poll(source: Source) -> source_services.PollReport:
    return source_services.source_poll(source_id=source.pk)


def time_passes(hours: int = 2) -> None:
    """Pretend the pages were first seen and last checked a while ago, so they are due again."""
    earlier = timezone.now() - timedelta(hours=hours)
    TrackedPage.objects.update(first_seen_at=earlier - timedelta(hours=hours), last_checked_at=earlier)


def test_a_feed_brings_in_its_articles(newsroom: Newsroom) -> None:
    """Each item of the feed becomes an article: canonical URL, title, and the body without the page's furniture."""
    report = poll(add_source(newsroom, "feed", "/feed.xml"))
    assert (report.published, report.errors) == (2, [])
    article = Article.objects.get(slug="harbour-bridge")
    assert article.title == "Harbour bridge to be rebuilt"
    assert article.published_at.isoformat() == "2026-11-20T08:00:00+00:00"  # the site's, not ours
    assert article.body.startswith("The council voted on Tuesday")
    assert "Advertisement" not in article.body and "Ann Reporter" not in article.body
    assert article.body.count("\n\n") == 2
    page = TrackedPage.objects.get(article_id=article.id)
    assert page.url == newsroom.article_url("harbour-bridge")
    event = Event.objects.get(stream_id=article.id)
    assert event.meta["actor"] == {"kind": "site"}


def test_polling_again_without_changes_appends_nothing(newsroom: Newsroom) -> None:
    """A page whose ads, navigation, timestamps and markup changed, but not its words, appends nothing."""
    source = add_source(newsroom, "feed", "/feed.xml")
    poll(source)
    story = newsroom.stories["harbour-bridge"]
    story.ad, story.stamp, story.nav = "Sofas half price", "Updated 11:45", ["Home", "Weather"]
    story.markup = "\n   <p class='para'>\n  {}  </p>"
    time_passes()
    report = poll(source)
    assert (report.fetched, report.revised, report.published) == (2, 0, 0)
    assert Event.objects.count() == 2


def test_an_edit_on_the_site_is_a_revision_and_an_unannounced_edit(newsroom: Newsroom) -> None:
    """Changed words on the site append a revision from the site, queued for the desk as unannounced."""
    source = add_source(newsroom, "feed", "/feed.xml")
    poll(source)
    newsroom.stories["harbour-bridge"].edit(
        [p.replace("Jon Smith", "John Smith") for p in newsroom.stories["harbour-bridge"].paragraphs]
    )
    time_passes()
    report = poll(source)
    assert report.revised == 1
    article = Article.objects.get(slug="harbour-bridge")
    assert "John Smith" in article.body and article.version == 2
    revision = Event.objects.get(stream_id=article.id, version=2)
    assert (revision.type, revision.data["origin"], revision.data["note"]) == ("ArticleRevised", "site", "")
    edit = UnannouncedEdit.objects.get()
    assert (edit.article_id, edit.version, edit.status) == (article.id, 2, "open")


def test_recent_pages_are_rechecked_and_fresh_ones_are_not(newsroom: Newsroom) -> None:
    """A page checked a moment ago is not fetched again; one checked long ago (for its age) is."""
    source = add_source(newsroom, "feed", "/feed.xml")
    poll(source)
    assert poll(source).fetched == 0
    time_passes()
    assert poll(source).fetched == 2


def test_a_sitemap_lastmod_triggers_a_fetch(newsroom: Newsroom) -> None:
    """A sitemap whose lastmod moved on is fetched at once and the edit recorded."""
    source = add_source(newsroom, "sitemap", "/sitemap.xml", selector=".story-body")
    assert poll(source).published == 2
    newsroom.stories["library-reopens"].edit(["The library reopened on Sunday."], title="Library reopens on Sunday")
    report = poll(source)
    assert (report.fetched, report.revised) == (1, 1)
    article = Article.objects.get(slug="library-reopens")
    assert (article.title, article.body) == ("Library reopens on Sunday", "The library reopened on Sunday.")


def test_wordpress_is_polled_with_modified_after(newsroom: Newsroom) -> None:
    """A WordPress site's posts come in with their text; later polls ask only for posts modified since."""
    source = add_source(newsroom, "wordpress", "/")
    assert poll(source).published == 2
    source.refresh_from_db()
    assert source.cursor == "2026-11-20T09:00:00+00:00"
    newsroom.stories["harbour-bridge"].edit(["The council voted on Wednesday to rebuild the bridge."])
    report = poll(source)
    assert (report.revised, report.unchanged) == (1, 0)
    assert Article.objects.get(slug="harbour-bridge").body == "The council voted on Wednesday to rebuild the bridge."
    assert poll(source).revised == 0


def test_a_failing_source_reports_in_words_and_backs_off(newsroom: Newsroom) -> None:
    """A feed that is gone shows its error in words, writes nothing, and is retried later and later."""
    source = add_source(newsroom, "feed", "/gone.xml")
    poll(source)
    source.refresh_from_db()
    assert "HTTP 404" in source.last_error and source.failures == 1
    first_wait = source.next_poll_at - source.last_polled_at
    poll(source)
    source.refresh_from_db()
    assert source.failures == 2 and source.next_poll_at - source.last_polled_at > first_wait
    assert Article.objects.count() == 0


def test_a_malformed_feed_is_a_source_error(newsroom: Newsroom) -> None:
    """A page that is not a feed is reported as such."""
    newsroom.routes["/bad.xml"] = lambda r: (200, {"Content-Type": "text/html"}, b"<html><body><p>Hello</body>")
    source = add_source(newsroom, "feed", "/bad.xml")
    poll(source)
    source.refresh_from_db()
    assert "is not an RSS or Atom feed" in source.last_error


def test_a_page_without_text_is_reported_and_not_published(newsroom: Newsroom) -> None:
    """An item whose page has no article text is listed among the source's problems; the others come in."""
    newsroom.stories["harbour-bridge"].paragraphs = []
    newsroom.stories["harbour-bridge"].ad = ""
    source = add_source(newsroom, "feed", "/feed.xml", selector=".story-body p")
    report = poll(source)
    source.refresh_from_db()
    assert report.published == 1 and source.failures == 0
    assert "1 page could not be read" in source.last_error and "matches nothing" in source.last_error
    assert not Article.objects.filter(slug="harbour-bridge").exists()


def test_the_command_polls_every_active_source(newsroom: Newsroom, capsys: Any) -> None:
    """`manage.py poll_sources` polls each active source and says what it found."""
    add_source(newsroom, "feed", "/feed.xml")
    paused = add_source(newsroom, "sitemap", "/sitemap.xml")
    Source.objects.filter(id=paused.id).update(active=False)
    call_command("poll_sources")
    assert "2 new, 0 revised" in capsys.readouterr().out
    assert Article.objects.count() == 2


def test_the_command_fails_when_a_source_fails(newsroom: Newsroom) -> None:
    """A failed source makes the command exit non-zero, with the error in words."""
    source = add_source(newsroom, "feed", "/gone.xml")
    with pytest.raises(CommandError, match="1 of 1 source failed"):
        call_command("poll_sources", "--source", str(source.pk))


def test_due_sources_are_claimed_once(newsroom: Newsroom) -> None:
    """Beat claims a due source with a conditional update, so a second beat does not poll it again."""
    source = add_source(newsroom, "feed", "/feed.xml")
    assert source_services.due_source_ids() == [source.pk]
    assert source_services.due_source_ids() == []


def test_the_beat_task_polls_due_sources(newsroom: Newsroom) -> None:
    """The periodic task polls every due source (eagerly here)."""
    from corrections.tasks import poll_due_sources

    add_source(newsroom, "feed", "/feed.xml")
    poll_due_sources.delay()
    assert Article.objects.count() == 2


def test_an_old_article_is_rechecked_rarely(newsroom: Newsroom) -> None:
    """An article's age runs from its publication: one published days ago is not fetched again an hour later."""
    source = add_source(newsroom, "feed", "/feed.xml")
    poll(source)
    assert (
        TrackedPage.objects.filter(first_seen_at__year=2026, first_seen_at__month=11, first_seen_at__day=20).count()
        == 2
    )
    TrackedPage.objects.update(last_checked_at=timezone.now() - timedelta(hours=1))
    assert poll(source).fetched == 0
