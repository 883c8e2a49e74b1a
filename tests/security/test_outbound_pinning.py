"""Outbound requests connect to the address that was checked (parley/outbound.py): the name is
resolved once, at connect time, every answer is checked, and the socket goes to those checked
addresses; TLS keeps the host name for SNI and certificate checks. Real local servers; only the
resolver is replaced, so each test says what each name resolves to and when."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.utils import timezone

from parley.analytics.alerts import RuleInput, alert_rule_create, alerts_evaluate
from parley.analytics.models import AlertEvent, AlertRule, EventKind, ReportingEvent
from parley.errors import ApplicationError
from parley.outbound import ResponseTooLarge, check_outbound_url, outbound_request
from tests.conftest import World

PUBLIC = "93.184.216.34"  # never connected to: every test that gets it is refused first

# --- a resolver the test controls ------------------------------------------------------------


@dataclass
class Resolver:
    """Answers for names, one list per lookup in turn (the last one repeats); literal addresses
    go to the real resolver, which parses them without asking DNS."""

    answers: dict[str, list[list[str]]] = field(default_factory=dict)
    lookups: dict[str, int] = field(default_factory=dict)

    def name(self, host: str, *answers: list[str]) -> None:
        self.answers[host] = list(answers)


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> Resolver:
    r = Resolver()
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            ipaddress.ip_address(str(host).split("%")[0])
        except ValueError:
            pass
        else:
            return real(host, port, *args, **kwargs)
        if host not in r.answers:
            raise socket.gaierror(socket.EAI_NONAME, "unknown name")
        turn = r.lookups.get(host, 0)
        r.lookups[host] = turn + 1
        answer = r.answers[host][min(turn, len(r.answers[host]) - 1)]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in answer
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return r


# --- real local servers -----------------------------------------------------------------------


@dataclass
class Server:
    """An HTTP(S) server on one local address that counts connections and keeps requests."""

    httpd: ThreadingHTTPServer
    connections: int = 0
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    sni: list[str | None] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])


def start_server(
    address: str,
    port: int = 0,
    *,
    status: int = 204,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> Server:
    server: Server

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            received = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            server.requests.append(
                (self.path, {k.lower(): v for k, v in self.headers.items()}, received)
            )
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: Any) -> None:
            pass

    class Counting(ThreadingHTTPServer):
        daemon_threads = True

        def verify_request(self, request: Any, client_address: Any) -> bool:
            server.connections += 1
            return True

    server = Server(Counting((address, port), Handler))
    threading.Thread(target=server.httpd.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def servers() -> Iterator[Callable[..., Server]]:
    started: list[Server] = []

    def start(address: str = "127.0.0.1", port: int = 0, **kwargs: Any) -> Server:
        started.append(start_server(address, port, **kwargs))
        return started[-1]

    yield start
    for s in started:
        s.httpd.shutdown()
        s.httpd.server_close()


def refused(call: Callable[[], object]) -> str:
    with pytest.raises(ApplicationError) as caught:
        call()
    return str(next(iter(caught.value.fields.values())))


# --- connect-time refusal ---------------------------------------------------------------------


def test_a_name_resolving_to_loopback_is_refused_at_connect_without_any_save_time_check(
    resolver: Resolver, servers: Callable[..., Server]
) -> None:
    # given a local service and a name that points at it (no check ran before this call)
    target = servers()
    resolver.name("loopback.attacker.test", ["127.0.0.1"])
    # when the server is asked to fetch it
    outcome = refused(
        lambda: outbound_request("GET", f"http://loopback.attacker.test:{target.port}/", timeout=2)
    )
    # then it is refused and the local service never saw a connection
    assert outcome == "private address"
    assert target.connections == 0


@pytest.mark.django_db
def test_an_alert_rule_saved_around_the_guard_cannot_reach_loopback(
    world: World, resolver: Resolver, servers: Callable[..., Server]
) -> None:
    # given a rule written straight to the database (the save-time check bypassed)
    target = servers()
    resolver.name("loopback.attacker.test", ["127.0.0.1"])
    AlertRule.objects.create(
        workspace=world.workspace,
        name="Rush",
        metric="volume",
        comparison="gt",
        threshold=1,
        window_minutes=15,
        webhook_url=f"http://loopback.attacker.test:{target.port}/steal",
        webhook_secret="s",
    )
    conversations_created(world, 3)
    # when it fires
    assert alerts_evaluate(now=timezone.now()) == 1
    # then the delivery is refused and nothing reached the local service
    assert AlertEvent.objects.get().deliveries["webhook"] == "failed: address not allowed"
    assert target.connections == 0


def test_one_private_answer_among_public_ones_is_refused_at_connect(
    resolver: Resolver, servers: Callable[..., Server]
) -> None:
    target = servers()
    resolver.name("mixed.attacker.test", [PUBLIC, "127.0.0.1"])
    outcome = refused(
        lambda: outbound_request("GET", f"http://mixed.attacker.test:{target.port}/", timeout=2)
    )
    assert outcome == "private address"
    assert target.connections == 0


def test_dns_rebinding_public_when_saved_loopback_when_called_is_refused(
    resolver: Resolver, servers: Callable[..., Server]
) -> None:
    # given a DNS server that answers a public address first and loopback afterwards
    target = servers()
    resolver.name("rebind.attacker.test", [PUBLIC], ["127.0.0.1"])
    url = f"http://rebind.attacker.test:{target.port}/"
    # the save-time check sees the public answer and accepts the URL
    assert check_outbound_url(url) == url
    # when the call is made, the answer used for the connection is checked again
    assert refused(lambda: outbound_request("POST", url, content=b"{}", timeout=2)) == (
        "private address"
    )
    assert target.connections == 0


@pytest.mark.django_db
def test_dns_rebinding_against_an_alert_webhook(
    world: World, resolver: Resolver, servers: Callable[..., Server]
) -> None:
    target = servers()
    resolver.name("rebind.attacker.test", [PUBLIC], ["127.0.0.1"])
    # the rule is saved through the service, whose check sees the public answer
    alert_rule_create(
        actor=world.supervisor,
        data=RuleInput(
            name="Rush",
            metric="volume",
            comparison="gt",
            threshold=1,
            window_minutes=15,
            cooldown_minutes=30,
            webhook_url=f"http://rebind.attacker.test:{target.port}/hook",
        ),
    )
    conversations_created(world, 3)
    assert alerts_evaluate(now=timezone.now()) == 1
    assert AlertEvent.objects.get().deliveries["webhook"] == "failed: address not allowed"
    assert target.connections == 0


def test_dns_rebinding_between_check_and_connect_reaches_only_the_checked_address(
    settings: Any, resolver: Resolver, servers: Callable[..., Server]
) -> None:
    """A client that checks the name and then lets the HTTP library resolve it again would
    reach 127.0.0.1 here; the pinned connection reaches the address it checked."""
    # given an allowed receiver on 127.0.0.2 and a service on 127.0.0.1 at the same port, and a
    # name that answers 127.0.0.2 first and 127.0.0.1 on any later lookup
    settings.PARLEY_OUTBOUND_ALLOWLIST = ["127.0.0.2/32"]
    allowed, other = same_port_pair(servers, "127.0.0.2", "127.0.0.1")
    resolver.name("flip.attacker.test", ["127.0.0.2"], ["127.0.0.1"])
    # when the request is made
    response = outbound_request("GET", f"http://flip.attacker.test:{allowed.port}/x", timeout=2)
    # then the name was looked up once and the checked address is the one that was reached
    assert response.status_code == 204
    assert resolver.lookups["flip.attacker.test"] == 1
    assert [path for path, _, _ in allowed.requests] == ["/x"]
    assert other.connections == 0


def same_port_pair(start: Callable[..., Server], first: str, second: str) -> tuple[Server, Server]:
    for _ in range(20):
        a = start(first)
        try:
            return a, start(second, a.port)
        except OSError:
            continue  # that port is taken on the second address; try another
    raise RuntimeError("no port free on both addresses")


# --- what still works -------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_allowlisted_local_receiver_gets_the_signed_webhook(
    world: World, settings: Any, resolver: Resolver, servers: Callable[..., Server]
) -> None:
    # given an operator who allows a receiver on the local network, by name
    settings.PARLEY_OUTBOUND_ALLOWLIST = ["hooks.internal.test"]
    receiver = servers()
    resolver.name("hooks.internal.test", ["127.0.0.1"])
    rule = alert_rule_create(
        actor=world.supervisor,
        data=RuleInput(
            name="Rush",
            metric="volume",
            comparison="gt",
            threshold=1,
            window_minutes=15,
            cooldown_minutes=30,
            webhook_url=f"http://hooks.internal.test:{receiver.port}/parley",
        ),
    )
    conversations_created(world, 3)
    # when the rule fires
    assert alerts_evaluate(now=timezone.now()) == 1
    # then the receiver got one POST, addressed by name, whose signature verifies
    ((path, headers, body),) = receiver.requests
    assert path == "/parley"
    assert headers["host"] == f"hooks.internal.test:{receiver.port}"
    expected = hmac.new(
        rule.webhook_secret.encode(),
        headers["x-parley-timestamp"].encode() + b"." + body,
        hashlib.sha256,
    ).hexdigest()
    assert headers["x-parley-signature"] == "sha256=" + expected
    assert json.loads(body)["type"] == "alert.fired"
    assert AlertEvent.objects.get().deliveries["webhook"] == "204"


def test_a_token_in_a_webhook_url_is_not_logged(
    settings: Any, servers: Callable[..., Server], caplog: pytest.LogCaptureFixture
) -> None:
    settings.PARLEY_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
    receiver = servers()
    caplog.set_level(logging.DEBUG)  # whatever the root logger lets through

    response = outbound_request(
        "POST",
        f"http://127.0.0.1:{receiver.port}/hook?token=s3cret-webhook-token",
        timeout=5,
        json={"ping": True},
    )

    assert response.status_code == 204 and len(receiver.requests) == 1
    assert "s3cret-webhook-token" not in caplog.text


def test_an_answer_over_the_size_cap_is_refused_not_read_whole(
    settings: Any, servers: Callable[..., Server]
) -> None:
    settings.PARLEY_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
    small = servers(status=200, body=b"ok")
    huge = servers(status=200, body=b"x" * (64 * 1024 + 1))
    # A gzip bomb: a small body on the wire that decodes to far more than the cap.
    bomb = servers(
        status=200, headers={"Content-Encoding": "gzip"}, body=gzip.compress(b"0" * 200_000)
    )

    answer = outbound_request("GET", f"http://127.0.0.1:{small.port}/", timeout=5, max_bytes=1024)
    assert answer.status_code == 200 and answer.content == b"ok"
    for server in (huge, bomb):
        with pytest.raises(ResponseTooLarge):
            outbound_request("GET", f"http://127.0.0.1:{server.port}/", timeout=5, max_bytes=1024)


def test_redirects_are_not_followed(
    settings: Any, resolver: Resolver, servers: Callable[..., Server]
) -> None:
    # given an allowed receiver that redirects to a local service that is not allowed
    settings.PARLEY_OUTBOUND_ALLOWLIST = ["127.0.0.2/32"]
    inner = servers("127.0.0.1")
    hop = servers("127.0.0.2", status=307, headers={"Location": f"http://127.0.0.1:{inner.port}/"})
    response = outbound_request("POST", f"http://127.0.0.2:{hop.port}/", content=b"x", timeout=2)
    assert response.status_code == 307
    assert inner.connections == 0


def test_proxies_from_the_environment_are_not_used(
    settings: Any, monkeypatch: pytest.MonkeyPatch, servers: Callable[..., Server]
) -> None:
    # a proxy would resolve the name itself, out of the guard's sight
    settings.PARLEY_OUTBOUND_ALLOWLIST = ["127.0.0.2/32"]
    proxy = servers("127.0.0.1")
    receiver = servers("127.0.0.2")
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{proxy.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    response = outbound_request("GET", f"http://127.0.0.2:{receiver.port}/", timeout=2)
    assert response.status_code == 204
    assert proxy.connections == 0
    assert len(receiver.requests) == 1


# --- TLS keeps the host name ------------------------------------------------------------------


@dataclass
class Pki:
    ca_file: Path
    server_context: ssl.SSLContext


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    """A throw-away CA and a certificate for hooks.internal.test only."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Parley test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hooks.internal.test")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("hooks.internal.test")]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    chain = tmp_path / "server.pem"
    chain.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        + leaf.public_bytes(serialization.Encoding.PEM)
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(chain)
    return Pki(ca_file=ca_file, server_context=context)


