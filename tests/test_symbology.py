"""One symbology: the QGIS project, the KML and the atlas (read in a real browser) draw the same feature with
the same colour and shape, all taken from gislayout/symbology.json."""

from __future__ import annotations

import urllib.parse
import xml.etree.ElementTree as ET
import zipfile

import pytest

from gislayout import config, layers, regions, symbology
from gislayout.export import bundle

from .browser import browser, page, reveal_marker  # noqa: F401  (fixtures)

KML = {"k": "http://www.opengis.net/kml/2.2"}


def _first(layer: str, **where) -> dict:
    gdf = layers.load(layer)
    for key, value in where.items():
        gdf = gdf[gdf[key] == value]
    row = gdf.iloc[0]
    return {k: (v if isinstance(v, str) else None) for k, v in row.drop("geometry").items()}


@pytest.fixture(scope="module")
def picked() -> dict:
    """One national base, one provincial base, one park, and the second zone of the default scheme."""
    zones = regions.get(config.DEFAULT_SCHEME).zones
    return {"national": ("bases", _first("bases", level="national")),
            "provincial": ("bases", _first("bases", level="provincial")),
            "park": ("parks", _first("parks")),
            "zone": zones[1].id}


@pytest.fixture(scope="module")
def qgs(tmp_path_factory) -> ET.Element:
    """The `.qgs` of a bundle built without rasters."""
    tmp = tmp_path_factory.mktemp("symbology")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bundle, "bundle_dir", lambda: tmp)
        mp.setattr(bundle, "installed_rasters", lambda: [])
        path = bundle.build()
    with zipfile.ZipFile(path) as zf:
        return ET.fromstring(zf.read(bundle.QGS_NAME))


def _hex_of_rgba(text: str) -> str:
    r, g, b = (int(v) for v in text.split(",")[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def _hex_of_kml(text: str) -> str:
    return f"#{text[6:8]}{text[4:6]}{text[2:4]}"  # aabbggrr


def _qgis_symbol(root: ET.Element, gpkg_layer: str, value: str) -> dict[str, str]:
    """The SimpleMarker/SimpleFill properties of the category matching `value` in a categorised layer."""
    layer = next(ml for ml in root.iter("maplayer") if ml.find("datasource").text.endswith(f"layername={gpkg_layer}"))
    renderer = layer.find("renderer-v2")
    index = next(c.get("symbol") for c in renderer.iter("category") if c.get("value") == value)
    symbol = renderer.find(f"symbols/symbol[@name='{index}']/layer")
    return {p.get("k"): p.get("v") for p in symbol.iter("prop")}


def _qgis_value(root: ET.Element, layer: str, props: dict) -> str:
    """What QGIS computes for the feature from the renderer's expression (checked to be the expected one)."""
    attr = next(ml for ml in root.iter("maplayer")
                if ml.find("datasource").text.endswith(f"layername={layer}")).find("renderer-v2").get("attr")
    assert attr == f"concat({symbology.FIRST_SECTOR_EXPR}, '/', coalesce(\"level\", ''))"
    return f"{props['sectors'].split(';')[0]}/{props.get('level') or ''}"


def _kml_style(client, path: str, match) -> ET.Element:
    root = ET.fromstring(client.get(path).data)
    placemark = next(pm for pm in root.iterfind(".//k:Placemark", KML) if match(pm))
    sid = placemark.find("k:styleUrl", KML).text.lstrip("#")
    return root.find(f".//k:Style[@id='{sid}']", KML)


def _atlas(pg, base: str, picked: dict) -> dict:
    """Fill and shape of the drawn markers, and the fill of the drawn zone polygons, read from the page."""
    query = urllib.parse.urlencode({"layers": "regions,bases,parks", "scheme": config.DEFAULT_SCHEME})
    pg.goto(f"{base}/?{query}")
    pg.wait_for_selector("body[data-ready]")
    out = {}
    for key in ("national", "provincial", "park"):
        marker = reveal_marker(pg, picked[key][1]["id"])
        shape = next(c[4:] for c in marker.get_attribute("class").split() if c.startswith("sym-"))
        out[key] = (marker.locator("svg g").get_attribute("fill"), shape)
    fills = pg.evaluate("z => Atlas.boundaryLayer('regions').getLayers()"
                        ".filter(l => l.feature.properties.zone === z).map(l => l._path.getAttribute('fill'))",
                        picked["zone"])
    assert fills, f"zone {picked['zone']!r} is not drawn"
    out["zone"] = set(fills)
    return out


@pytest.mark.browser
def test_qgis_kml_and_atlas_agree_on_colour_and_shape(client, qgs, picked, page, live_server):
    icons = {v["kml_icon"]: shape for shape, v in symbology.spec()["symbols"].items()}
    atlas = _atlas(page, live_server, picked)
    seen = {}
    for key in ("national", "provincial", "park"):
        layer, props = picked[key]
        expected = symbology.point_style(layer, props["sectors"], props["level"])
        qgis = _qgis_symbol(qgs, layer, _qgis_value(qgs, layer, props))
        style = _kml_style(client, f"/api/layers/{layer}?format=kml", lambda pm: pm.get("id") == props["id"])
        kml = (_hex_of_kml(style.find("k:IconStyle/k:color", KML).text),
               icons[style.find("k:IconStyle/k:Icon/k:href", KML).text])
        assert (_hex_of_rgba(qgis["color"]), qgis["name"]) == kml == atlas[key], key
        assert kml == (expected.colour, expected.shape), key
        seen[key] = kml
    assert seen["national"][1] == "star" and seen["provincial"][1] == "diamond" and seen["park"][1] == "square"

    zone, scheme = picked["zone"], config.DEFAULT_SCHEME
    qgis = _qgis_symbol(qgs, f"regions_{scheme}", zone)
    style = _kml_style(client, f"/api/layers/regions?format=kml&scheme={scheme}",
                       lambda pm: pm.find(".//k:SimpleData[@name='zone']", KML).text == zone)
    kml = _hex_of_kml(style.find("k:PolyStyle/k:color", KML).text)
    assert {_hex_of_rgba(qgis["color"])} == {kml} == atlas["zone"]
    assert kml == symbology.zone_colour(zone, [z.id for z in regions.get(scheme).zones])
    assert not page.errors, page.errors


def test_every_industry_and_shape_has_a_symbol():
    spec = symbology.spec()
    table = layers.sectors()
    industries = table.loc[table["parent"].isna() | (table["parent"] == ""), "code"]
    assert set(industries) == set(spec["industries"])
    for layer in layers.POINT_LAYERS:
        for level in (None, "national", "provincial"):
            assert symbology.shape_of(layer, level) in spec["symbols"]
    assert symbology.industry_colour(None) == spec["no_industry"]
    assert len(set(spec["industries"].values()) | {spec["no_industry"]}) == len(spec["industries"]) + 1


def test_compare_page_embeds_the_spec(client):
    html = client.get("/compare").get_data(as_text=True)
    assert '"symbology":' in html and symbology.spec()["zones"]["palette"][1] in html
