"""The download-everything bundle: one GeoPackage with every layer, the installed rasters, a README with
sources and licences, and a QGIS project that parses and points only at files inside the bundle."""

from __future__ import annotations

import os
import subprocess
import sys
import types
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np
import pyogrio
import pytest
import rasterio
from affine import Affine

import gislayout
from gislayout import config, layers, regions
from gislayout.export import bundle
from gislayout.export.metadata import LICENCE

from .conftest import requires_ogrinfo

RASTER = {"name": "ghi_test", "installed": True, "title_zh": "测试辐射", "title_en": "Test GHI",
          "units": "kWh/m²/yr", "vmin": 1200, "vmax": 2000, "source": "synthetic test raster",
          "licence": "CC0 (test)", "colors": ["#ffffcc", "#fd8d3c", "#bd0026"]}


def write_raster(path: Path) -> Path:
    """A small single-band GeoTIFF over Gansu with a nodata corner."""
    data = np.linspace(1200, 2000, 40 * 60, dtype="float32").reshape(40, 60)
    data[:5, :5] = -9999
    with rasterio.open(path, "w", driver="GTiff", width=60, height=40, count=1, dtype="float32",
                       crs="EPSG:4326", transform=Affine(0.25, 0, 92.0, 0, -0.25, 43.0), nodata=-9999) as ds:
        ds.write(data, 1)
    return path


