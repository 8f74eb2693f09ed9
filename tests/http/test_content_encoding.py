"""Request bodies with a ``Content-Encoding``: gzip and deflate are decoded (their
decompressed size counts against ``--max-body-bytes``), identity is the plain body,
and every other coding is a 415 that names it, on every route that reads a body."""

from __future__ import annotations

import gzip
import json
import zlib

import pytest
from starlette.testclient import TestClient

from mock_ingrid.settings import Settings
from tests.builders import REFERENCE_PRODUCT
from tests.conftest import make_client

PRODUCT = json.dumps(REFERENCE_PRODUCT).encode()
ROUTES = ["/products", "/merchant/items/returned", "/_mock/faults"]


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


ENCODED = {
    "gzip": gzip.compress(PRODUCT),
    "x-gzip": gzip.compress(PRODUCT),
    "deflate": zlib.compress(PRODUCT),
    "identity": PRODUCT,
    "gzip, identity": gzip.compress(PRODUCT),
    "deflate, gzip": gzip.compress(zlib.compress(PRODUCT)),
}


@pytest.mark.parametrize("coding", list(ENCODED))
def test_a_gzip_or_deflate_body_is_decoded(client: TestClient, coding: str) -> None:
    headers = {"content-type": "application/json", "content-encoding": coding}
    response = client.post("/products", content=ENCODED[coding], headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["variants"] == REFERENCE_PRODUCT["variants"]


def test_raw_deflate_is_read_as_deflate_too(client: TestClient) -> None:
    headers = {"content-type": "application/json", "content-encoding": "Deflate"}
    response = client.post("/products", content=_raw_deflate(PRODUCT), headers=headers)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("coding", ["br", "compress", "zstd", "bogus", "gzip, br", "br, gzip"])
@pytest.mark.parametrize("path", ROUTES)
def test_any_other_coding_is_a_415_that_names_it(
    client: TestClient, path: str, coding: str
) -> None:
    headers = {"content-type": "application/json", "content-encoding": coding}
    response = client.post(path, content=PRODUCT, headers=headers)
    assert response.status_code == 415, response.text
    # Both error shapes (current and /_mock: code; legacy: Spring's) carry the message.
    named = "br" if "br" in coding else coding
    assert f"Content-Encoding '{named}' is not supported" in response.json()["message"]
    assert client.get("/products").json()["data"] == []


@pytest.mark.parametrize("path", ROUTES)
def test_a_zip_bomb_is_a_413_on_its_decompressed_size(path: str) -> None:
    bomb = gzip.compress(b" " * 1_000_000)  # about 1 kB that inflates to 1 MB
    assert len(bomb) < 2048
    with make_client(Settings(max_body_bytes=4096)) as client:
        headers = {"content-type": "application/json", "content-encoding": "gzip"}
        response = client.post(path, content=bomb, headers=headers)
        assert response.status_code == 413, response.text
        assert (
            response.json()["message"] == "the decompressed request body is larger than 4096 bytes"
        )


@pytest.mark.parametrize(
    "data", [b"not gzip at all", gzip.compress(PRODUCT)[:-8], gzip.compress(PRODUCT) + b"x"]
)
def test_a_body_that_does_not_decompress_is_a_400(client: TestClient, data: bytes) -> None:
    headers = {"content-type": "application/json", "content-encoding": "gzip"}
    response = client.post("/products", content=data, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "MALFORMED_JSON"
    assert "not valid gzip data" in response.json()["message"]


def test_every_document_says_which_codings_are_read() -> None:
    from tests.oracle import load_spec

    for name in ("current", "legacy", "control"):
        description = load_spec(name)["info"]["description"]
        assert "Content-Encoding" in description and "gzip" in description, name
