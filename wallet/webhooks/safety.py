"""Where webhooks may go: checks against server-side request forgery (SSRF).

In production an endpoint URL must be ``https://`` and its host must resolve to public
addresses only: no loopback, private, link-local (cloud metadata at 169.254.169.254),
carrier-grade NAT, multicast, reserved or documentation ranges, including IPv4 hidden
in IPv6 (mapped, 6to4, NAT64). The check runs twice: on the URL when it is saved, and
on the addresses the name resolves to at delivery time, right before connecting to the
address that was checked (so a name that later resolves elsewhere, DNS rebinding, gets
nowhere). In development loopback and private addresses and ``http://`` are allowed,
so a local receiver can be used with ``make run``.

Pure Python: no Flask, no database.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
NAT64 = ipaddress.ip_network("64:ff9b::/96")
LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".home.arpa")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., list[tuple[Any, ...]]]


class UnsafeUrl(ValueError):
    """The URL or the address it resolves to may not receive webhooks."""


@dataclass(frozen=True, slots=True)
class UrlPolicy:
    """``production()``: https and public addresses only; ``development()``: anything."""

    https_only: bool
    public_only: bool

    @classmethod
    def production(cls) -> UrlPolicy:
        return cls(https_only=True, public_only=True)

    @classmethod
    def development(cls) -> UrlPolicy:
        return cls(https_only=False, public_only=False)


@dataclass(frozen=True, slots=True)
class Target:
    """A parsed endpoint URL."""

    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent in the request line

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def is_public(address: IPAddress) -> bool:
    """A globally routable unicast address, also once IPv4 hidden in IPv6 is unwrapped."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not address.is_multicast


def parse(url: str, policy: UrlPolicy) -> Target:
    """Check a URL's form (scheme, host, no credentials or fragment); literal IP
    addresses are checked here too. Raises ``UnsafeUrl``."""
    if len(url) > MAX_URL_LENGTH or not url.isascii() or any(c.isspace() for c in url):
        raise UnsafeUrl(f"A webhook URL is at most {MAX_URL_LENGTH} ASCII characters "
                        "without spaces.")
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise UnsafeUrl(f"Not a valid URL: {exc}.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeUrl("A webhook URL starts with https:// (or http:// in development).")
    if scheme == "http" and policy.https_only:
        raise UnsafeUrl("Webhook URLs must use https://.")
    if not host:
        raise UnsafeUrl("A webhook URL needs a host.")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl("A webhook URL may not carry a user name or password.")
    if parts.fragment:
        raise UnsafeUrl("A webhook URL may not have a fragment (#…).")
    if policy.public_only:
        literal = _literal_address(host)
        if literal is not None and not is_public(literal):
            raise UnsafeUrl("Webhook URLs must point at a public address.")
        if literal is None and (host == "localhost" or host.endswith(LOCAL_NAMES)):
            raise UnsafeUrl("Webhook URLs must point at a public host name.")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme, host, port or (443 if scheme == "https" else 80), path)


def _literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def resolve(target: Target, policy: UrlPolicy,
            getaddrinfo: Resolver = socket.getaddrinfo) -> str:
    """The address to connect to, checked now: every address the host resolves to
    must be public (under a production policy). Raises ``UnsafeUrl``."""
    try:
        infos = getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeUrl(f"The host {target.host} does not resolve: {exc}.") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not addresses:
        raise UnsafeUrl(f"The host {target.host} does not resolve.")
    if policy.public_only:
        refused = [a for a in addresses if not is_public(a)]
        if refused:
            raise UnsafeUrl(f"The host {target.host} resolves to a non-public address "
                            f"({refused[0]}); refused.")
    return str(addresses[0])
