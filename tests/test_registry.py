"""Every projector runs, once, in the order the registry lists; nothing registers itself by being imported."""

from __future__ import annotations

import inspect
import pkgutil
from importlib import import_module

from corrections import projections, registry, store
from corrections.projections import articles, history, suggestions, unannounced
from corrections.services import notifications


def test_every_declared_projector_is_in_the_registry_once() -> None:
    """A developer who writes a new @handles projector and forgets the registry sees this fail."""
    declared = {
        fn
        for info in pkgutil.iter_modules(projections.__path__)
        for _, fn in inspect.getmembers(import_module(f"corrections.projections.{info.name}"), inspect.isfunction)
        if getattr(fn, "event_types", None)
    }
    assert declared == set(registry.PROJECTORS) and len(registry.PROJECTORS) == len(declared)


def test_the_installed_order_is_the_registry_order() -> None:
    """A text change is diffed against the text before it, updates the article, then the unannounced-edit queue;
    re-anchoring is an event of its own."""
    assert projections.PROJECTORS["ArticleRevised"] == [
        history.text_version_changed,
        articles.article_text,
        unannounced.unannounced_edit_detected,
    ]
    assert projections.PROJECTORS["SuggestionReanchored"] == [suggestions.suggestion_reanchored]
    assert store.REACTORS == [notifications.react]
