"""Public HTML pages: ``pages`` (article, history, corrections, a reader's status page), ``comments`` (the forms)."""
