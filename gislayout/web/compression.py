"""Gzip for the text a browser loads with the atlas: scripts, styles, JSON and SVG.

A response passes unchanged when it is already encoded (the atlas page and the display GeoJSON gzip
themselves), partial or conditional (not a 200), small, not text, or asked for without `gzip` in
Accept-Encoding. A static file's gzipped bytes are kept per path, size and modification time, so each file is
compressed once per process; other answers (API JSON) are compressed as they go. The gzipped representation
gets its own ETag, so a cache never mixes it with the plain one.
"""

from __future__ import annotations

import functools
import gzip
import os

from flask import Flask, Response, current_app, request

#: The media types worth compressing (images other than SVG, PDFs, GeoPackages and zips are compressed already).
COMPRESSIBLE = frozenset({"application/javascript", "text/javascript", "text/css", "application/json",
                          "application/geo+json", "image/svg+xml", "text/csv", "text/plain"})
#: Below this, gzip's header and the extra header line cost more than they save.
MIN_BYTES = 1024
LEVEL = 6


def _wanted(resp: Response) -> bool:
    # the header's raw text first: most API clients (and scripts) do not ask for gzip, and this costs nothing
    return ("gzip" in request.headers.get("Accept-Encoding", "") and resp.status_code == 200
            and resp.mimetype in COMPRESSIBLE and "Content-Encoding" not in resp.headers
            and "Range" not in request.headers and "gzip" in request.accept_encodings)


@functools.lru_cache(maxsize=128)
def _static_gzip(path: str, size: int, mtime_ns: int) -> bytes:
    """The gzipped bytes of the static file `path` as it is at (`size`, `mtime_ns`)."""
    with open(path, "rb") as f:
        return gzip.compress(f.read(), compresslevel=LEVEL, mtime=0)


def _static_file(resp: Response) -> os.stat_result | None:
    """The stat of the static file this response sends, or None when it is not one."""
    if request.endpoint != "static" or not current_app.static_folder:
        return None
    path = os.path.join(current_app.static_folder, request.view_args.get("filename", ""))
    try:
        return os.stat(path)
    except OSError:
        return None


def compress(resp: Response) -> Response:
    """`resp` gzipped when the client accepts it and it is text worth compressing (see the module's doc)."""
    if not _wanted(resp):
        return resp
    st = _static_file(resp)
    if st is not None:
        if st.st_size < MIN_BYTES:
            return resp
        path = os.path.join(current_app.static_folder, request.view_args["filename"])
        resp.close()  # the open file of send_file: its bytes come from the cache instead
        resp.direct_passthrough = False
        resp.set_data(_static_gzip(path, st.st_size, st.st_mtime_ns))
    else:
        resp.direct_passthrough = False
        data = resp.get_data()
        if len(data) < MIN_BYTES:
            return resp
        resp.set_data(gzip.compress(data, compresslevel=LEVEL, mtime=0))
    resp.headers["Content-Encoding"] = "gzip"
    resp.vary.add("Accept-Encoding")
    etag, weak = resp.get_etag()
    if etag:
        resp.set_etag(etag + "-gz", weak)
    return resp


def init_app(app: Flask) -> None:
    """Compress every eligible response of `app`."""
    app.after_request(compress)
