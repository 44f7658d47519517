"""Settings for the test suite: production settings with a key of its own.

With DEBUG off Newsdesk refuses to start without SECRET_KEY; the tests run with DEBUG off
(as production does), so they bring a throwaway key. Subprocesses the tests start (a Celery
worker) inherit it through the environment.
"""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "newsdesk-tests-only-not-a-secret")

from newsdesk.settings import *  # noqa: F403
