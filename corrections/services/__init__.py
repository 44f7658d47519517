"""Services: the only writers. Each loads state, runs a domain command and appends in one transaction.

One module per concern; the article services and the helpers every service
uses are re-exported here.
"""

from .articles import (
    append_after,
    article_publish,
    article_retract,
    article_revise,
    correction_issue,
    lock_article,
    lock_article_by_id,
)
from .meta import actor_meta, request_meta

__all__ = [
    "actor_meta",
    "append_after",
    "article_publish",
    "article_retract",
    "article_revise",
    "correction_issue",
    "lock_article",
    "lock_article_by_id",
    "request_meta",
]