def fake_resources(tif: Path) -> types.ModuleType:
    """Stands in for gislayout.resources: one installed raster, one not installed."""
    module = types.ModuleType("gislayout.resources")
    opened: dict[str, rasterio.io.DatasetReader] = {}
    module.catalogue = lambda: [RASTER, {"name": "gwa_ws100", "installed": False}]
    module.dataset = lambda name: opened.setdefault(name, rasterio.open(tif))
    module.opened = opened
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The bundle built once into a temporary folder with one installed raster; yields (zip path, folder)."""
    tmp = tmp_path_factory.mktemp("bundle")
    tif = write_raster(tmp / "ghi_test.tif")
    with pytest.MonkeyPatch.context() as mp:
        module = fake_resources(tif)
        mp.setitem(sys.modules, "gislayout.resources", module)
        mp.setattr(gislayout, "resources", module, raising=False)
        mp.setattr(bundle, "resources", module)  # bundle imports gislayout.resources at its top
        mp.setattr(bundle, "bundle_dir", lambda: tmp / "out")
        path = bundle.build()
        for ds in module.opened.values():
            ds.close()
    unpacked = tmp / "unpacked"
    with zipfile.ZipFile(path) as zf:
        zf.extractall(unpacked)
    return path, unpacked


def test_bundle_holds_everything(built):
    path, _ = built
    names = set(zipfile.ZipFile(path).namelist())
    assert {"gislayout.gpkg", "gislayout.qgs", "README.txt", "metadata.json", "rasters/ghi_test.tif"} == names


def test_every_layer_is_in_the_geopackage(built):
    _, folder = built
    listed = {name: geom for name, geom in pyogrio.list_layers(folder / "gislayout.gpkg")}
    expected = {n for n in layers.CATALOGUE if n != "regions"} | {f"regions_{s}" for s in regions.schemes()}
    assert expected | {"sectors", "chains", "targets"} == set(listed)
    for gpkg_layer, (name, filters) in bundle.bundle_layers().items():
        info = pyogrio.read_info(folder / "gislayout.gpkg", layer=gpkg_layer)
        assert info["features"] == len(layers.load(name, **filters)) and info["crs"] == "EPSG:4326"
        assert config.POLICY_CITATION in info["layer_metadata"]["sources"]


@requires_ogrinfo
def test_ogrinfo_reads_the_bundle_geopackage(built):
    _, folder = built
    out = subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(folder / "gislayout.gpkg")], capture_output=True,
                         check=True, env={**os.environ, "LC_ALL": "C.UTF-8"}).stdout.decode("utf-8")
    assert "Layer name: bases\n" in out and f"Feature Count: {len(layers.load('bases'))}\n" in out
    assert out.count('GEOGCRS["WGS 84"') >= len(bundle.bundle_layers())


def test_readme_names_sources_and_licences(built):
    _, folder = built
    text = (folder / "README.txt").read_text(encoding="utf-8")
    for needle in (config.POLICY_CITATION, config.BOUNDARY_ATTRIBUTION, LICENCE, "rasters/ghi_test.tif",
                   RASTER["source"], RASTER["licence"], "Generated: "):
        assert needle in text


def _sources(root: ET.Element) -> list[str]:
    return [el.text for el in root.iter("datasource")] + [el.get("source") for el in root.iter("layer-tree-layer")]


def test_qgs_parses_and_references_only_files_in_the_bundle(built):
    path, folder = built
    root = ET.parse(folder / "gislayout.qgs").getroot()
    assert root.tag == "qgis" and root.find("properties/Paths/Absolute").text == "false"
    names = set(zipfile.ZipFile(path).namelist())
    gpkg_layers = {name for name, _ in pyogrio.list_layers(folder / "gislayout.gpkg")}
    sources = _sources(root)
    assert sources
    for source in sources:
        file, _, options = source.partition("|")
        assert file.startswith("./") and ".." not in PurePosixPath(file).parts, source
        assert str(PurePosixPath(file[2:])) in names, source
        if options:
            assert options.startswith("layername=") and options.split("=", 1)[1] in gpkg_layers, source
    used = {s.split("layername=")[1] for s in sources if "layername=" in s}
    assert used == {n for n in gpkg_layers if n not in bundle.TABLES}
    tree_ids = {el.get("id") for el in root.iter("layer-tree-layer")}
    layer_ids = {el.find("id").text for el in root.iter("maplayer")}
    assert tree_ids == layer_ids


def test_qgs_styles_like_the_atlas(built):
    _, folder = built
    root = ET.parse(folder / "gislayout.qgs").getroot()
    by_source = {ml.find("datasource").text: ml for ml in root.iter("maplayer")}
    parks = by_source["./gislayout.gpkg|layername=parks"].find("renderer-v2")
    assert parks.get("type") == "categorizedSymbol" and "sectors" in parks.get("attr") and "level" in parks.get("attr")
    values = {c.get("value") for c in parks.iter("category")}
    data = layers.load("parks")
    assert {f"{s.split(';')[0]}/{lv if isinstance(lv, str) else ''}" for s, lv in zip(data["sectors"], data["level"])} \
        == values
    zones = by_source["./gislayout.gpkg|layername=regions_2009"].find("renderer-v2")
    assert {c.get("value") for c in zones.iter("category")} == {z.id for z in regions.get("2009").zones}
    raster = by_source["./rasters/ghi_test.tif"]
    assert raster.get("type") == "raster"
    renderer = raster.find("pipe/rasterrenderer")
    assert renderer.get("type") == "singlebandpseudocolor"
    items = renderer.findall(".//colorrampshader/item")
    assert [i.get("color") for i in items] == RASTER["colors"]
    assert float(items[0].get("value")) == RASTER["vmin"] and float(items[-1].get("value")) == RASTER["vmax"]


def test_bundle_is_cached_and_rebuilt_when_a_layer_file_changes(tmp_path, monkeypatch, layers_copy):
    monkeypatch.setattr(bundle, "bundle_dir", lambda: tmp_path / "out")
    monkeypatch.setattr(bundle, "installed_rasters", lambda: [])
    first = bundle.build()
    stamp = first.stat().st_mtime_ns
    assert bundle.build() == first and first.stat().st_mtime_ns == stamp
    bases = layers_copy / "bases.csv"
    os.utime(bases, ns=(bases.stat().st_atime_ns, bases.stat().st_mtime_ns + 10**9))
    second = bundle.build()
    assert second != first and second.exists() and not first.exists()


def test_bundle_route(client, built, monkeypatch):
    path, _ = built
    monkeypatch.setattr(bundle, "build", lambda force=False: path)
    resp = client.get("/api/bundle.zip")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    assert resp.headers["Content-Disposition"] == f"attachment; filename={bundle.DOWNLOAD_NAME}"
    assert resp.data == path.read_bytes()
    resp.close()
