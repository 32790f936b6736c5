"""Siting analysis: a ~1 km equal-area grid over Gansu, precomputed criterion layers, a vectorised
suitability model, candidate zones with capacity and generation, and scoring of uploaded sites.

Modules, in the order data flows through them:

- `grid`: the grid (`Grid`) and helpers to put points and polygons on it;
- `criteria`: the criterion arrays (resource, terrain, distances) built once per process (`Stack`);
- `model`: parameters (`Params`, with documented defaults) and the threshold + weight score;
- `energy`: capacity factors and yields (pvlib for PV, windpowerlib for wind);
- `zones`: contiguous suitable cells → ranked zones, polygons and roll-ups;
- `upload`: candidate sites and exclusion polygons from GeoJSON, GPKG, zipped Shapefile or CSV;
- `service`: the cached entry points the web API and the CLI call.
"""
