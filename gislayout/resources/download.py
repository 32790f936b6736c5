"""Download a standard atlas from its public address, verify it, and import it (`fetch`).

Addresses are configurable (for a mirror on an intranet, or a test server): the `url` argument, else the
environment variables `GISLAYOUT_GSA_URL` / `GISLAYOUT_GWA_URL`, else the atlases' own addresses.
The GWA address is a template with `{layer}` (wind-speed, power-density) and `{height}`.
A download is written to a `.part` file, checked against Content-Length (and a sha256 if given), then
imported; on any failure the partial file is deleted and nothing is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from http.client import HTTPException
from pathlib import Path

from ..errors import BadParameter, InvalidData, ResourceUnavailable
from . import importers, store
from .registry import CLI

GSA_URL = ("https://api.globalsolaratlas.info/download/China/"
           "China_GISdata_LTAy_AvgDailyTotals_GlobalSolarAtlas-v2_GEOTIFF.zip")
GWA_URL = "https://globalwindatlas.info/api/gis/country/CHN/{layer}/{height}"
GWA_LAYERS = {"gwa_ws100": ("wind-speed", 100), "gwa_pd100": ("power-density", 100)}
SOURCES = {"gsa": ("gsa_ghi", "gsa_elevation"), "gwa": tuple(GWA_LAYERS)}
TIMEOUT_S = 60
_CHUNK = 1 << 20


def source_of(name: str) -> str:
    """The fetchable source ('gsa' or 'gwa') for a source or resource name; BadParameter otherwise."""
    for source, names in SOURCES.items():
        if name == source or name in names:
            return source
    raise BadParameter(f"nothing to fetch for {name!r}; fetchable: {', '.join(SOURCES)} "
                       f"(other files: `{CLI} import FILE`)")


def default_url(source: str) -> str:
    """The download address of `source`: the environment variable if set, else the atlas's own."""
    env = {"gsa": "GISLAYOUT_GSA_URL", "gwa": "GISLAYOUT_GWA_URL"}[source]
    return os.environ.get(env) or {"gsa": GSA_URL, "gwa": GWA_URL}[source]


def download(url: str, dest: Path, sha256: str | None = None, timeout: float = TIMEOUT_S) -> Path:
    """Stream `url` to `dest`, verifying its length (and sha256 if given); nothing is left on failure."""
    if not url.lower().startswith(("http://", "https://")):
        raise BadParameter(f"download address {url!r} must start with http:// or https://")
    part = dest.with_name(dest.name + ".part")
    digest = hashlib.sha256()
    got = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp, open(part, "wb") as out:
            expected = resp.headers.get("Content-Length")
            for chunk in iter(lambda: resp.read(_CHUNK), b""):
                out.write(chunk)
                digest.update(chunk)
                got += len(chunk)
        if expected is not None and got != int(expected):
            raise InvalidData(f"download of {url!r} is truncated: got {got} of {int(expected)} bytes")
        if sha256 and digest.hexdigest() != sha256.lower():
            raise InvalidData(f"download of {url!r} fails its checksum: sha256 {digest.hexdigest()}, "
                              f"expected {sha256}")
        if got == 0:
            raise InvalidData(f"download of {url!r} is empty")
        part.replace(dest)
        return dest
    except urllib.error.HTTPError as exc:
        raise ResourceUnavailable(f"download of {url!r} failed: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise ResourceUnavailable(f"cannot reach {url!r} ({exc.reason}); if this machine is offline, get the "
                                  f"file another way and run `{CLI} import FILE`") from None
    except (HTTPException, TimeoutError, ConnectionError) as exc:
        raise InvalidData(f"download of {url!r} is truncated: connection broke after {got} bytes "
                          f"({type(exc).__name__})") from None
    finally:
        part.unlink(missing_ok=True)


def _gwa_urls(template: str) -> dict[str, str]:
    if "{layer}" not in template:
        raise BadParameter(f"GWA address {template!r} must contain {{layer}} (and may contain {{height}})")
    return {name: template.format(layer=layer, height=height) for name, (layer, height) in GWA_LAYERS.items()}


def fetch(source: str, url: str | None = None, sha256: str | None = None, keep: bool = False) -> list[str]:
    """Download, verify and install `source` ('gsa' or 'gwa', or one of their resource names).

    Returns the names installed. `keep` leaves the downloaded file in `BUILD_DIR/resources/downloads`.
    """
    source = source_of(source)
    if sha256 and source == "gwa":
        raise BadParameter("--sha256 checks a single download; gwa downloads two files, so it cannot be used there")
    url = url or default_url(source)
    folder = store.root() / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        if source == "gsa":
            path = download(url, Path(tmp) / "gsa_china.zip", sha256)
            names = importers.import_file(path, origin=f"downloaded from {url}")
            kept = [path]
        else:
            urls = _gwa_urls(url)
            paths = {name: download(u, Path(tmp) / f"{name}.tif") for name, u in urls.items()}
            prepared = [importers.prepare(str(p), p.name, importers.Options(name=name, origin=f"downloaded from "
                                                                            f"{urls[name]}"))
                        for name, p in paths.items()]
            for name, values, meta in prepared:
                store.install(name, values, importers.COMMON.transform, importers.COMMON.crs, meta)
            names, kept = [p[0] for p in prepared], list(paths.values())
        if keep:
            for p in kept:
                shutil.move(p, folder / p.name)
    return names
