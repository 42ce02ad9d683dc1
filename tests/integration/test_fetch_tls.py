"""HTTPS: the checked IP is dialled, but SNI and certificate checks use the host name."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.httpserver import HTTPTestServer, Reply, serve_http
from wirewatch.config import load_settings
from wirewatch.errors import FetchError
from wirewatch.fetch import Fetcher, FetchResult, HTTPCoreTransport

ALLOW = "127.0.0.0/8,::1/128"


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throw-away CA and a certificate for ``localhost`` signed by it (openssl CLI)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("the openssl command is needed to make test certificates")
    folder = tmp_path_factory.mktemp("certs")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=folder, check=True, capture_output=True)

    run(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=wirewatch test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    )
    run(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=localhost",
    )
    (folder / "leaf.ext").write_text("subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n")
    run(
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "leaf.pem",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
    )
    return folder


@pytest.fixture
def https_server(certs: Path) -> Iterator[tuple[HTTPTestServer, list[str | None]]]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certs / "leaf.pem", certs / "leaf.key")
    server_names: list[str | None] = []
    context.sni_callback = lambda _sock, name, _ctx: server_names.append(name)
    with serve_http(tls=context) as server:
        server.route("/", Reply(body=b"secure"))
        yield server, server_names


def fetch(url: str, ca: Path | None) -> FetchResult:
    async def go() -> FetchResult:
        config = load_settings(env={}, overrides={"allow_networks": ALLOW, "respect_robots": False})
        client_context = ssl.create_default_context(cafile=str(ca) if ca else None)
        transport = HTTPCoreTransport(allow_networks=config.allow_networks, ssl_context=client_context)
        async with Fetcher(config, transport=transport) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(go())


def test_https_uses_the_host_name_for_sni_and_verification(
    https_server: tuple[HTTPTestServer, list[str | None]], certs: Path
) -> None:
    server, server_names = https_server
    result = fetch(f"https://localhost:{server.port}/", certs / "ca.pem")
    assert result.content == b"secure"
    assert server_names == ["localhost"]


def test_certificate_for_another_name_is_a_tls_error(
    https_server: tuple[HTTPTestServer, list[str | None]], certs: Path
) -> None:
    server, _ = https_server
    with pytest.raises(FetchError, match="TLS error") as info:
        fetch(f"https://127.0.0.1:{server.port}/", certs / "ca.pem")  # cert names localhost only
    assert info.value.document == f"https://127.0.0.1:{server.port}/"
    assert server.requests == []


def test_untrusted_certificate_is_a_tls_error(https_server: tuple[HTTPTestServer, list[str | None]]) -> None:
    server, _ = https_server
    with pytest.raises(FetchError, match="TLS error: CERTIFICATE_VERIFY_FAILED"):
        fetch(f"https://localhost:{server.port}/", None)
    assert server.requests == []
