"""Everything the server fetches from a URL someone configured (alert webhooks, the bot's model
endpoint) goes through this module: http(s) only, no credentials in the URL, and a host whose
addresses are all public. Without it, whoever may configure a URL could make the server read
its own admin ports, the cloud metadata service (169.254.169.254) or the office network (SSRF).

Two entry points, one rule:

- ``check_outbound_url`` when a URL is saved: a clear 400 for the person typing it.
- ``outbound_request`` for every call: the host name is resolved **once**, at connect time, by
  the client's own network backend; every address it resolves to must pass, and the socket is
  opened to exactly those checked addresses. A DNS server that answers differently between the
  save and the call (DNS rebinding) is checked on the answer actually used, and the client never
  resolves the name a second time. TLS runs on top of that socket with the host *name*: the SNI
  and the certificate check use the name, as the Host header does. Redirects are not followed
  and proxies from the environment are not used (a proxy would resolve the name itself).

An operator can let chosen hosts or networks through with PARLEY_OUTBOUND_ALLOWLIST
(comma-separated host names and CIDR ranges), e.g. a model server on the same private network.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings

from parley.errors import ApplicationError, ErrorCode

# The most of an answer's body the server reads: a webhook receiver's answer is ignored and a
# model's is a few kilobytes of text.
MAX_RESPONSE_BYTES = 1 << 20

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _allowlist(extra_hosts: Iterable[str]) -> tuple[set[str], list[Network]]:
    hosts: set[str] = set()
    networks: list[Network] = []
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


def resolve(host: str, port: int) -> list[tuple[IPAddress, str]]:
    """Every address ``host`` resolves to, in the resolver's order and without repeats: the
    parsed address and the literal to connect to (an IPv6 scope such as ``%eth0`` is kept in
    the literal, not in the address that is checked)."""
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    found: dict[str, IPAddress] = {}
    for info in infos:
        literal = str(info[4][0])
        found.setdefault(literal, ipaddress.ip_address(literal.split("%")[0]))
    return [(ip, literal) for literal, ip in found.items()]


def _private_address(field: str) -> ApplicationError:
    return ApplicationError(
        ErrorCode.INVALID,
        "The URL points into a private network; an operator must allow the host.",
        fields={field: "private address"},
    )


def _unresolved(field: str) -> ApplicationError:
    return ApplicationError(
        ErrorCode.INVALID, "The URL's host does not resolve.", fields={field: "unresolved"}
    )


def _checked_addresses(
    host: str, port: int, *, allow_hosts: Iterable[str], field: str
) -> list[tuple[IPAddress, str]]:
    """Resolve ``host`` once and return its addresses if **every** one may be reached; raise
    ``unresolved`` or ``private address`` if not. One private answer among public ones is
    enough to refuse: a client may pick that one."""
    hosts, networks = _allowlist(allow_hosts)
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError, ValueError) as exc:
        raise _unresolved(field) from exc
    if not addresses:
        raise _unresolved(field)
    if host.lower() in hosts:
        return addresses
    for ip, _literal in addresses:
        if not (is_public_address(ip) or any(ip in network for network in networks)):
            raise _private_address(field)
    return addresses


def _split(url: str, field: str) -> tuple[str, str, int]:
    """The stripped URL, its host and port; ``invalid`` unless http(s) without credentials."""
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
    return url, host, port


def check_outbound_url(url: str, *, field: str = "url", allow_hosts: Iterable[str] = ()) -> str:
    """Return the URL, stripped, if the server may fetch it; raise ``invalid`` with
    ``fields={field: "invalid" | "unresolved" | "private address"}`` if not. For the moment a
    URL is saved; the call itself goes through ``outbound_request``, which checks again on the
    address it connects to."""
    url, host, port = _split(url, field)
    if host not in _allowlist(allow_hosts)[0]:  # an allowed name may not resolve here yet
        _checked_addresses(host, port, allow_hosts=allow_hosts, field=field)
    return url


class AddressRefused(httpcore.ConnectError):
    """The connect-time check refused the host; carries the ApplicationError to raise."""

    def __init__(self, error: ApplicationError) -> None:
        super().__init__(error.detail)
        self.error = error


class PinnedBackend(httpcore.SyncBackend):
    """httpcore's network backend, except that ``connect_tcp`` resolves the name itself, once,
    checks every address and connects to those literal addresses, one after the other as
    ``socket.create_connection`` would. httpcore starts TLS on the returned stream with the
    URL's host name (``server_hostname``), so the certificate is checked against the name."""

    def __init__(self, *, allow_hosts: Iterable[str], field: str) -> None:
        self.allow_hosts = tuple(allow_hosts)
        self.field = field

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = _checked_addresses(
                host, port, allow_hosts=self.allow_hosts, field=self.field
            )
        except ApplicationError as error:
            raise AddressRefused(error) from None
        last: Exception | None = None
        for _ip, literal in addresses:
            try:
                # A literal address: the socket layer parses it, no name is looked up.
                return super().connect_tcp(
                    literal,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None  # addresses is never empty
        raise last


class PinnedTransport(httpx.HTTPTransport):
    """httpx's own transport (request/response mapping, exceptions, TLS, keep-alive) over a
    connection pool whose network backend is ``PinnedBackend``. httpx 0.28 has no argument
    for the network backend (encode/httpx#3749 adds one), so the pool the base class built is
    replaced by one with the same TLS context; the tests in tests/security/test_outbound_pinning.py
    fail if a later httpx stops using it."""

    def __init__(self, *, allow_hosts: Iterable[str] = (), field: str = "url") -> None:
        # SSL_CERT_FILE / SSL_CERT_DIR are honoured, so an operator can trust a private CA.
        ssl_context = httpx.create_ssl_context(trust_env=True)
        super().__init__(verify=ssl_context, trust_env=False, retries=0)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=4,
            retries=0,
            network_backend=PinnedBackend(allow_hosts=allow_hosts, field=field),
        )


