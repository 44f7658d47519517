"""Ingest: bring a newsroom's own articles in from its site (feeds, sitemaps, WordPress, webhooks).

Pure plumbing with no database access: ``fetch`` (a safe HTTP client),
``parse`` (feeds, sitemaps, WordPress JSON), ``extract`` (the article text of a
page), ``normalise`` (text compared without white space, typography or markup),
``urls`` (canonical URLs and slugs) and ``schedule`` (when to look again).
``services.sources`` puts them together and writes through the article services.
"""
