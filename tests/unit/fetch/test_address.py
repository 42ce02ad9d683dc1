"""The address classifier: what an outbound fetch may dial."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wirewatch.errors import BlockedAddressError, FetchError
from wirewatch.fetch.address import blocked_reason, check_address, literal_address

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "not globally routable"),
        ("0.0.0.0", "unspecified"),
        ("255.255.255.255", "private"),
        ("::1", "loopback"),
        ("[::1]", "loopback"),
        ("::", "unspecified"),
        ("[::]", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback (embeds 127.0.0.1)"),
        ("[::ffff:192.168.0.1]", "private (embeds 192.168.0.1)"),
        ("::ffff:169.254.169.254", "link-local (embeds 169.254.169.254)"),
        ("64:ff9b::10.0.0.1", "private (embeds 10.0.0.1)"),
        ("2002:7f00:1::", "loopback (embeds 127.0.0.1)"),
        ("::127.0.0.1", "reserved"),
        # legacy IPv4 literals that getaddrinfo/inet_aton accept and ipaddress rejects
        ("0177.0.0.1", "loopback"),
        ("2130706433", "loopback"),
        ("127.1", "loopback"),
        ("0x7f.1", "loopback"),
        ("0x7f000001", "loopback"),
        ("0xa.0.0.1", "private"),
        ("012.1", "private"),
    ],
)
def test_not_public_addresses_are_refused(host: str, reason: str) -> None:
    address = literal_address(host)
    assert address is not None, host
    assert blocked_reason(address) == reason
    with pytest.raises(BlockedAddressError, match="not allowed"):
        check_address(address)


@pytest.mark.parametrize(
    "host",
    [
        "8.8.8.8",
        "1.1.1.1",
        "93.184.215.14",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
        "64:ff9b::8.8.8.8",
        "2002:808:808::1",
    ],
)
def test_public_addresses_are_allowed(host: str) -> None:
    address = literal_address(host)
    assert address is not None
    assert blocked_reason(address) is None
    check_address(address)


def test_message_names_the_address_and_the_setting() -> None:
    with pytest.raises(BlockedAddressError) as info:
        check_address(ipaddress.ip_address("10.0.0.1"))
    assert info.value.message == "address 10.0.0.1 is private and not allowed (setting allow_networks)"
    assert isinstance(info.value, FetchError)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.9.9.9", "::ffff:127.0.0.1", "0177.0.0.1", "2130706433"])
def test_allow_networks_lets_loopback_through(host: str) -> None:
    address = literal_address(host)
    assert address is not None
    assert blocked_reason(address, LOOPBACK) is None


@pytest.mark.parametrize("host", ["10.0.0.1", "192.168.1.1", "::1", "169.254.169.254", "::ffff:10.0.0.1"])
def test_allow_networks_is_not_a_blanket_pass(host: str) -> None:
    address = literal_address(host)
    assert address is not None
    assert blocked_reason(address, LOOPBACK) is not None


def test_allow_networks_of_ipv6() -> None:
    allow = (ipaddress.ip_network("::1/128"), ipaddress.ip_network("fd00::/8"))
    assert blocked_reason(ipaddress.ip_address("::1"), allow) is None
    assert blocked_reason(ipaddress.ip_address("fd12::3"), allow) is None
    assert blocked_reason(ipaddress.ip_address("127.0.0.1"), allow) == "loopback"


@pytest.mark.parametrize("host", ["example.org", "localhost", "127.0.0.1.nip.io", "", "1.2.3.4.5", "0x7g.1"])
def test_names_are_not_literals(host: str) -> None:
    assert literal_address(host) is None


_REFUSED = [ipaddress.ip_network(n) for n in ("127.0.0.0/8", "10.0.0.0/8", "192.168.0.0/16")]


@given(
    st.sampled_from(_REFUSED).flatmap(
        lambda net: st.integers(int(net.network_address), int(net.broadcast_address))
    )
)
def test_private_ipv4_in_integer_form_is_refused(number: int) -> None:
    address = literal_address(str(number))
    assert address == ipaddress.IPv4Address(number)
    assert blocked_reason(address) is not None
    mapped = literal_address(f"::ffff:{ipaddress.IPv4Address(number)}")
    assert mapped is not None
    assert blocked_reason(mapped) is not None
