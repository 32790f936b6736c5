"""Open a QGIS project with QGIS itself (Debian's python3-qgis), headless, and report what QGIS sees.

Run by tests/test_qgis_project.py with Debian's /usr/bin/python3 (the venv's Python cannot import qgis):
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 check_project.py PROJECT.qgs OUT.png
Prints one JSON object: the QGIS version, the project CRS, every layer (name, type, valid, feature count,
CRS) and the rendered image's size and number of distinct colours.
"""

import json
import sys

from qgis.core import (Qgis, QgsApplication, QgsMapRendererSequentialJob, QgsMapSettings, QgsProject,
                       QgsRectangle, QgsVectorLayer)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def main(project_path: str, image_path: str) -> dict:
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    read = project.read(project_path)
    layers = []
    for layer in project.mapLayers().values():
        entry = {"name": layer.name(), "type": "vector" if isinstance(layer, QgsVectorLayer) else "raster",
                 "valid": layer.isValid(), "crs": layer.crs().authid(), "source": layer.source()}
        if isinstance(layer, QgsVectorLayer):
            entry["features"] = layer.featureCount()
            entry["renderer"] = layer.renderer().type() if layer.renderer() else None
        layers.append(entry)
    root = project.layerTreeRoot()
    visible = [n.layer() for n in root.findLayers() if n.isVisible() and n.layer() is not None]
    settings = QgsMapSettings()
    settings.setLayers(visible)
    settings.setDestinationCrs(project.crs())
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setOutputSize(QSize(800, 560))
    settings.setExtent(QgsRectangle(92.0, 32.3, 109.0, 43.0))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(image_path, "PNG")
    colours = set()
    painted = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            rgb = image.pixel(x, y) & 0xFFFFFF
            colours.add(rgb)
            painted += rgb != 0xFFFFFF
    out = {"qgis": Qgis.QGIS_VERSION, "read": read, "crs": project.crs().authid(), "crs_valid": project.crs().isValid(),
           "title": project.title(), "layers": layers, "visible": [l.name() for l in visible],
           "image": {"width": image.width(), "height": image.height(), "colours": len(colours),
                     "painted_share": painted / max(1, (image.width() // 2) * (image.height() // 2))}}
    app.exitQgis()
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2]), ensure_ascii=False))
