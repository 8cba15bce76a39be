"""`harborline serve` keeps an idle keep-alive connection open for longer than clients and
proxies do (they reuse one after seconds of idleness). With gunicorn's default of 2 seconds the
server closes it first, and a request sent as it closes is answered with a connection reset:
31 of 14,070 requests failed that way in the first 10-minute load run."""

from __future__ import annotations

import socket
import time

import pytest

from .conftest import HOST, PrivateCluster, make_site, serve

pytestmark = pytest.mark.faults

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"


def _answer(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(
        line.split(b":", 1)[1] for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    ))  # fmt: skip
    while len(body) < length:
        body += sock.recv(4096)
    return head


def test_an_idle_connection_is_still_open_after_a_few_seconds(cluster: PrivateCluster) -> None:
    site = make_site(cluster, "keepalive")
    server, base = serve(site, workers=1)
    try:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection((HOST, port), timeout=10) as sock:
            sock.sendall(REQUEST)
            assert _answer(sock).startswith(b"HTTP/1.1 200")
            time.sleep(5)  # a person reading the page
            sock.sendall(REQUEST)
            assert _answer(sock).startswith(b"HTTP/1.1 200"), "the server closed the connection"
    finally:
        server.stop()
