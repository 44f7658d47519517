"""Template tags for the article page's transparency markup (schema.org JSON-LD)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ..models import Article, PublicNote
from ..selectors.transparency import article_jsonld

register = template.Library()

# Inside <script> only "</script" or "<!--" could end the element early; escaping < > & as JSON
# unicode escapes makes that impossible and leaves the JSON meaning unchanged (as json_script does).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def jsonld_script(data: object) -> SafeString:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag
def article_jsonld_script(article: Article, notes: Iterable[PublicNote]) -> SafeString:
    """The article as a schema.org NewsArticle with its corrections, in a JSON-LD script element."""
    return jsonld_script(article_jsonld(article, notes))
