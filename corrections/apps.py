from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_triggers(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """Re-assert the append-only triggers after every migrate or flush (idempotent)."""
    from django.db import connections

    from .triggers import install_triggers

    install_triggers(connections[using])


class CorrectionsConfig(AppConfig):
    name = "corrections"
    verbose_name = _("Corrections desk")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401  registers the deployment checks
            registry,
            tasks,  # noqa: F401  services enqueue by name: eager mode runs only the tasks Celery knows
        )

        post_migrate.connect(_ensure_triggers, sender=self)
        registry.install()
