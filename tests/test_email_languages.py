"""Readers get their e-mails in the language they used on the site; the desk gets its own in the site's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from corrections.models import Article, CommentAuthor, Notification, SuggestionTicket
from corrections.rendering import language_of
from corrections.throttles import CommentThrottle

pytestmark = pytest.mark.django_db

TITLE = "Harbour bridge to be rebuilt"


@pytest.fixture(autouse=True)
def _site(settings: Any, monkeypatch: Any) -> None:
    settings.SITE_URL = "https://news.example"
    settings.DESK_EMAIL = ["desk@paper.example"]
    settings.NOTIFY_DESK_IMMEDIATELY = True
    settings.NOTIFY_WEBHOOK_URL = ""
    monkeypatch.setattr(CommentThrottle, "THROTTLE_RATES", {"comments": "1000/minute"})


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[Callable[[], Any]], Any]:
    def run(action: Callable[[], Any]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def suggest(api: Any, slug: str, language: str, **fields: Any) -> dict[str, Any]:
    """A reader whose browser asks for ``language`` reports a mistake through the widget's API."""
    body = {"exact": "Jon Smith", "suggestion": "John Smith", **fields}
    response = api.post(f"/api/v1/articles/{slug}/suggestions/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 201, response.content
    return response.json()


def decide(editor_api: Any, suggestion_id: str, verdict: str, language: str = "en") -> None:
    """An editor accepts or rejects, their own browser asking for ``language`` (which the reader never sees)."""
    data: dict[str, Any] = {"reply": "Thank you." if verdict == "accept" else "It is right as it is."}
    if verdict == "accept":
        data |= {"expected_version": Article.objects.get().version, "note": "The mayor's name was misspelt."}
    else:
        data |= {"reason": "The spelling is right."}
    response = editor_api.post(
        f"/api/v1/review/suggestions/{suggestion_id}/{verdict}/", data, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200, response.content


def comment(api: Any, slug: str, body: str, language: str, **fields: Any) -> dict[str, Any]:
    response = api.post(
        f"/api/v1/articles/{slug}/comments/",
        {"body": body, "name": "Ann", **fields},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 201, response.content
    return response.json()


def to(mailoutbox: Any, address: str) -> Any:
    [mail] = [mail for mail in mailoutbox if mail.to == [address]]
    return mail


# --- Readers' status e-mails ---------------------------------------------------------------------


def test_a_reader_who_reported_in_ukrainian_hears_of_the_acceptance_in_ukrainian(
    api: Any, editor_api: Any, article: str, committed: Any, mailoutbox: Any
) -> None:
    """The accepted e-mail (subject and body) is in Ukrainian for a reader whose browser asked for Ukrainian."""
    created = committed(lambda: suggest(api, article, "uk,en;q=0.5", email="olena@example.org", name="Олена"))
    assert SuggestionTicket.objects.get(token=created["token"]).language == "uk"
    committed(lambda: decide(editor_api, created["id"], "accept"))
    mail = to(mailoutbox, "olena@example.org")
    assert mail.subject == f"Ваше виправлення до статті «{TITLE}» прийнято"
    assert mail.body.startswith("Вітаємо, Олена!")
    assert "Дякуємо за вашу пропозицію" in mail.body and "Редактори прийняли її та виправили статтю." in mail.body
    assert "Їхня відповідь:" in mail.body
    assert f"Статус: https://news.example/suggestions/{created['token']}/" in mail.body
    assert "Hello" not in mail.body and "accepted" not in mail.subject + mail.body


def test_a_reader_who_reported_in_ukrainian_hears_of_the_rejection_in_ukrainian(
    api: Any, editor_api: Any, article: str, committed: Any, mailoutbox: Any
) -> None:
    """The rejection e-mail is in Ukrainian too, whatever language the editor's own browser uses."""
    created = committed(lambda: suggest(api, article, "uk", email="olena@example.org"))
    committed(lambda: decide(editor_api, created["id"], "reject", language="en"))
    mail = to(mailoutbox, "olena@example.org")
    assert mail.subject == f"Щодо запропонованого вами виправлення до статті «{TITLE}»"
    assert mail.body.startswith("Вітаємо!") and "Редактори вирішили цього не змінювати." in mail.body
    assert "It is right as it is." in mail.body  # the editor's own words are quoted as written
    assert "decided not to change" not in mail.body and "About your" not in mail.subject


def test_a_reader_who_reported_in_english_hears_in_english_from_a_ukrainian_editor(
    api: Any, editor_api: Any, article: str, committed: Any, mailoutbox: Any
) -> None:
    """The reader's language, not the editor's, decides: an English report gets English e-mails."""
    created = committed(lambda: suggest(api, article, "en-GB,en;q=0.8", email="ann@example.org", name="Ann"))
    committed(lambda: decide(editor_api, created["id"], "accept", language="uk"))
    mail = to(mailoutbox, "ann@example.org")
    assert mail.subject == f"Your correction to “{TITLE}” was accepted"
    assert mail.body.startswith("Hello Ann,") and "The editors accepted it and corrected the article." in mail.body
    assert "Вітаємо" not in mail.body and "прийнято" not in mail.subject


def test_a_rejection_in_english_for_an_english_reader(
    api: Any, editor_api: Any, article: str, committed: Any, mailoutbox: Any
) -> None:
    created = committed(lambda: suggest(api, article, "en", email="ann@example.org"))
    committed(lambda: decide(editor_api, created["id"], "reject", language="uk"))
    mail = to(mailoutbox, "ann@example.org")
    assert mail.subject == f"About your suggested correction to “{TITLE}”"
    assert "The editors decided not to change this." in mail.body and "Редактори" not in mail.body


def test_a_write_to_us_request_records_the_page_s_language(client: Client, article: str) -> None:
    """The 'write to us' form without JavaScript keeps the language of the page the reader filled in."""
    response = client.post(
        f"/articles/{article}/write/",
        {"comment": "Стаття не згадує вартість.", "category": "clarification", "email": "olena@example.org"},
        HTTP_ACCEPT_LANGUAGE="uk",
    )
    assert response.status_code == 302, response.content
    assert SuggestionTicket.objects.get().language == "uk"


# --- Commenters' e-mails -----------------------------------------------------------------------


def test_the_address_confirmation_follows_the_commenter_s_language(
    api: Any, article: str, committed: Any, mailoutbox: Any
) -> None:
    """'Confirm your address' goes out in Ukrainian to a Ukrainian commenter and in English to an English one."""
    committed(lambda: comment(api, article, "Нарешті новий міст.", "uk", email="olena@example.org"))
    committed(lambda: comment(api, article, "Good news.", "en", email="ann@example.org"))
    ukrainian, english = to(mailoutbox, "olena@example.org"), to(mailoutbox, "ann@example.org")
    assert ukrainian.subject == "[Newsdesk] Підтвердьте адресу для сповіщень про відповіді"
    assert "Якщо це були ви, підтвердьте одним кліком: https://news.example/comments/confirm/" in ukrainian.body
    assert "Confirm" not in ukrainian.subject and "If it was you" not in ukrainian.body
    assert english.subject == "[Newsdesk] Confirm your address for reply notices"
    assert "If it was you, confirm with one click:" in english.body and "Якщо" not in english.body


def _confirmed(api: Any, article: str, committed: Any, mailoutbox: Any, language: str, email: str) -> str:
    parent = committed(lambda: comment(api, article, "Добра новина.", language, email=email))
    token = CommentAuthor.objects.get(comment_id=parent["id"]).confirm_token
    assert Client().get(f"/comments/confirm/{token}/", HTTP_ACCEPT_LANGUAGE=language).status_code == 200
    mailoutbox.clear()
    return str(parent["id"])


def test_a_reply_notice_follows_the_language_of_the_comment_it_answers(
    api: Any, article: str, committed: Any, mailoutbox: Any
) -> None:
    """A Ukrainian commenter hears of an English reader's reply in Ukrainian, with Ukrainian plural forms."""
    parent = _confirmed(api, article, committed, mailoutbox, "uk", "olena@example.org")
    committed(lambda: comment(api, article, "Not for drivers, though.", "en", name="Bob", parent=parent))
    mail = to(mailoutbox, "olena@example.org")
    assert mail.subject == f"Нова відповідь на ваш коментар до статті «{TITLE}»"
    assert mail.body.startswith(f"1 нова відповідь на ваш коментар до статті «{TITLE}»:")
    assert "Not for drivers, though." in mail.body and "New reply" not in mail.subject + mail.body


def test_a_reply_notice_in_english_for_an_english_commenter(
    api: Any, article: str, committed: Any, mailoutbox: Any
) -> None:
    parent = _confirmed(api, article, committed, mailoutbox, "en", "ann@example.org")
    committed(lambda: comment(api, article, "Не для водіїв.", "uk", name="Богдан", parent=parent))
    mail = to(mailoutbox, "ann@example.org")
    assert mail.subject == f"New reply to your comment on “{TITLE}”"
    assert mail.body.startswith(f"1 new reply to your comment on “{TITLE}”:") and "відповідь" not in mail.body


# --- The desk's e-mails -------------------------------------------------------------------------


def test_the_desk_hears_of_a_ukrainian_report_in_the_site_s_language(
    api: Any, article: str, committed: Any, mailoutbox: Any
) -> None:
    """Editors get the new-report e-mail in LANGUAGE_CODE, whatever language the reader used."""
    committed(lambda: suggest(api, article, "uk", comment="Ім'я мера написано з помилкою."))
    mail = to(mailoutbox, "desk@paper.example")
    assert mail.subject == f"[Newsdesk] New suggestion on “{TITLE}”"
    assert f"A reader suggests a correction (typo) to “{TITLE}”:" in mail.body and "Review it:" in mail.body
    assert "Читач" not in mail.body


def test_a_ukrainian_newsroom_s_desk_hears_in_ukrainian(
    api: Any, article: str, committed: Any, mailoutbox: Any, settings: Any
) -> None:
    """With LANGUAGE_CODE=uk the desk's e-mail is in Ukrainian, even for a report made in English."""
    settings.LANGUAGE_CODE = "uk"
    committed(lambda: suggest(api, article, "en"))
    mail = to(mailoutbox, "desk@paper.example")
    assert mail.subject == f"[Newsdesk] Нова пропозиція до статті «{TITLE}»"
    assert f"Читач пропонує виправлення (друкарська помилка) до статті «{TITLE}»:" in mail.body
    assert "Розглянути: https://news.example/admin/corrections/suggestion/" in mail.body
    assert "A reader suggests" not in mail.body


def test_a_language_the_site_no_longer_offers_falls_back_to_the_site_s(
    api: Any, article: str, committed: Any, settings: Any
) -> None:
    """A ticket recorded in a language since removed from LANGUAGES is written to in LANGUAGE_CODE."""
    created = committed(lambda: suggest(api, article, "uk", email="olena@example.org"))
    ticket = SuggestionTicket.objects.get(token=created["token"])
    row = Notification(kind=Notification.READER_DECISION, recipient=f"ticket:{ticket.pk}")
    assert language_of(row) == "uk"
    settings.LANGUAGES = [("en-gb", "English")]
    assert language_of(row) == settings.LANGUAGE_CODE == "en-gb"
    assert language_of(Notification(kind=Notification.DESK_DIGEST, recipient="desk")) == "en-gb"
