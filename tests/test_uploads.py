"""The shared upload reader against hostile and odd files: always InvalidData/TooLarge, never a crash."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest

from gislayout import uploads
from gislayout.analysis import upload as siting_upload
from gislayout.errors import InvalidData, TooLarge

LIMITS = {"max_bytes": 5_000_000, "max_features": 2000}


def _read(name: str, data: bytes):
    return uploads.read(name, data, **LIMITS)


def _zip_with_bad_member() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for ext in (".shp", ".shx", ".dbf"):
            z.writestr(f"a{ext}", b"x" * 5000)
    raw = bytearray(buf.getvalue())
    start = raw.index(b"a.shp") + len("a.shp")
    raw[start + 5: start + 40] = b"\xff" * 35  # corrupt the deflate stream of the first member
    return bytes(raw)


@pytest.mark.parametrize("name, data, fragment", [
    ("deep.geojson", ("[" * 5000 + "]" * 5000).encode(), "too deeply"),
    ("nan.geojson", b'{"type":"Polygon","coordinates":[[[103,36],[NaN,36],[104,37],[103,36]]]}', "NaN or infinite"),
    ("bad.zip", _zip_with_bad_member(), "cannot be unzipped"),
])
def test_hostile_files_are_invalid_data(name, data, fragment):
    with pytest.raises(InvalidData, match=fragment):
        gdf = _read(name, data)
        uploads.check_geometries(gdf, name, what="upload", allowed={0: "Point", 3: "Polygon"}, expected="x")


def test_too_many_columns_is_too_large():
    row = ",".join(f"c{i}" for i in range(uploads.MAX_COLUMNS + 1))
    data = f"lon,lat,{row}\n103.8,36.06,{','.join('1' for _ in range(uploads.MAX_COLUMNS + 1))}\n".encode()
    with pytest.raises(TooLarge, match="columns"):
        _read("wide.csv", data)


def test_huge_integers_become_text():
    doc = {"type": "Feature", "properties": {"n": 2**70}, "geometry": {"type": "Point", "coordinates": [103.8, 36.06]}}
    gdf = _read("big.geojson", json.dumps(doc).encode())
    assert gdf["n"].iloc[0] == str(2**70)


def test_an_uploaded_fid_column_is_kept_under_another_name():
    gdf = siting_upload.read("f.csv", b"lon,lat,fid\n103.8,36.06,7\n", "sites")
    assert list(gdf["fid"]) == [1] and list(gdf["source_fid"]) == ["7"]


def test_csv_formulas_are_neutralised():
    df = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "@SUM(1)", "-5", "plain", "+86 931"], "=cmd": [1, 2, 3, 4, 5]})
    out = uploads.neutralise_formulas(df)
    assert list(out["name"]) == ["'=HYPERLINK(\"x\")", "'@SUM(1)", "-5", "plain", "'+86 931"]
    assert "'=cmd" in out.columns