@pytest.fixture
def tls_server(pki: Pki, servers: Callable[..., Server]) -> Server:
    server = servers("127.0.0.1")

    def remember_sni(sock: Any, name: str | None, context: Any) -> None:
        server.sni.append(name)

    pki.server_context.sni_callback = remember_sni
    server.httpd.socket = pki.server_context.wrap_socket(server.httpd.socket, server_side=True)
    return server


def test_https_uses_the_host_name_for_sni_and_the_certificate(
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    resolver: Resolver,
    pki: Pki,
    tls_server: Server,
) -> None:
    # given a TLS receiver on 127.0.0.1 whose certificate names hooks.internal.test, trusted
    # through SSL_CERT_FILE as an operator would trust a private CA
    settings.PARLEY_OUTBOUND_ALLOWLIST = ["127.0.0.1/32"]
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.ca_file))
    resolver.name("hooks.internal.test", ["127.0.0.1"])
    resolver.name("wrong-name.internal.test", ["127.0.0.1"])
    port = tls_server.port
    # when it is called by that name, the connection is pinned to the IP and TLS still
    # presents and verifies the name
    response = outbound_request("GET", f"https://hooks.internal.test:{port}/tls", timeout=5)
    assert response.status_code == 204
    assert tls_server.sni == ["hooks.internal.test"]
    ((path, headers, _body),) = tls_server.requests
    assert (path, headers["host"]) == ("/tls", f"hooks.internal.test:{port}")
    # and a name the certificate does not cover fails verification, though the IP is the same
    with pytest.raises(httpx.ConnectError) as caught:
        outbound_request("GET", f"https://wrong-name.internal.test:{port}/", timeout=5)
    assert verification_failed(caught.value, "Hostname mismatch")
    assert tls_server.sni[-1] == "wrong-name.internal.test"
    assert len(tls_server.requests) == 1


