"""The client address behind proxies: X-Forwarded-For is believed only from TRUSTED_PROXIES."""

import ipaddress

import pytest
from django.test import RequestFactory

from committee.clients import client_address
from tests.committee.test_settings import run_manage


def request(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.fixture
def proxies(settings):
    settings.TRUSTED_PROXIES = [
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("::1/128"),
    ]


def test_without_trusted_proxies_it_is_the_socket_address(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request("203.0.113.7", "1.2.3.4")) == "203.0.113.7"


def test_a_header_from_an_untrusted_address_is_ignored(proxies):
    assert client_address(request("203.0.113.7", "1.2.3.4, 10.0.0.1")) == "203.0.113.7"


def test_from_a_trusted_proxy_it_is_the_rightmost_address_no_proxy_added(proxies):
    assert client_address(request("10.0.0.1", "6.6.6.6, 203.0.113.7, 10.0.0.9")) == "203.0.113.7"
    assert client_address(request("::1", "2001:db8::5")) == "2001:db8::5"


def test_a_garbled_or_missing_header_from_a_proxy_counts_the_proxy(proxies):
    assert client_address(request("10.0.0.1", "not-an-ip")) == "10.0.0.1"
    assert client_address(request("10.0.0.1")) == "10.0.0.1"
    assert client_address(request("10.0.0.1", "10.0.0.2")) == "10.0.0.1"


def test_start_up_refuses_a_proxy_list_it_cannot_read():
    result = run_manage("check", DEBUG="true", TRUSTED_PROXIES="10.0.0.1, proxy.local")
    assert result.returncode == 1
    assert "TRUSTED_PROXIES must list IP addresses or networks" in result.stderr
