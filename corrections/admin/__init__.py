"""The Django admin as the editors' main tool: the review queue, read-only article logs, desk metrics.

Nothing here writes a model through a form. Every action calls a service,
which appends events; the read models follow from them. The event log is
read-only for everyone, superusers included.

One module per screen: ``suggestions`` (the review queue and the review page),
``metrics`` (the desk's figures), ``articles`` (articles, their event log and
diffs), ``comments`` (moderation), ``outbox`` (notifications); their forms are
in ``forms``. Importing this package registers them, as Django's admin
autodiscovery expects.
"""

from __future__ import annotations

from django.contrib import admin

from . import articles, comments, outbox, suggestions

admin.site.site_header = "Newsdesk — corrections desk"
admin.site.site_title = "Newsdesk desk"
admin.site.index_title = "The desk"

__all__ = ["articles", "comments", "outbox", "suggestions"]
