"""Text the atlas loads goes gzipped when the client accepts it, and unchanged otherwise."""

from __future__ import annotations

import gzip

import pytest

from gislayout import config

GZ = {"Accept-Encoding": "gzip, deflate"}
LEAFLET = "/static/vendor/leaflet/leaflet.js"


def _read(client, path: str, **kwargs):
    """The response to GET `path`, its body read and its file (a static file's) closed."""
    with client.get(path, **kwargs) as resp:
        resp.get_data()
    return resp


@pytest.mark.parametrize("path", [LEAFLET, "/static/atlas/atlas.css", "/static/siting/siting.js"])
def test_a_static_file_is_gzipped_when_accepted_and_unchanged_bytes_inside(client, path):
    plain, packed = _read(client, path), _read(client, path, headers=GZ)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data == (config.ROOT / path.lstrip("/")).read_bytes()
    assert len(packed.data) < len(plain.data)
    assert packed.headers.get("ETag") != plain.headers.get("ETag")  # two representations, two tags


def test_api_json_is_gzipped_and_a_range_request_is_not(client):
    plain, packed = _read(client, "/api/siting/params"), _read(client, "/api/siting/params", headers=GZ)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    ranged = _read(client, LEAFLET, headers=GZ | {"Range": "bytes=0-99"})
    assert ranged.status_code == 206 and "Content-Encoding" not in ranged.headers and len(ranged.data) == 100


def test_small_or_binary_answers_pass_unchanged(client):
    favicon = _read(client, "/static/atlas/favicon.svg", headers=GZ)  # under the 1 kB floor
    assert favicon.status_code == 200 and "Content-Encoding" not in favicon.headers
    missing = _read(client, "/api/layers/nowhere", headers=GZ)  # an error body: small, left as it is
    assert missing.status_code == 404 and "Content-Encoding" not in missing.headers
