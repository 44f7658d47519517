"""Editors get the desk's admin screens in English or Ukrainian, as their browser asks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from corrections.models import Article, Comment
from corrections.services import actor_meta
from corrections.services.comments import comment_flag, comment_post
from tests.review_support import make_editor, report

pytestmark = pytest.mark.django_db

#: Each screen: its address (given the desk's fixtures) and (English, Ukrainian) pairs it must show.
SCREENS: dict[str, tuple[Callable[[dict[str, str]], str], list[tuple[str, str]]]] = {
    "review queue": (
        lambda ids: "/admin/corrections/suggestion/",
        [
            ("Desk metrics", "Показники редакції"),
            ("Queue:", "Черга:"),
            ("1 open", "відкритих: 1"),
            ("By queue", "За чергою"),
            ("Assign selected suggestions to me", "Призначити вибрані пропозиції мені"),
            ("Close selected items a revision already fixed", "Закрити вибрані пропозиції, які вже виправлено"),
        ],
    ),
    "review page": (
        lambda ids: f"/admin/corrections/suggestion/{ids['suggestion']}/change/",
        [
            ("Proposed change", "Запропонована зміна"),
            ("Readers who reported it", "Читачів, які про це повідомили"),
            ('id="status">new<', 'id="status">нова<'),
            ("Accept into the article", "Прийняти до статті"),
            ("Accept and correct", "Прийняти й виправити"),
            ("The text that replaces the selection.", "Текст, що замінить виділене."),
            ("<h3>Reject</h3>", "<h3>Відхилити</h3>"),
        ],
    ),
    "desk index": (
        lambda ids: "/admin/",
        [
            ("Newsdesk — corrections desk", "Newsdesk — редакція виправлень"),
            ("Open work", "Що чекає на роботу"),
            ("</strong> open suggestion</a>", "</strong> відкрита пропозиція</a>"),
            ("1 not yet assigned", "ще не призначено: 1"),
            ("flagged comment to review", "коментар зі скаргою до розгляду"),
            ("Corrections desk", "Редакція виправлень"),
        ],
    ),
    "comment moderation": (
        lambda ids: f"/admin/corrections/comment/{ids['comment']}/change/",
        [
            ("Flags from readers", "Скарги читачів"),
            ("Keep it: the flags are dealt with", "Залишити: скарги розглянуто"),
            ("Why they are hidden: kept in the log.", "Чому їх приховано: зберігається в журналі."),
            ('value="Hide it"', 'value="Приховати"'),
            ("The thread", "Гілка"),
            ("this comment", "цей коментар"),
        ],
    ),
    "metrics": (
        lambda ids: "/admin/corrections/suggestion/metrics/",
        [
            ("Median time to resolution", "Медіанний час до вирішення"),
            ("Acceptance rate", "Частка прийнятих"),
            ("Open items by age", "Відкриті пропозиції за часом очікування"),
            ("Reports per article, by day", "Повідомлення читачів по статтях, за днями"),
            ("The same figures as JSON:", "Ті самі дані в JSON:"),
            ("under 1 day", "менше доби"),
        ],
    ),
    "write page": (
        lambda ids: f"/admin/corrections/article/{ids['article']}/write/",
        [
            ("What you are doing", "Що ви робите"),
            ("Issue a correction (with a public note)", "Опублікувати виправлення (з публічною приміткою)"),
            ("Shown to readers with the article and its history.", "Показується читачам разом зі статтею"),
            ('value="Preview the change"', 'value="Переглянути зміну"'),
        ],
    ),
    "publish page": (
        lambda ids: "/admin/corrections/article/add/",
        [
            ("Plain text; a blank line between paragraphs.", "Звичайний текст; абзаци розділяйте порожнім рядком."),
            (">Byline:<", ">Автор:<"),
            ('value="Publish"', 'value="Опублікувати"'),
        ],
    ),
    "event log": (
        lambda ids: f"/admin/corrections/article/{ids['article']}/change/",
        [
            ("The log is append-only", "Журнал лише доповнюється"),
            ("Revise, correct or retract", "Редагувати, виправити або відкликати"),
            ("public history", "публічна історія"),
        ],
    ),
}


@pytest.fixture
def desk(client: Client, article: str) -> tuple[Client, dict[str, str]]:
    """An editor logged in, with an open suggestion and a flagged comment on the desk."""
    client.force_login(make_editor("desk"))
    suggestion = report(article, "Jon Smith", "John Smith")
    posted = comment_post(slug=article, body="Fine.", author_name="Ann", meta=actor_meta(kind="reader"))
    comment = Comment.objects.get()
    comment_flag(comment_id=str(comment.id), reason="Rude", meta=actor_meta(kind="reader"))
    assert posted.version
    return client, {"suggestion": suggestion, "comment": str(comment.id), "article": str(Article.objects.get().pk)}


@pytest.mark.parametrize("screen", SCREENS)
def test_an_editor_whose_browser_asks_for_ukrainian_gets_the_screen_in_ukrainian(
    desk: tuple[Client, dict[str, str]], screen: str
) -> None:
    """Accept-Language: uk shows each desk screen in Ukrainian, with none of its English wording left."""
    client, ids = desk
    address, pairs = SCREENS[screen]
    response = client.get(address(ids), HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 200
    html = response.content.decode()
    assert [uk for _, uk in pairs if uk not in html] == []
    assert [en for en, _ in pairs if en in html] == []


@pytest.mark.parametrize("screen", SCREENS)
def test_an_editor_whose_browser_asks_for_english_gets_the_screen_in_english(
    desk: tuple[Client, dict[str, str]], screen: str
) -> None:
    """Accept-Language: en shows the same screens in English, with no Ukrainian."""
    client, ids = desk
    address, pairs = SCREENS[screen]
    html = client.get(address(ids), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert [en for en, _ in pairs if en not in html] == []
    assert [uk for _, uk in pairs if uk in html] == []


def test_the_desk_s_messages_speak_ukrainian_with_ukrainian_plural_forms(
    desk: tuple[Client, dict[str, str]], article: str
) -> None:
    """A bulk action's message after assigning suggestions reads in Ukrainian, the count in the right form."""
    client, ids = desk
    other = report(article, "two years", "three years")
    response = client.post(
        "/admin/corrections/suggestion/",
        {"action": "assign_to_me", "_selected_action": [ids["suggestion"], other]},
        HTTP_ACCEPT_LANGUAGE="uk",
        follow=True,
    )
    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["2 пропозиції призначено вам."]
    page = client.get(f"/admin/corrections/suggestion/{other}/change/", HTTP_ACCEPT_LANGUAGE="uk")
    assert "призначена" in page.content.decode()


@pytest.mark.parametrize(
    ("language", "expected"), [("uk", "Відкликати статтю (з публічною приміткою)"), ("en", "Retract the article")]
)
def test_the_write_form_s_choices_follow_the_browser(
    desk: tuple[Client, dict[str, str]], language: str, expected: str
) -> None:
    """The choices of the write form are translated when the page is drawn, not when the module was imported."""
    client, ids = desk
    html = client.get(f"/admin/corrections/article/{ids['article']}/write/", HTTP_ACCEPT_LANGUAGE=language)
    assert expected in html.content.decode()
