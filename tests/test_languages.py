"""Readers get the pages and the widget in English or Ukrainian, as their browser asks (or the site's setting)."""

from __future__ import annotations

import ast
import gettext
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from corrections.models import Article
from corrections.services import actor_meta, correction_issue
from tests.browser_support import SELECT, chromium

pytestmark = pytest.mark.django_db


def corrected(slug: str) -> None:
    version = Article.objects.get(slug=slug).version
    correction_issue(slug=slug, expected_version=version, kind="correction", note="Wrong year.", meta=actor_meta())


def test_the_article_page_in_ukrainian_for_a_ukrainian_browser(client: Client, article: str) -> None:
    """Accept-Language: uk gives the Ukrainian page: lang attribute, label, links and the write-to-us form."""
    corrected(article)
    html = client.get(f"/articles/{article}/", HTTP_ACCEPT_LANGUAGE="uk,en;q=0.5").content.decode()
    assert '<html lang="uk">' in html
    assert ">Виправлено</a>" in html and "Історія цієї статті" in html and "Напишіть нам про цю статтю" in html
    assert "Що неправильно або чого бракує?" in html and "Виправлення, " in html
    assert "Коментарі (0)" in html and "Напишіть перший коментар" in html and "Опублікувати коментар" in html


def test_the_article_page_in_english_by_default(client: Client, article: str) -> None:
    corrected(article)
    html = client.get(f"/articles/{article}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="en-gb">' in html and ">Corrected</a>" in html and "History of this article" in html


@override_settings(LANGUAGE_CODE="uk")
def test_a_newsroom_sets_its_language(client: Client, article: str) -> None:
    """With LANGUAGE_CODE=uk a browser that asks for no language we speak gets Ukrainian."""
    assert "Історія цієї статті" in client.get(f"/articles/{article}/").content.decode()


def test_the_status_page_in_ukrainian(client: Client, api: Any, article: str) -> None:
    token = api.post(
        f"/api/v1/articles/{article}/suggestions/", {"exact": "Jon Smith", "suggestion": "John Smith"}, format="json"
    ).json()["token"]
    html = client.get(f"/suggestions/{token}/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Отримано: чекає на редактора." in html and "Що ви надіслали" in html
    assert "Друкарська помилка або правопис" in html


def test_the_widget_catalogue_follows_the_browser(client: Client) -> None:
    """The widget's strings come from a JSON catalogue under /api/ (so other sites may fetch it)."""
    catalog = client.get("/api/v1/i18n/", HTTP_ACCEPT_LANGUAGE="uk").json()["catalog"]
    assert catalog["Suggest a correction"] == "Запропонувати виправлення"
    assert client.get("/api/v1/i18n/", HTTP_ACCEPT_LANGUAGE="en").json()["catalog"] == {}


@pytest.fixture
def ukrainian_page(publish: Any, live_db: Any) -> Iterator[Any]:
    slug = publish()
    with chromium() as browser:
        page = browser.new_context(locale="uk-UA").new_page()
        page.slug = slug
        yield page


@pytest.mark.browser
def test_the_widget_speaks_ukrainian_in_chromium(ukrainian_page: Any, live_server: Any) -> None:
    """In a Ukrainian browser the widget's buttons and dialog are in Ukrainian."""
    page = ukrainian_page
    page.goto(f"{live_server.url}/articles/{page.slug}/")
    page.get_by_role("button", name="Напишіть нам").wait_for()
    assert page.evaluate(SELECT, "Jon Smith")
    page.keyboard.press("Control+Enter")
    dialog = page.get_by_role("dialog", name="Запропонувати виправлення")
    dialog.wait_for()
    assert dialog.get_by_label("Ваше виправлення").is_visible()
    assert dialog.get_by_role("button", name="Надіслати").is_visible()


def test_history_and_corrections_pages_in_ukrainian(client: Client, article: str) -> None:
    """Version numbers, counts and filters read in Ukrainian, with Ukrainian plural forms."""
    corrected(article)
    history = client.get(f"/articles/{article}/history/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Версія 2" in history and "2 версії тексту" in history and "Перша публікація." in history
    page = client.get("/corrections/?kind=correction", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "1 повідомлення відповідає вашим фільтрам." in page and "Усі типи" in page


LOCALE = Path(__file__).resolve().parent.parent / "corrections" / "locale" / "uk" / "LC_MESSAGES"


def catalogue(path: Path) -> list[dict[str, Any]]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr / msgstr[n] and the flags (a small parser)."""
    entries: list[dict[str, Any]] = []
    entry: dict[str, Any] = {}
    field = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry:
                entries.append(entry)
            entry, field = {}, ""
        elif line.startswith("#,"):
            entry["flags"] = {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue  # comments, references and obsolete entries
        elif line.startswith('"'):
            entry[field] += ast.literal_eval(line)
        else:
            field, _, value = line.partition(" ")
            entry[field] = ast.literal_eval(value)
    return [e for e in entries if e.get("msgid")]  # not the header


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_string_of_our_catalogue_is_translated_and_compiled(domain: str) -> None:
    """A new string cannot ship untranslated: no empty or fuzzy entry, and the .mo says what the .po says."""
    entries = catalogue(LOCALE / f"{domain}.po")
    assert entries
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", set())]
    empty = [e["msgid"] for e in entries if not all(v for k, v in e.items() if k.startswith("msgstr"))]
    assert (fuzzy, empty) == ([], [])
    assert all(("msgstr[2]" in e) == ("msgid_plural" in e) for e in entries)  # Ukrainian has three plural forms
    with (LOCALE / f"{domain}.mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    stale = []
    for e in entries:
        if "msgid_plural" in e:
            got = [mo.ngettext(e["msgid"], e["msgid_plural"], n) for n in (1, 2, 5)]
            want = [e["msgstr[0]"], e["msgstr[1]"], e["msgstr[2]"]]
        elif "msgctxt" in e:
            got, want = [mo.pgettext(e["msgctxt"], e["msgid"])], [e["msgstr"]]
        else:
            got, want = [mo.gettext(e["msgid"])], [e["msgstr"]]
        if got != want:
            stale.append(e["msgid"])
    assert stale == [], "run compilemessages"
