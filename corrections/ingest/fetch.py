"""A safe HTTP GET for a newsroom's site: timeouts, a size limit, conditional GET, no private addresses.

Every connection (the first and each redirect) is checked where the socket is
opened: the host name is resolved once, every address must be public unless
``INGEST_ALLOW_PRIVATE`` is on, and the connection goes to the address that was
checked, so a DNS answer that changes between the check and the connect (DNS
rebinding) cannot reach the server's own network.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx
from django.conf import settings

USER_AGENT = "Newsdesk/1.0 (+https://github.com/newsdesk; corrections tracker)"


class FetchError(Exception):
    """A fetch that failed, with a message an editor can act on."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    content: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False
    headers: dict[str, str] = field(default_factory=dict)


def address_allowed(address: str) -> bool:
    """Whether a connection to this IP address is allowed (public only, unless INGEST_ALLOW_PRIVATE)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if settings.INGEST_ALLOW_PRIVATE:
        return not ip.is_multicast and not ip.is_unspecified
    return ip.is_global and not ip.is_multicast


class _CheckedBackend(httpcore.SyncBackend):
    """Opens sockets only to addresses that ``address_allowed`` accepts."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise httpcore.ConnectError(f"The host name {host} could not be resolved.") from error
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        refused = [a for a in addresses if not address_allowed(a)]
        if refused or not addresses:
            raise _Refused(
                f"{host} resolves to a private, loopback or reserved address ({', '.join(refused)}); "
                "Newsdesk fetches only from public addresses (set INGEST_ALLOW_PRIVATE=1 to allow this)."
            )
        return super().connect_tcp(addresses[0], port, timeout, local_address, socket_options)


class _Refused(httpcore.ConnectError):
    """A connection refused by our address check, not by the network."""


class _Transport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__(trust_env=False, retries=0)
        # httpx has no public hook for the network backend; the pool is rebuilt with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=10,
            max_keepalive_connections=0,
            network_backend=_CheckedBackend(),
        )


def check_url(url: str) -> None:
    """Refuse anything but an absolute http(s) URL, in words."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as error:
        raise FetchError(f"“{url}” is not a valid address.") from error
    if parsed.scheme not in ("http", "https"):
        raise FetchError(f"Only http and https addresses can be fetched, not “{parsed.scheme or url}”.")
    if not parsed.host:
        raise FetchError(f"“{url}” has no host name.")


def _limits() -> tuple[int, float]:
    return settings.INGEST_MAX_BYTES, float(settings.INGEST_TIMEOUT)


def fetch(url: str, *, etag: str = "", last_modified: str = "", accept: str = "*/*") -> Fetched:
    """GET ``url`` (following redirects); a 304 answers ``not_modified``. Any failure is a FetchError in words."""
    check_url(url)
    max_bytes, timeout = _limits()
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + timeout * 3
    try:
        with httpx.Client(
            transport=_Transport(),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            follow_redirects=True,
            max_redirects=5,
            trust_env=False,
            event_hooks={"request": [lambda request: check_url(str(request.url))]},
        ) as client:
            with client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return Fetched(str(response.url), 304, not_modified=True, etag=etag, last_modified=last_modified)
                if response.status_code >= 400:
                    raise FetchError(f"{response.url} answered HTTP {response.status_code} {response.reason_phrase}.")
                declared = int(response.headers.get("Content-Length") or 0)
                if declared > max_bytes:
                    raise FetchError(_too_large(response.url, max_bytes))
                chunks: list[bytes] = []
                size = 0
                # Decoded bytes are counted, so a small gzip bomb is cut off at the same limit.
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchError(_too_large(response.url, max_bytes))
                    if time.monotonic() > deadline:
                        raise FetchError(f"{response.url} was still sending after {timeout * 3:.0f} seconds.")
                    chunks.append(chunk)
                content = b"".join(chunks)
                return Fetched(
                    url=str(response.url),
                    status=response.status_code,
                    content=content,
                    content_type=response.headers.get("Content-Type", ""),
                    etag=response.headers.get("ETag", ""),
                    last_modified=response.headers.get("Last-Modified", ""),
                    headers=dict(response.headers),
                )
    except _Refused as error:
        raise FetchError(str(error)) from error
    except httpx.TooManyRedirects as error:
        raise FetchError(f"{url} redirects too many times (a redirect loop?).") from error
    except httpx.TimeoutException as error:
        raise FetchError(f"{url} did not answer within {timeout:.0f} seconds.") from error
    except httpx.ConnectError as error:
        raise FetchError(f"Could not connect to {url}: {error}") from error
    except FetchError:
        raise
    except httpx.HTTPError as error:
        raise FetchError(f"Fetching {url} failed: {error}") from error


def _too_large(url: object, max_bytes: int) -> str:
    return f"{url} is larger than the limit of {max_bytes // 1024} KiB (INGEST_MAX_BYTES)."