def test_https_refuses_a_certificate_from_an_unknown_authority(
    settings: Any, resolver: Resolver, tls_server: Server
) -> None:
    settings.PARLEY_OUTBOUND_ALLOWLIST = ["127.0.0.1/32"]
    resolver.name("hooks.internal.test", ["127.0.0.1"])
    with pytest.raises(httpx.ConnectError) as caught:
        outbound_request("GET", f"https://hooks.internal.test:{tls_server.port}/", timeout=5)
    assert verification_failed(caught.value, "unable to get local issuer certificate")
    assert tls_server.requests == []


def verification_failed(error: httpx.ConnectError, reason: str) -> bool:
    # httpx's error wraps httpcore's, whose argument is the ssl module's own error
    (ssl_error,) = error.__cause__.args if error.__cause__ else (None,)
    return isinstance(ssl_error, ssl.SSLCertVerificationError) and reason in str(ssl_error)


# --- helpers ------------------------------------------------------------------------------------


def conversations_created(world: World, n: int) -> None:
    at = timezone.now() - dt.timedelta(minutes=1)
    ReportingEvent.objects.bulk_create(
        ReportingEvent(
            workspace=world.workspace,
            kind=EventKind.CREATED,
            occurred_at=at,
            recorded_at=at,
            inbox_id=world.inbox.pk,
            channel="widget",
        )
        for _ in range(n)
    )
