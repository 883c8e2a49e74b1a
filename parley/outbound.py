"""The one check every URL the server fetches goes through (webhooks, integrations, the bot's
model endpoint): http(s) only, no credentials in the URL, and a host that resolves only to public
addresses. Without it, whoever may configure a URL could make the server read its own admin
ports, the cloud metadata service (169.254.169.254) or the office network (SSRF).

The check resolves the name itself, so a DNS name that points at 127.0.0.1 is refused like the
address. An operator can let chosen hosts or networks through with PARLEY_OUTBOUND_ALLOWLIST
(comma-separated host names and CIDR ranges), e.g. a model server on the same private network.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings

from parley.errors import ApplicationError, ErrorCode

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _allowlist(extra_hosts: Iterable[str]) -> tuple[set[str], list[ipaddress._BaseNetwork]]:
    hosts: set[str] = set()
    networks: list[ipaddress._BaseNetwork] = []
    for entry in [*getattr(settings, "PARLEY_OUTBOUND_ALLOWLIST", []), *extra_hosts]:
        entry = entry.strip().lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.add(entry)
    return hosts, networks


def is_public_address(ip: IPAddress) -> bool:
    """True for an address on the public internet; loopback, private (10/8, 172.16/12,
    192.168/16, fc00::/7), link-local (169.254/16, fe80::/10), shared (100.64/10), multicast,
    reserved and unspecified addresses are not."""
    if isinstance(ip, ipaddress.IPv6Address):
        # ::ffff:127.0.0.1 and 2002::/16 (6to4) carry an IPv4 address a socket would reach.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None and not is_public_address(embedded):
            return False
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def resolve(host: str, port: int) -> set[IPAddress]:
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    # A scoped IPv6 address comes back as "fe80::1%eth0"; the scope is not part of the address.
    return {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos}


def check_outbound_url(url: str, *, field: str = "url", allow_hosts: Iterable[str] = ()) -> str:
    """Return the URL, stripped, if the server may fetch it; raise ``invalid`` with
    ``fields={field: "invalid" | "unresolved" | "private address"}`` if not."""
    url = url.strip()
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = -1
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        raise ApplicationError(
            ErrorCode.INVALID,
            "The URL must be an http(s) address without credentials.",
            fields={field: "invalid"},
        )
    if port < 0:
        raise ApplicationError(
            ErrorCode.INVALID, "The URL's port is not valid.", fields={field: "invalid"}
        )
    hosts, networks = _allowlist(allow_hosts)
    if host in hosts:
        return url
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError, ValueError) as exc:
        raise ApplicationError(
            ErrorCode.INVALID, "The URL's host does not resolve.", fields={field: "unresolved"}
        ) from exc
    for ip in addresses:
        if is_public_address(ip) or any(ip in network for network in networks):
            continue
        raise ApplicationError(
            ErrorCode.INVALID,
            "The URL points into a private network; an operator must allow the host.",
            fields={field: "private address"},
        )
    return url
