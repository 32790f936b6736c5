"""Open the embedded plan store (a GeoPackage) in QGIS itself, headless, and report its layers.

Run by tests/test_store_backup.py with Debian's /usr/bin/python3:
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 check_store.py STORE.gpkg VERSION_ID
Prints one JSON object: each store layer QGIS opens (valid, feature count, CRS, geometry type) and the live
features of VERSION_ID in `current_features`.
"""

import json
import sys

from qgis.core import QgsApplication, QgsFeatureRequest, QgsVectorLayer, QgsWkbTypes


def main(path: str, vid: str) -> dict:
    app = QgsApplication([], False)
    app.initQgis()
    out, opened = {}, []
    for name in ("current_features", "features"):
        layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
        opened.append(layer)
        out[name] = {"valid": layer.isValid(), "features": layer.featureCount(), "crs": layer.crs().authid(),
                     "geometry": QgsWkbTypes.geometryDisplayString(layer.geometryType())}
        if name == "current_features" and layer.isValid():
            request = QgsFeatureRequest().setFilterExpression(f"\"version_id\" = '{vid}'")
            feats = list(layer.getFeatures(request))
            out["version_features"] = len(feats)
            out["points"] = sum(1 for f in feats if f.geometry().type() == QgsWkbTypes.PointGeometry)
    del layer, opened  # layers go before QGIS exits (a crash at exit otherwise)
    app.exitQgis()
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
