"""``base_url`` (kept per scheme, host, server and root path) against Starlette's own."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from mock_ingrid.api.endpoint import base_url


def _request(scheme: str, host: bytes | None, server: object, root: str) -> Request:
    headers = [(b"host", host)] if host is not None else []
    scope = {
        "type": "http",
        "scheme": scheme,
        "server": server,
        "root_path": root,
        "path": f"{root}/merchant/return/1",
        "query_string": b"a=1",
        "headers": headers,
    }
    return Request(scope)


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("host", [None, b"shop.test", b"127.0.0.1:8080", b"[::1]:9"])
@pytest.mark.parametrize("server", [("127.0.0.1", 80), ["testserver", 443], ("h", 8080), None])
@pytest.mark.parametrize("root", ["", "/mock", "/a/b/"])
def test_what_starlette_answers(scheme: str, host: bytes | None, server: object, root: str) -> None:
    # twice: the second answer comes from what the first kept
    for _ in range(2):
        assert base_url(_request(scheme, host, server, root)) == str(
            _request(scheme, host, server, root).base_url
        )
