"""The Django admin as the editors' main tool: the review queue, read-only article logs, desk metrics.

Nothing here writes a model through a form. Every action calls a service,
which appends events; the read models follow from them. The event log is
read-only for everyone, superusers included.

One module per screen: ``suggestions`` (the review queue and the review page),
``metrics`` (the desk's figures), ``articles`` (articles, their event log and
diffs), ``comments`` (moderation), ``outbox`` (notifications), ``sources`` (the
newsroom's feeds, sitemaps and webhooks) and ``unannounced`` (edits the site made
without a note); their forms are in ``forms`` (the two small ones of ``unannounced``
sit beside it). Importing this package registers them, as Django's admin
autodiscovery expects.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import articles, comments, outbox, sources, suggestions, unannounced

admin.site.site_header = _("Newsdesk — corrections desk")
admin.site.site_title = _("Newsdesk desk")
admin.site.index_title = _("The desk")
# The queue needs the width of a 1280 px screen more than a second copy of the app list.
admin.site.enable_nav_sidebar = False
# The front page opens with the desk's open work (counts linking to each worklist).
admin.site.index_template = "admin/corrections/desk_index.html"

__all__ = ["articles", "comments", "outbox", "sources", "suggestions", "unannounced"]
