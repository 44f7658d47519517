"""Canonical URLs: one address per article, whatever campaign or share link it was reached by."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from django.utils.text import slugify

TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "piwik_", "matomo_", "hsa_", "oly_", "vero_", "_hs")
TRACKING_NAMES = {
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mkt_tok",
    "ref",
    "ref_src",
    "ref_url",
    "cmpid",
    "ito",
    "ocid",
    "share",
    "smid",
    "s_cid",
    "_ga",
    "_gl",
    "amp",
    "outputtype",
}
DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """The URL with tracking parameters, the fragment, default ports and an AMP suffix removed.

    The scheme and host are lower-cased; the remaining query parameters keep their
    order (some CMSs route on ``?p=123``); a trailing slash is kept as the site has it.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    netloc = host if ":" not in host else f"[{host}]"
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: such an address is refused when fetched
        port = None
    if port and port != DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path) or "/"
    if path.endswith("/amp/"):
        path = path[: -len("amp/")]
    elif path.endswith("/amp"):
        path = path[: -len("amp")]
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not name.lower().startswith(TRACKING_PREFIXES) and name.lower() not in TRACKING_NAMES
    ]
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def lookup_keys(url: str) -> list[str]:
    """The canonical forms a reader's address may match: as given, and with the other trailing-slash form."""
    canonical = canonical_url(url)
    parts = urlsplit(canonical)
    other = parts.path[:-1] if parts.path.endswith("/") and parts.path != "/" else parts.path + "/"
    return [canonical, urlunsplit(parts._replace(path=other))]


def slug_for(url: str, title: str = "") -> str:
    """A readable slug from the URL's last path segment (or the title), at most 80 characters."""
    path = urlsplit(url).path.rstrip("/")
    stem = posixpath.splitext(unquote(posixpath.basename(path)))[0]
    # Many CMSs end a path with a numeric id; the title says more.
    candidate = slugify(stem) if stem and not stem.isdigit() else ""
    if len(candidate) < 4:
        candidate = slugify(title) or candidate
    return (candidate or "article")[:80].strip("-") or "article"
