"""The outbound-URL guard (parley/outbound.py): what the server may fetch after DNS resolution."""

from __future__ import annotations

import socket

import pytest

from parley.errors import ApplicationError
from parley.outbound import check_outbound_url

# A tiny resolver: every test is offline and says what each name resolves to.
DNS = {
    "api.example.com": ["93.184.216.34"],
    "localtest.me": ["127.0.0.1"],
    "rebind.example.com": ["93.184.216.34", "10.1.2.3"],
    "v6-loopback.example.com": ["::1"],
    "mapped.example.com": ["::ffff:169.254.169.254"],
    "models.internal": ["10.0.0.7"],
}


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch):
    def getaddrinfo(host, port, *args, **kwargs):
        try:
            addresses = DNS[host]
        except KeyError:
            # Literal addresses resolve to themselves, as with the real resolver.
            import ipaddress

            try:
                addresses = [str(ipaddress.ip_address(host))]
            except ValueError:
                raise socket.gaierror(socket.EAI_NONAME, "unknown") from None
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def refusal(url: str, **kwargs) -> str:
    with pytest.raises(ApplicationError) as caught:
        check_outbound_url(url, **kwargs)
    return caught.value.fields["url"]


def test_a_public_https_url_passes():
    assert check_outbound_url(" https://api.example.com/v1 ") == "https://api.example.com/v1"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1.2.3:8000/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://10.255.255.255/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://224.0.0.1/",
        "http://localtest.me/",
        "http://v6-loopback.example.com/",
        "http://mapped.example.com/",
        # One private answer among public ones is enough: the client may pick that one.
        "http://rebind.example.com/",
    ],
)
def test_ssrf_private_loopback_and_link_local_targets_are_refused(url):
    assert refusal(url) == "private address"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://api.example.com/",
        "http://user:pw@api.example.com/",
        "http:///x",
    ],
)
def test_other_schemes_and_credentials_are_refused(url):
    assert refusal(url) == "invalid"


def test_a_name_that_does_not_resolve_is_refused():
    assert refusal("https://nowhere.invalid/") == "unresolved"


def test_the_allowlist_lets_chosen_hosts_and_networks_through(settings):
    settings.PARLEY_OUTBOUND_ALLOWLIST = ["models.internal", "192.168.0.0/16"]
    assert check_outbound_url("http://models.internal:8080/v1")
    assert check_outbound_url("http://192.168.3.4/")
    # Only what was listed: the rest of the private ranges stay closed.
    assert refusal("http://10.0.0.1/") == "private address"
    assert refusal("http://169.254.169.254/") == "private address"


def test_a_caller_can_name_its_own_extra_hosts():
    assert check_outbound_url("http://models.internal/", allow_hosts=["models.internal"])
    assert refusal("http://models.internal/") == "private address"