def outbound_request(
    method: str,
    url: str,
    *,
    timeout: float,
    field: str = "url",
    allow_hosts: Iterable[str] = (),
    headers: Mapping[str, str] | None = None,
    content: bytes | None = None,
    json: Any = None,
    max_bytes: int = MAX_RESPONSE_BYTES,
) -> httpx.Response:
    """Send one request to a configured URL and return the response (body read, redirects not
    followed). Raises ``ApplicationError`` (``invalid``, ``fields={field: "invalid" |
    "unresolved" | "private address"}``) when the URL or the address it resolves to at connect
    time is not allowed, and ``httpx.HTTPError`` when the network fails or the answer's body is
    over ``max_bytes`` (``ResponseTooLarge``: a configured endpoint cannot fill the server's
    memory)."""
    url, _host, _port = _split(url, field)
    transport = PinnedTransport(allow_hosts=allow_hosts, field=field)
    with httpx.Client(
        transport=transport, trust_env=False, follow_redirects=False, timeout=timeout
    ) as client:
        try:
            with client.stream(
                method, url, headers=headers, content=content, json=json
            ) as response:
                body = _read_capped(response, max_bytes)
        except httpx.ConnectError as exc:
            if isinstance(exc.__cause__, AddressRefused):
                raise exc.__cause__.error from None
            raise
    # The body is decoded already: the answer no longer carries its transfer encodings.
    kept = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in {"content-encoding", "content-length", "transfer-encoding"}
    ]
    return httpx.Response(
        response.status_code, headers=kept, content=body, request=response.request
    )


class ResponseTooLarge(httpx.HTTPError):
    """The answer's body (decoded) is larger than the caller accepts."""


def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    # Counted after decompression, so a small gzip bomb is stopped too.
    body = bytearray()
    for chunk in response.iter_bytes():
        body.extend(chunk)
        if len(body) > max_bytes:
            raise ResponseTooLarge(f"the answer is larger than {max_bytes} bytes")
    return bytes(body)
